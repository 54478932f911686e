"""The customer's side of the requirements review and the customer's change requests, through
the JSON API (the portal's pages call the same use cases: test_orders_portal_pages.py)."""

import uuid
from datetime import date

from conftest import OrderFlow

from services.orders.usecases.changes import request_customer_change
from shared.usecases import Principal
from tests.helpers import auth, link_in, mailed, problem, published


def customer_post(flow, path, body):
    return flow.client.post(path, json=body, headers=auth("customer", flow.customer_id))


def requirements_of(flow, order_id):
    return flow.client.get(f"/orders/{order_id}/requirements", headers=auth("sales")).json


def staff_approves(flow, order_id):
    decisions = [
        {"requirement_id": r["id"], "decision": "approved"} for r in requirements_of(flow, order_id)
    ]
    assert flow.post(f"/orders/{order_id}/reviews", {"decisions": decisions}).status_code == 201


def test_a_submitted_order_invites_the_customer_to_review_on_the_portal(app, flow):
    order = flow.submitted(requirements=2)
    [invitation] = mailed(app, "review_invitation")
    assert invitation.to_address == "buyer@acme.example"
    assert f"{order['number']}: please review its 2 requirements" in invitation.subject
    assert link_in(invitation.text_body).endswith(f"/portal/orders/{order['id']}/review")


def test_approval_needs_the_customers_agreement_shown_beside_the_reviewers(app, flow):
    order = flow.submitted(requirements=2)
    first, second = requirements_of(flow, order["id"])
    staff_approves(flow, order["id"])
    decisions = [
        {"requirement_id": first["id"], "decision": "approved", "revision": 1},
        {"requirement_id": second["id"], "decision": "changes_requested", "comment": "40 t!"},
    ]
    assert customer_post(flow, f"/orders/{order['id']}/customer-review", {"decisions": decisions})
    summary = flow.client.get(f"/orders/{order['id']}/review-summary", headers=auth("manager"))
    by_id = {row["requirement_id"]: row for row in summary.json}
    assert by_id[first["id"]]["staff_verdict"] == "approved"
    assert by_id[first["id"]]["customer_decision"] == "approved"
    assert by_id[second["id"]]["customer_decision"] == "changes_requested"
    assert by_id[second["id"]]["customer_comment"] == "40 t!"
    assert by_id[second["id"]]["blocked_by"] == "The customer asked for a change."
    [event] = published(app, "ordo.requirements.customer_reviewed")
    assert event.data["all_agreed"] is False and len(event.data["decisions"]) == 2

    blocked = flow.post(f"/orders/{order['id']}/approve")
    assert blocked.status_code == 409
    assert blocked.json["blockers"] == {second["id"]: "The customer asked for a change."}
    reason = "Agreed by phone with the customer's engineer on 1 Dec"
    approved = flow.post(f"/orders/{order['id']}/approve", {"customer_override_reason": reason})
    assert approved.status_code == 200 and approved.json["status"] == "confirmed"
    timeline = flow.client.get(f"/orders/{order['id']}/timeline", headers=auth("manager")).json
    assert timeline[-1]["summary"].endswith(f"(manager's reason: {reason})")


def test_a_customers_decision_on_an_older_revision_is_stale_and_writes_nothing(app, flow):
    order = flow.submitted()
    [requirement] = requirements_of(flow, order["id"])
    decision = {"requirement_id": requirement["id"], "decision": "approved", "revision": 7}
    response = customer_post(
        flow, f"/orders/{order['id']}/customer-review", {"decisions": [decision]}
    )
    assert response.status_code == 412
    assert published(app, "ordo.requirements.customer_reviewed") == []


def test_another_customer_may_not_review(app, flow, client):
    order = flow.submitted()
    [requirement] = requirements_of(flow, order["id"])
    other = client.post("/customers", json={"name": "Other"}, headers=auth("sales")).json
    response = client.post(
        f"/orders/{order['id']}/customer-review",
        json={"decisions": [{"requirement_id": requirement["id"], "decision": "approved"}]},
        headers=auth("customer", other["id"]),
    )
    assert response.status_code == 403
    assert flow.post(f"/orders/{order['id']}/customer-review", {}).status_code == 403  # staff


def test_a_requirement_sent_back_and_resubmitted_unchanged_is_409(flow, client):
    order = flow.submitted()
    [requirement] = requirements_of(flow, order["id"])
    decision = {
        "requirement_id": requirement["id"],
        "decision": "changes_requested",
        "comment": "?",
    }
    customer_post(flow, f"/orders/{order['id']}/customer-review", {"decisions": [decision]})
    assert flow.post(f"/orders/{order['id']}/request-changes", {}, "sales").status_code == 200
    again = flow.post(f"/orders/{order['id']}/submit", role="sales")
    assert again.status_code == 409
    assert problem(again)["unchanged_requirements"] == [requirement["id"]]
    current = requirements_of(flow, order["id"])[0]
    revised = client.patch(
        f"/orders/{order['id']}/requirements/{requirement['id']}",
        json={"title": "Pressing force of 40 t"},
        headers={**auth("sales"), "If-Match": f'"{current["version"]}"'},
    )
    assert revised.status_code == 200, revised.json
    assert flow.post(f"/orders/{order['id']}/submit", role="sales").status_code == 200


def test_a_customers_change_request_waits_for_sales_to_complete_its_impact(app, flow, client):
    order = flow.confirmed()
    with app.extensions["ordo"].db.transaction() as session:
        change = request_customer_change(
            session,
            uuid.UUID(order["id"]),
            "Paint it blue",
            "RAL 5015 instead of grey",
            date(2027, 2, 1),
            Principal("customer:buyer", frozenset({"customer"}), uuid.UUID(flow.customer_id)),
        )
        change_id = change.id
    path = f"/orders/{order['id']}/change-requests/{change_id}"
    pending = client.get(path, headers=auth("sales")).json
    assert (pending["raised_by_customer"], pending["title"], pending["wished_date"]) == (
        True,
        "Paint it blue",
        "2027-02-01",
    )
    impact = {
        "changes": [],
        "schedule_impact_days": 3,
        "cost_impact": {"amount": "800.00", "currency": "EUR"},
    }
    completed = client.put(f"{path}/impact", json=impact, headers=auth("sales"))
    assert completed.status_code == 200, completed.json
    assert completed.json["schedule_impact_days"] == 3
    assert completed.json["reason"] == "RAL 5015 instead of grey"
    approved = flow.post(f"{path}/approve", {"comment": "Fine"})
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert client.put(f"{path}/impact", json=impact, headers=auth("sales")).status_code == 409


def test_html_in_customer_text_is_escaped_in_the_invitation_mail(app, client):
    body = {"name": "<b>Acme</b>", "email": "x@acme.example", "contact_name": "<i>Ada</i>"}
    customer = client.post("/customers", json=body, headers=auth("sales")).json
    flow = OrderFlow(client, customer["id"])
    flow.submitted()
    [invitation] = mailed(app, "review_invitation")
    assert "&lt;i&gt;Ada&lt;/i&gt;" in invitation.html_body and "<i>Ada" not in invitation.html_body

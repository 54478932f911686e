"""Change requests: requirement delta, schedule and cost impact, approval by a manager."""

import uuid

import pytest

from tests.helpers import auth, problem, published
from tests.services.orders.conftest import requirement_body


def requirements_of(flow, order):
    return flow.client.get(f"/orders/{order['id']}/requirements", headers=auth("sales")).json


def change_request(flow, order, changes, role="sales", **extra):
    body = {
        "changes": changes,
        "schedule_impact_days": 10,
        "cost_impact": {"amount": "8000.00", "currency": "EUR"},
        "reason": "Customer wants a second tool",
        **extra,
    }
    return flow.post(f"/orders/{order['id']}/change-requests", body, role)


def test_an_approved_change_applies_revises_and_publishes_the_full_new_content(app, flow):
    order = flow.confirmed(requirements=2)
    first, second = requirements_of(flow, order)
    kept = first["acceptance_criteria"][0]
    modified = requirement_body(
        title="Pressing force 60 t",
        acceptance_criteria=[{"id": kept["id"], "text": "Presses 60 t"}],
    )
    created = change_request(
        flow,
        order,
        [
            {"action": "modify", "requirement_id": first["id"], "requirement": modified},
            {"action": "remove", "requirement_id": second["id"]},
            {"action": "add", "requirement": requirement_body(title="Tool changer")},
        ],
    )
    assert created.status_code == 201, created.json
    assert created.json["status"] == "pending"
    assert published(app, "ordo.order.change_approved") == []

    approved = flow.post(f"/orders/{order['id']}/change-requests/{created.json['id']}/approve")
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    after = flow.order(order["id"])
    assert after["due_date"] == "2027-03-11"
    assert after["value"] == {"amount": "128000.00", "currency": "EUR"}

    [event] = published(app, "ordo.order.change_approved")
    assert event.data["new_due_date"] == "2027-03-11"
    assert event.data["new_value"] == {"amount": "128000.00", "currency": "EUR"}
    assert event.data["cost_impact"] == {"amount": "8000.00", "currency": "EUR"}
    assert event.data["schedule_impact_days"] == 10
    modify, remove, add = event.data["changes"]
    assert modify["requirement"]["revision"] == 2
    assert modify["requirement"]["acceptance_criteria"] == [
        {"criterion_id": kept["id"], "text": "Presses 60 t", "position": 1}
    ]
    assert (remove["requirement_id"], remove["requirement"]) == (second["id"], None)
    assert add["requirement"]["title"] == "Tool changer" and add["requirement"]["revision"] == 1

    statuses = {r["title"]: (r["status"], r["revision"]) for r in requirements_of(flow, order)}
    assert statuses == {
        "Pressing force 60 t": ("approved", 2),
        "Requirement 2": ("removed", 2),
        "Tool changer": ("approved", 1),
    }
    history = flow.client.get(
        f"/orders/{order['id']}/requirements/{first['id']}/revisions", headers=auth("sales")
    ).json
    assert [h["revision"] for h in history] == [1, 2]
    assert history[1]["reason"].startswith(f"Change request {created.json['id']}")


def test_a_rejected_change_changes_nothing(app, flow):
    order = flow.confirmed()
    [requirement] = requirements_of(flow, order)
    created = change_request(
        flow, order, [{"action": "remove", "requirement_id": requirement["id"]}]
    ).json
    path = f"/orders/{order['id']}/change-requests/{created['id']}"
    assert flow.post(f"{path}/reject", {"comment": "Not now"}).json["status"] == "rejected"
    assert flow.post(f"{path}/approve").status_code == 409
    assert requirements_of(flow, order)[0]["status"] == "approved"
    assert published(app, "ordo.order.change_approved") == []


def test_only_a_manager_decides_on_a_change(flow):
    order = flow.confirmed()
    [requirement] = requirements_of(flow, order)
    created = change_request(
        flow, order, [{"action": "remove", "requirement_id": requirement["id"]}], role="planner"
    )
    assert created.status_code == 201
    path = f"/orders/{order['id']}/change-requests/{created.json['id']}"
    assert flow.post(f"{path}/approve", role="sales").status_code == 403
    assert flow.post(f"{path}/reject", role="planner").status_code == 403


def test_a_draft_order_takes_no_change_request(flow):
    order = flow.draft()
    response = change_request(flow, order, [{"action": "add", "requirement": requirement_body()}])
    assert response.status_code == 409
    assert problem(response)["current_status"] == "draft"


@pytest.mark.parametrize(
    ("change", "extra"),
    [
        ({"action": "rename", "requirement_id": None}, {}),
        ({"action": "remove", "requirement_id": None}, {}),
        ({"action": "add", "requirement": None}, {}),
        ({"action": "modify", "requirement_id": "REQ", "requirement": None}, {}),
        ({"action": "remove", "requirement_id": str(uuid.uuid4())}, {}),
        ({"action": "remove", "requirement_id": "REQ"}, {"reason": ""}),
        (
            {"action": "remove", "requirement_id": "REQ"},
            {"cost_impact": {"amount": "1.00", "currency": "USD"}},
        ),
        (
            {"action": "remove", "requirement_id": "REQ"},
            {"cost_impact": {"amount": "-999999.00", "currency": "EUR"}},
        ),
        (
            {"action": "add", "requirement": requirement_body(acceptance_criteria=[])},
            {},
        ),
    ],
    ids=[
        "unknown-action",
        "remove-without-id",
        "add-without-content",
        "modify-without-content",
        "unknown-requirement",
        "no-reason",
        "other-currency",
        "negative-value",
        "empty-criteria",
    ],
)
def test_bad_change_requests_are_422_and_write_nothing(flow, change, extra):
    order = flow.confirmed()
    [requirement] = requirements_of(flow, order)
    if change.get("requirement_id") == "REQ":
        change = {**change, "requirement_id": requirement["id"]}
    response = change_request(flow, order, [change], **extra)
    assert response.status_code == 422, response.json
    assert problem(response)["status"] == 422
    listed = flow.client.get(f"/orders/{order['id']}/change-requests", headers=auth("sales"))
    assert listed.json["total"] == 0


def test_an_unknown_change_request_is_404(flow):
    order = flow.confirmed()
    path = f"/orders/{order['id']}/change-requests/{uuid.uuid4()}"
    assert flow.client.get(path, headers=auth("sales")).status_code == 404
    assert flow.post(f"{path}/approve").status_code == 404


def test_a_change_to_requirements_alone_still_gives_the_order_a_new_version(app, flow):
    order = flow.confirmed()
    created = change_request(
        flow,
        order,
        [{"action": "add", "requirement": requirement_body(title="Guard")}],
        schedule_impact_days=0,
        cost_impact={"amount": "0.00", "currency": "EUR"},
    ).json
    path = f"/orders/{order['id']}/change-requests/{created['id']}"
    assert flow.post(f"{path}/approve").status_code == 200
    [confirmed] = published(app, "ordo.order.confirmed")
    [changed] = published(app, "ordo.order.change_approved")
    assert changed.data["version"] > confirmed.data["version"]
    assert flow.order(order["id"])["version"] == changed.data["version"]


def test_deciding_on_a_change_of_a_cancelled_order_is_409(app, flow):
    order = flow.confirmed()
    [requirement] = requirements_of(flow, order)
    created = change_request(
        flow, order, [{"action": "remove", "requirement_id": requirement["id"]}]
    ).json
    assert flow.post(f"/orders/{order['id']}/cancel", {"reason": "Gone"}).status_code == 200
    path = f"/orders/{order['id']}/change-requests/{created['id']}"
    for decision in ("approve", "reject"):
        response = flow.post(f"{path}/{decision}")
        assert response.status_code == 409
        body = problem(response)
        assert (body["current_status"], body["allowed_actions"]) == ("cancelled", [])
    assert flow.client.get(path, headers=auth("sales")).json["status"] == "pending"


def test_a_criterion_id_given_twice_in_a_change_is_422(flow):
    order = flow.confirmed()
    [requirement] = requirements_of(flow, order)
    kept = requirement["acceptance_criteria"][0]["id"]
    content = requirement_body(
        acceptance_criteria=[{"id": kept, "text": "A"}, {"id": kept, "text": "B"}]
    )
    response = change_request(
        flow,
        order,
        [{"action": "modify", "requirement_id": requirement["id"], "requirement": content}],
    )
    assert response.status_code == 422
    assert "acceptance_criteria" in problem(response)["errors"]["changes"]["0"]["requirement"]
    listed = flow.client.get(f"/orders/{order['id']}/change-requests", headers=auth("sales"))
    assert listed.json["total"] == 0


@pytest.mark.parametrize(
    ("order_fields", "extra", "field"),
    [
        ({}, {"cost_impact": {"amount": "1000000000000.00", "currency": "EUR"}}, "cost_impact"),
        (
            {"value": {"amount": "999999999000.00", "currency": "EUR"}},
            {"cost_impact": {"amount": "1000.00", "currency": "EUR"}},
            "cost_impact",
        ),
        ({"due_date": "2999-12-31"}, {"schedule_impact_days": 1}, "schedule_impact_days"),
        ({"due_date": "1900-01-05"}, {"schedule_impact_days": -5}, "schedule_impact_days"),
    ],
    ids=["cost-beyond-column", "value-beyond-column", "due-after-2999", "due-before-1900"],
)
def test_a_change_leaving_the_value_or_date_range_is_422(flow, order_fields, extra, field):
    order = flow.draft(**order_fields)
    flow.add_requirement(order["id"])
    assert flow.post(f"/orders/{order['id']}/submit", role="sales").status_code == 200
    flow.approve_all(order["id"])
    assert flow.post(f"/orders/{order['id']}/approve").status_code == 200
    response = change_request(
        flow, order, [{"action": "add", "requirement": requirement_body()}], **extra
    )
    assert response.status_code == 422, response.json
    assert field in problem(response)["errors"]
    listed = flow.client.get(f"/orders/{order['id']}/change-requests", headers=auth("sales"))
    assert listed.json["total"] == 0


def test_approving_a_change_that_would_leave_the_range_is_422_and_writes_nothing(app, flow):
    order = flow.draft(
        due_date="2999-12-21", value={"amount": "999999999000.00", "currency": "EUR"}
    )
    flow.add_requirement(order["id"])
    assert flow.post(f"/orders/{order['id']}/submit", role="sales").status_code == 200
    flow.approve_all(order["id"])
    assert flow.post(f"/orders/{order['id']}/approve").status_code == 200
    add = [{"action": "add", "requirement": requirement_body(title="Guard")}]
    euros = {"amount": "600.00", "currency": "EUR"}
    nothing = {"amount": "0.00", "currency": "EUR"}
    first = change_request(flow, order, add, schedule_impact_days=6, cost_impact=euros).json
    late = change_request(flow, order, add, schedule_impact_days=6, cost_impact=nothing).json
    dear = change_request(flow, order, add, schedule_impact_days=0, cost_impact=euros).json
    path = f"/orders/{order['id']}/change-requests"
    assert flow.post(f"{path}/{first['id']}/approve").status_code == 200
    before = flow.order(order["id"])
    assert (before["due_date"], before["value"]["amount"]) == ("2999-12-27", "999999999600.00")

    for change, field in ((late, "schedule_impact_days"), (dear, "cost_impact")):
        response = flow.post(f"{path}/{change['id']}/approve")
        assert response.status_code == 422
        assert field in problem(response)["errors"]
        assert (
            flow.client.get(f"{path}/{change['id']}", headers=auth("sales")).json["status"]
            == "pending"
        )
    assert flow.order(order["id"]) == before
    assert len(requirements_of(flow, order)) == 2
    assert len(published(app, "ordo.order.change_approved")) == 1

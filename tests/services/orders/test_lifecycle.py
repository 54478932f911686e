"""Cancel, hold, resume and close over HTTP, with the events they publish."""

import pytest

from tests.helpers import auth, deliver, problem, published


def start(app, order):
    deliver(app, "ordo.plan.activated", plan_activated(order))


def plan_activated(order, version=2):
    return {
        "order_id": order["id"],
        "plan_id": "00000000-0000-4000-8000-000000000001",
        "version": version,
        "baseline_number": 1,
        "start_date": "2027-01-04",
        "finish_date": "2027-02-26",
    }


def test_cancelling_publishes_the_reason_and_previous_status(app, flow):
    order = flow.confirmed()
    response = flow.post(f"/orders/{order['id']}/cancel", {"reason": "Budget withdrawn"})
    assert response.status_code == 200
    assert (response.json["status"], response.json["status_reason"]) == (
        "cancelled",
        "Budget withdrawn",
    )
    [event] = published(app, "ordo.order.cancelled")
    assert event.data["reason"] == "Budget withdrawn"
    assert event.data["previous_status"] == "confirmed"
    assert event.data["version"] == response.json["version"]


def test_sales_cancels_a_draft_but_not_a_confirmed_order(flow):
    draft, confirmed = flow.draft(), flow.confirmed()
    reason = {"reason": "Lost to a competitor"}
    assert flow.post(f"/orders/{draft['id']}/cancel", reason, "sales").status_code == 200
    assert flow.post(f"/orders/{confirmed['id']}/cancel", reason, "sales").status_code == 403
    again = flow.post(f"/orders/{draft['id']}/cancel", reason, "sales")
    assert (again.status_code, problem(again)["allowed_actions"]) == (409, [])


def test_a_cancel_needs_a_reason(flow):
    order = flow.draft()
    response = flow.post(f"/orders/{order['id']}/cancel", {"reason": ""})
    assert "reason" in problem(response)["errors"]
    assert flow.order(order["id"])["status"] == "draft"


def test_hold_and_resume_an_order_in_progress(app, flow):
    order = flow.confirmed()
    start(app, order)
    held = flow.post(f"/orders/{order['id']}/hold", {"comment": "Customer site closed"})
    assert (held.json["status"], held.json["status_reason"]) == ("on_hold", "Customer site closed")
    refused = flow.post(f"/orders/{order['id']}/cancel", {"reason": "x"})
    assert problem(refused)["allowed_actions"] == ["resume"]
    assert flow.post(f"/orders/{order['id']}/resume").json["status"] == "in_progress"


def test_a_forbidden_action_is_409_naming_status_and_allowed_actions(flow):
    order = flow.draft()
    for action in ("hold", "resume", "close", "approve", "request-changes"):
        response = flow.post(f"/orders/{order['id']}/{action}")
        assert response.status_code == 409, action
        body = problem(response)
        assert body["current_status"] == "draft"
        assert body["allowed_actions"] == ["cancel", "edit_requirements", "submit", "update"]


def test_a_stale_if_match_on_an_action_is_412(flow):
    order = flow.draft()
    response = flow.post(f"/orders/{order['id']}/cancel", {"reason": "x"}, **{"If-Match": '"9"'})
    assert response.status_code == 412


@pytest.mark.parametrize("role", ["sales", "planner", "engineer"])
def test_only_a_manager_holds_or_closes(flow, role):
    order = flow.draft()
    assert flow.post(f"/orders/{order['id']}/hold", role=role).status_code == 403
    assert flow.post(f"/orders/{order['id']}/close", role=role).status_code == 403


def test_timeline_shows_every_event_oldest_first_with_a_summary(app, flow, client):
    order = flow.confirmed()
    start(app, order)
    timeline = client.get(f"/orders/{order['id']}/timeline", headers=auth("sales")).json
    assert [entry["type"] for entry in timeline] == [
        "ordo.order.created",
        "ordo.order.submitted",
        "ordo.requirements.customer_reviewed",
        "ordo.order.confirmed",
        "ordo.plan.activated",
    ]
    assert timeline[2]["summary"] == (
        "The customer reviewed the requirements: 1 agreed, 0 asked to change"
    )
    assert (
        timeline[3]["summary"] == f"Order {order['number']} confirmed with 1 approved requirements"
    )
    assert timeline[4]["summary"].startswith("Plan activated: work starts 2027-01-04")


def test_own_events_coming_back_from_the_broker_are_not_doubled_on_the_timeline(app, flow, client):
    order = flow.draft()
    for envelope in published(app):
        deliver(app, envelope)
    timeline = client.get(f"/orders/{order['id']}/timeline", headers=auth("sales")).json
    assert [entry["type"] for entry in timeline] == ["ordo.order.created"]

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

"""The delivery service hears the order and plan events: deliverables trace to criteria."""

import uuid

from delivery_flow import CUSTOMER, QUALITY, confirmed_order, requirement

from shared.events.inbox import FAILED
from tests.helpers import auth, deliver, event


def test_an_order_confirmed_event_gives_one_deliverable_per_requirement_with_its_criteria(flow):
    order = flow.confirm(plan_completed=False)

    deliverables = flow.deliverables(order["order_id"])

    assert len(deliverables) == 2
    by_requirement = {d["requirement_id"]: d for d in deliverables}
    for sent in order["requirements"]:
        deliverable = by_requirement[sent["requirement_id"]]
        assert deliverable["status"] == "pending"
        assert deliverable["title"] == sent["title"]
        assert [(c["criterion_id"], c["text"]) for c in deliverable["criteria"]] == [
            (c["criterion_id"], c["text"]) for c in sent["acceptance_criteria"]
        ]


def test_a_duplicate_order_confirmed_creates_nothing_twice(app, flow):
    order = confirmed_order()
    deliver(app, "ordo.order.confirmed", order)

    assert deliver(app, event("ordo.order.confirmed", order)) == "processed"

    assert len(flow.deliverables(order["order_id"])) == 2


def test_plan_completed_makes_deliverables_ready_for_quality_control(flow):
    order = flow.confirm(plan_completed=False)

    flow.complete_plan(order["order_id"])

    assert {d["status"] for d in flow.deliverables(order["order_id"])} == {"ready_for_qc"}


def test_a_deliverable_that_failed_its_check_is_ready_for_quality_control_after_the_rework(flow):
    order = flow.confirm()
    failing, passing = flow.deliverables(order["order_id"])
    assert flow.inspect(failing, result="fail").status_code == 201
    assert flow.inspect(passing).status_code == 201

    flow.complete_plan(order["order_id"])

    statuses = {d["id"]: d["status"] for d in flow.deliverables(order["order_id"])}
    assert statuses == {failing["id"]: "ready_for_qc", passing["id"]: "passed"}


def change(order, *changes, version=4):
    return {
        "order_id": order["order_id"],
        "version": version,
        "change_request_id": str(uuid.uuid4()),
        "changes": list(changes),
        "schedule_impact_days": 2,
        "cost_impact": {"amount": "500.00", "currency": "EUR"},
        "reason": "Customer asked",
    }


def test_an_approved_change_adds_updates_and_withdraws_deliverables(app, flow):
    order = flow.confirm()
    export, search = order["requirements"]
    kept = export["acceptance_criteria"][0]
    modified = {
        **export,
        "revision": 2,
        "acceptance_criteria": [
            kept,
            {"criterion_id": str(uuid.uuid4()), "text": "Exports in UTF-8", "position": 2},
        ],
    }
    added = requirement("Audit log", "Every change is logged")

    deliver(
        app,
        "ordo.order.change_approved",
        change(
            order,
            {
                "action": "modify",
                "requirement_id": export["requirement_id"],
                "requirement": modified,
            },
            {"action": "remove", "requirement_id": search["requirement_id"]},
            {"action": "add", "requirement_id": added["requirement_id"], "requirement": added},
        ),
    )

    by_requirement = {d["requirement_id"]: d for d in flow.deliverables(order["order_id"])}
    updated = by_requirement[export["requirement_id"]]
    assert updated["requirement_revision"] == 2
    assert [(c["text"], c["withdrawn"]) for c in updated["criteria"]] == [
        ("Exports every order as CSV", False),
        ("Opens in a spreadsheet", True),
        ("Exports in UTF-8", False),
    ]
    assert by_requirement[search["requirement_id"]]["status"] == "withdrawn"
    assert by_requirement[added["requirement_id"]]["status"] == "ready_for_qc"


def test_a_changed_criterion_sends_a_passed_deliverable_back_to_quality_control(app, flow):
    order, deliverables = flow.passed_order()
    export = order["requirements"][0]
    modified = {**export, "revision": 2, "acceptance_criteria": export["acceptance_criteria"][:1]}

    deliver(
        app,
        "ordo.order.change_approved",
        change(
            order,
            {
                "action": "modify",
                "requirement_id": export["requirement_id"],
                "requirement": modified,
            },
        ),
    )

    statuses = {d["requirement_id"]: d["status"] for d in flow.deliverables(order["order_id"])}
    assert statuses[export["requirement_id"]] == "ready_for_qc"
    assert statuses[order["requirements"][1]["requirement_id"]] == "passed"


def test_a_stale_change_is_ignored(app, flow):
    order = flow.confirm()
    search = order["requirements"][1]

    deliver(
        app,
        "ordo.order.change_approved",
        change(order, {"action": "remove", "requirement_id": search["requirement_id"]}, version=2),
    )

    assert {d["status"] for d in flow.deliverables(order["order_id"])} == {"ready_for_qc"}


def test_a_change_before_the_confirmation_waits_for_it_by_retrying(app):
    order = confirmed_order()

    status = deliver(app, "ordo.order.change_approved", change(order, version=5))

    assert status == FAILED


def test_a_cancelled_order_cancels_its_deliverables(app, flow):
    order = flow.confirm()

    deliver(
        app,
        "ordo.order.cancelled",
        {
            "order_id": order["order_id"],
            "version": 5,
            "reason": "budget",
            "previous_status": "in_progress",
        },
    )

    assert {d["status"] for d in flow.deliverables(order["order_id"])} == {"cancelled"}


def test_a_customer_lists_only_the_deliverables_of_their_own_orders(flow):
    mine = flow.confirm()
    flow.confirm(customer_id=uuid.uuid4())

    response = flow.client.get("/deliverables", headers=auth("customer", CUSTOMER))

    assert {d["order_id"] for d in response.json["items"]} == {mine["order_id"]}


def test_a_customer_cannot_read_another_customers_deliverable(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"], headers=QUALITY)[0]

    response = flow.client.get(
        f"/deliverables/{deliverable['id']}", headers=auth("customer", uuid.uuid4())
    )

    assert response.status_code == 403

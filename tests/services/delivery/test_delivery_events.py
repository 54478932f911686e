"""The delivery service hears the order and plan events: deliverables trace to criteria."""

import io
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
    # The added requirement is new work: it waits until the plan completes again.
    assert by_requirement[added["requirement_id"]]["status"] == "pending"


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


def test_a_requirement_added_after_the_plan_completed_waits_for_the_plan_to_complete_again(
    app, flow
):
    order = flow.confirm()
    added = requirement("Audit log", "Every change is logged")

    deliver(
        app,
        "ordo.order.change_approved",
        change(
            order,
            {"action": "add", "requirement_id": added["requirement_id"], "requirement": added},
        ),
    )

    statuses = {d["requirement_id"]: d for d in flow.deliverables(order["order_id"])}
    new = statuses.pop(added["requirement_id"])
    assert new["status"] == "pending"
    assert {d["status"] for d in statuses.values()} == {"ready_for_qc"}
    assert flow.inspect(new).status_code == 409
    flow.complete_plan(order["order_id"])
    assert {d["status"] for d in flow.deliverables(order["order_id"])} == {"ready_for_qc"}


def test_a_modified_requirement_reopens_the_plan_for_a_requirement_added_later(app, flow):
    order = flow.confirm()
    export = order["requirements"][0]
    added = requirement("Audit log", "Every change is logged")
    modified = {**export, "revision": 2, "title": "CSV and Excel export"}

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
    # The next change's new requirement arrives while the plan is open again.
    deliver(
        app,
        "ordo.order.change_approved",
        change(
            order,
            {"action": "add", "requirement_id": added["requirement_id"], "requirement": added},
            version=5,
        ),
    )

    by_requirement = {d["requirement_id"]: d for d in flow.deliverables(order["order_id"])}
    assert by_requirement[export["requirement_id"]]["title"] == "CSV and Excel export"
    assert by_requirement[added["requirement_id"]]["status"] == "pending"


def test_a_change_that_arrives_after_a_later_one_is_still_applied(app, flow):
    order = flow.confirm(plan_completed=False)
    export = order["requirements"][0]
    added = requirement("Audit log", "Every change is logged")
    earlier = change(
        order, {"action": "add", "requirement_id": added["requirement_id"], "requirement": added}
    )
    later = change(
        order,
        {
            "action": "modify",
            "requirement_id": export["requirement_id"],
            "requirement": {**export, "revision": 2, "title": "CSV and Excel export"},
        },
        version=5,
    )

    assert deliver(app, "ordo.order.change_approved", later) == "processed"
    assert deliver(app, "ordo.order.change_approved", earlier) == "processed"

    by_requirement = {d["requirement_id"]: d for d in flow.deliverables(order["order_id"])}
    assert by_requirement[added["requirement_id"]]["title"] == "Audit log"
    assert by_requirement[export["requirement_id"]]["title"] == "CSV and Excel export"
    assert by_requirement[export["requirement_id"]]["requirement_revision"] == 2


def test_an_older_revision_arriving_late_does_not_undo_a_newer_one(app, flow):
    order = flow.confirm()
    export = order["requirements"][0]
    second = {**export, "revision": 2, "title": "Excel export"}
    third = {**export, "revision": 3, "title": "CSV and Excel export"}
    modify = {"action": "modify", "requirement_id": export["requirement_id"]}

    deliver(
        app,
        "ordo.order.change_approved",
        change(order, {**modify, "requirement": third}, version=5),
    )
    deliver(app, "ordo.order.change_approved", change(order, {**modify, "requirement": second}))

    [updated] = [
        d
        for d in flow.deliverables(order["order_id"])
        if d["requirement_id"] == export["requirement_id"]
    ]
    assert (updated["requirement_revision"], updated["title"]) == (3, "CSV and Excel export")


def test_a_removal_is_final_whatever_earlier_change_arrives_after_it(app, flow):
    order = flow.confirm()
    export = order["requirements"][0]
    added = requirement("Audit log", "Every change is logged")
    add = change(
        order, {"action": "add", "requirement_id": added["requirement_id"], "requirement": added}
    )
    modify = change(
        order,
        {
            "action": "modify",
            "requirement_id": export["requirement_id"],
            "requirement": {**export, "revision": 2, "title": "Excel export"},
        },
    )
    remove = change(
        order,
        {"action": "remove", "requirement_id": added["requirement_id"]},
        {"action": "remove", "requirement_id": export["requirement_id"]},
        version=6,
    )

    for data in (remove, add, modify):
        assert deliver(app, "ordo.order.change_approved", data) == "processed"

    deliverables = flow.deliverables(order["order_id"])
    assert added["requirement_id"] not in {d["requirement_id"] for d in deliverables}
    [withdrawn] = [d for d in deliverables if d["requirement_id"] == export["requirement_id"]]
    assert (withdrawn["status"], withdrawn["title"]) == ("withdrawn", export["title"])


def test_a_change_sent_again_under_a_new_event_id_is_applied_once(app, flow):
    order = flow.confirm()
    added = requirement("Audit log", "Every change is logged")
    data = change(
        order, {"action": "add", "requirement_id": added["requirement_id"], "requirement": added}
    )
    deliver(app, "ordo.order.change_approved", data)
    flow.complete_plan(order["order_id"])
    [new] = [d for d in flow.deliverables(order["order_id"]) if d["title"] == "Audit log"]
    assert flow.inspect(new).status_code == 201

    assert deliver(app, event("ordo.order.change_approved", data)) == "processed"

    statuses = {d["title"]: d["status"] for d in flow.deliverables(order["order_id"])}
    assert statuses == {
        "CSV export": "ready_for_qc",
        "Fast search": "ready_for_qc",
        "Audit log": "passed",
    }


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


def cancellation(order, previous_status="draft"):
    return {
        "order_id": order["order_id"],
        "version": 2,
        "reason": "customer withdrew",
        "previous_status": previous_status,
    }


def test_the_cancellation_of_an_order_never_confirmed_is_processed_and_changes_nothing(app, flow):
    order = confirmed_order()

    assert deliver(app, "ordo.order.cancelled", cancellation(order)) == "processed"

    assert flow.deliverables(order["order_id"]) == []
    response = flow.client.get(f"/deliveries?order_id={order['order_id']}", headers=QUALITY)
    assert response.json["items"] == []


def test_a_confirmation_overtaken_by_the_cancellation_creates_cancelled_deliverables(app, flow):
    order = confirmed_order()
    cancelled = cancellation(order, previous_status="confirmed")
    assert deliver(app, "ordo.order.cancelled", cancelled) == "processed"

    assert deliver(app, "ordo.order.confirmed", order) == "processed"
    flow.complete_plan(order["order_id"])
    assert deliver(app, event("ordo.order.cancelled", cancelled)) == "processed"

    deliverables = flow.deliverables(order["order_id"])
    assert len(deliverables) == 2
    assert {d["status"] for d in deliverables} == {"cancelled"}
    response = flow.client.post(
        f"/orders/{order['order_id']}/documents",
        data={"kind": "other", "file": (io.BytesIO(b"notes"), "notes.txt", "text/plain")},
        headers=auth("logistics"),
    )
    assert response.status_code == 409


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

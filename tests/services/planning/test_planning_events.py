"""Reactions to order and delivery events, duplicates included, and the events they publish."""

import uuid
from datetime import date

from services.planning import handlers
from shared.events.contracts import consumed_by
from tests.helpers import deliver, event
from tests.services.planning.conftest import confirmed, requirement


def test_handlers_cover_exactly_the_events_planning_consumes():
    assert handlers.handle.handled_types == set(consumed_by("planning"))


def test_a_confirmed_order_becomes_one_scheduled_draft_plan_with_a_task_per_requirement(planning):
    press, guard = requirement("Press frame", 5), requirement("Safety guard", None)
    data, plan = planning.confirm([press, guard])
    assert plan["status"] == "draft" and plan["start_date"] == "2027-01-04"
    rows = [(t["wbs_code"], t["name"], t["duration"]) for t in planning.tasks(plan["id"])]
    assert rows == [
        ("1", "Requirements analysis", 3),
        ("2", "Work packages", 5),
        ("2.1", "Press frame", 5),
        ("2.2", "Safety guard", 5),
        ("3", "Quality control", 2),
        ("4", "Delivery", 0),
    ]
    # 3 days analysis (Mon-Wed), 5 days work (Thu-Wed), 2 days QC (Thu-Fri): delivery Friday.
    assert plan["finish_date"] == "2027-01-15"
    [created] = planning.events("ordo.plan.created")
    by_requirement = {r["requirement_id"]: r["task_ids"] for r in created.data["requirement_tasks"]}
    press_task = planning.task(plan["id"], "Press frame")
    assert by_requirement[press["requirement_id"]] == [press_task["id"]]
    assert set(by_requirement) == {press["requirement_id"], guard["requirement_id"]}
    assert created.data["finish_date"] == "2027-01-15"
    assert press_task["department"] == "engineering"
    assert press_task["requirement_id"] == press["requirement_id"]


def test_a_re_sent_confirmation_creates_no_second_plan(planning, app):
    data, plan = planning.confirm()
    envelope = event("ordo.order.confirmed", data)
    assert deliver(app, envelope) == "processed"
    assert deliver(app, envelope) == "duplicate"
    assert planning.get(f"/plans?order_id={data['order_id']}").json["total"] == 1
    assert len(planning.events("ordo.plan.created")) == 1


def test_the_critical_path_runs_through_the_longest_work_package(planning):
    _, plan = planning.confirm([requirement("Long", 8), requirement("Short", 2)])
    tasks = {t["name"]: t for t in planning.tasks(plan["id"])}
    assert tasks["Long"]["critical"] and tasks["Long"]["total_float"] == 0
    assert not tasks["Short"]["critical"] and tasks["Short"]["total_float"] == 6
    assert tasks["Quality control"]["critical"] and tasks["Delivery"]["critical"]


def activated(planning, requirements=None):
    data, plan = planning.confirm(requirements)
    planning.activate(plan["id"])
    return data, planning.plan(plan["id"])


def change(order_id, changes, change_request_id=None):
    return {
        "order_id": order_id,
        "version": 5,
        "change_request_id": change_request_id or str(uuid.uuid4()),
        "changes": changes,
        "schedule_impact_days": 3,
        "cost_impact": {"amount": "5000.00", "currency": "EUR"},
        "reason": "Customer wants a guard",
    }


def test_an_approved_change_adds_work_rebaselines_and_publishes_the_slip_once(planning, app):
    data, plan = activated(planning)
    extra = requirement("Safety guard", 8)
    body = change(data["order_id"], [{"action": "add", **_req(extra)}])
    assert deliver(app, "ordo.order.change_approved", body) == "processed"
    assert deliver(app, "ordo.order.change_approved", body) == "processed"  # re-sent, new id
    tasks = {t["name"]: t for t in planning.tasks(plan["id"])}
    assert tasks["Safety guard"]["wbs_code"] == "2.2"
    [rebaselined] = planning.events("ordo.plan.rebaselined")
    assert rebaselined.data["baseline_number"] == 2
    assert rebaselined.data["previous_finish_date"] == plan["finish_date"]
    assert rebaselined.data["slip_days"] == 3  # the 8-day package replaces the 5-day one
    traced = {r["requirement_id"] for r in rebaselined.data["requirement_tasks"]}
    assert extra["requirement_id"] in traced
    assert [b["number"] for b in planning.get(f"/plans/{plan['id']}/baselines").json] == [1, 2]


def _req(req):
    return {"requirement_id": req["requirement_id"], "requirement": req}


def test_a_change_removing_and_modifying_requirements_reshapes_the_work(planning, app):
    first, second = requirement("Frame", 5), requirement("Guard", 3)
    data, plan = activated(planning, [first, second])
    modified = {**second, "title": "Guard, taller", "estimate_days": 6, "revision": 2}
    body = change(
        data["order_id"],
        [
            {"action": "remove", "requirement_id": first["requirement_id"]},
            {"action": "modify", **_req(modified)},
        ],
    )
    deliver(app, "ordo.order.change_approved", body)
    names = [(t["wbs_code"], t["name"], t["duration"]) for t in planning.tasks(plan["id"])]
    assert ("2.1", "Guard, taller", 6) in names
    assert all(name != "Frame" for _, name, _ in names)


def test_a_change_before_the_plan_exists_fails_and_is_retried(planning, app):
    body = change(str(uuid.uuid4()), [])
    assert deliver(app, "ordo.order.change_approved", body) == "failed"


def test_a_failed_quality_check_plans_rework_per_criterion_and_reopens_the_plan(planning, app):
    req = requirement("Frame", 5, criteria=("Presses 40 t", "Cycle under 12 s"))
    data, plan = activated(planning, [req])
    planning.finish_all(plan["id"], date(2027, 1, 15))
    plan = planning.plan(plan["id"])
    assert plan["status"] == "completed"
    [completed] = planning.events("ordo.plan.completed")
    assert completed.data["completed_on"] == "2027-01-15"
    failed = {
        "order_id": data["order_id"],
        "deliverable_id": str(uuid.uuid4()),
        "requirement_id": req["requirement_id"],
        "check_id": str(uuid.uuid4()),
        "failed_criteria": [
            {"criterion_id": c["criterion_id"], "text": c["text"]}
            for c in req["acceptance_criteria"]
        ],
    }
    assert deliver(app, "ordo.quality_check.failed", failed) == "processed"
    assert deliver(app, "ordo.quality_check.failed", failed) == "processed"
    tasks = planning.tasks(plan["id"])
    rework = [t for t in tasks if t["origin"] == "rework"]
    assert [t["name"] for t in rework] == ["Rework: Presses 40 t", "Rework: Cycle under 12 s"]
    quality = planning.task(plan["id"], "Quality control")
    assert all(t["wbs_code"] < quality["wbs_code"] for t in rework)
    assert quality["percent_complete"] == 0
    assert planning.plan(plan["id"])["status"] == "active"
    assert [e.data["baseline_number"] for e in planning.events("ordo.plan.rebaselined")] == [2]
    planning.finish_all(plan["id"], date(2027, 1, 29))
    assert planning.plan(plan["id"])["status"] == "completed"
    assert len(planning.events("ordo.plan.completed")) == 2


def test_a_rejected_delivery_plans_rework_for_each_rejected_criterion(planning, app):
    req = requirement("Frame", 5, criteria=("Presses 40 t", "Painted blue"))
    data, plan = activated(planning, [req])
    [met, unmet] = req["acceptance_criteria"]
    rejected = {
        "order_id": data["order_id"],
        "delivery_id": str(uuid.uuid4()),
        "package_version": 1,
        "results": [
            _result(met, req, True),
            _result(unmet, req, False),
        ],
        "reasons": ["Wrong colour"],
    }
    deliver(app, "ordo.delivery.rejected", rejected)
    deliver(app, "ordo.delivery.rejected", rejected)
    rework = [t["name"] for t in planning.tasks(plan["id"]) if t["origin"] == "rework"]
    assert rework == ["Rework: Painted blue"]


def _result(criterion, req, met):
    return {
        "criterion_id": criterion["criterion_id"],
        "requirement_id": req["requirement_id"],
        "deliverable_id": str(uuid.uuid4()),
        "met": met,
    }


def test_an_accepted_delivery_reaches_the_delivery_milestone_once(planning, app):
    data, plan = activated(planning)
    accepted = {
        "order_id": data["order_id"],
        "delivery_id": str(uuid.uuid4()),
        "package_version": 1,
        "decision": "accepted",
        "results": [],
        "signed_by": "Ada",
        "signed_at": "2027-01-20T10:00:00.000Z",
    }
    deliver(app, "ordo.delivery.accepted", accepted)
    deliver(app, "ordo.delivery.accepted", accepted)
    plan = planning.plan(plan["id"])
    assert plan["status"] == "completed" and plan["accepted_on"] == "2027-01-20"
    [reached] = planning.events("ordo.milestone.reached")
    assert reached.data["name"] == "Delivery" and reached.data["reached_on"] == "2027-01-20"


def test_a_cancelled_order_cancels_its_plan_and_edits_are_refused(planning, app):
    data, plan = planning.confirm()
    cancelled = {
        "order_id": data["order_id"],
        "reason": "Budget cut",
        "previous_status": "confirmed",
    }
    deliver(app, "ordo.order.cancelled", cancelled)
    deliver(app, "ordo.order.cancelled", cancelled)
    assert planning.plan(plan["id"])["status"] == "cancelled"
    refused = planning.post(f"/plans/{plan['id']}/tasks", {"name": "More work"})
    assert refused.status_code == 409
    assert refused.json["current_status"] == "cancelled"


def test_an_order_cancelled_before_its_confirmation_arrives_gets_no_plan(planning, app):
    order_id = str(uuid.uuid4())
    cancelled = {"order_id": order_id, "reason": "Gone", "previous_status": "confirmed"}
    deliver(app, "ordo.order.cancelled", cancelled)
    deliver(app, "ordo.order.confirmed", confirmed([requirement()], order_id))
    assert planning.get(f"/plans?order_id={order_id}").json["total"] == 0


def _decision(data, package_version, delivery_id=None):
    return {
        "order_id": data["order_id"],
        "delivery_id": delivery_id or str(uuid.uuid4()),
        "package_version": package_version,
    }


def _accepted(data, package_version, signed_at):
    return {
        **_decision(data, package_version),
        "decision": "accepted",
        "results": [],
        "signed_by": "Ada",
        "signed_at": signed_at,
    }


def test_a_rejection_arriving_late_or_again_plans_no_rework(planning, app):
    req = requirement("Frame", 5, criteria=("Presses 40 t",))
    data, plan = activated(planning, [req])
    [criterion] = req["acceptance_criteria"]
    first = {
        **_decision(data, 1),
        "results": [_result(criterion, req, False)],
        "reasons": ["Too weak"],
    }
    second = {**first, **_decision(data, 2), "reasons": ["Still too weak"]}
    assert deliver(app, "ordo.delivery.rejected", second) == "processed"
    assert deliver(app, "ordo.delivery.rejected", first) == "processed"  # older, arrives late
    assert deliver(app, "ordo.delivery.rejected", second) == "processed"  # re-sent, new id
    rework = [t for t in planning.tasks(plan["id"]) if t["origin"] == "rework"]
    assert [t["name"] for t in rework] == ["Rework: Presses 40 t"]
    planning.finish_all(plan["id"], date(2027, 1, 29))
    accepted = _accepted(data, 3, "2027-02-01T10:00:00.000Z")
    assert deliver(app, "ordo.delivery.accepted", accepted) == "processed"
    rebaselined = len(planning.events("ordo.plan.rebaselined"))
    # A rejection of an earlier package, delivered after the acceptance, changes nothing.
    stale = {**first, **_decision(data, 2)}
    assert deliver(app, "ordo.delivery.rejected", stale) == "processed"
    plan = planning.plan(plan["id"])
    assert plan["status"] == "completed" and plan["accepted_on"] == "2027-02-01"
    assert len([t for t in planning.tasks(plan["id"]) if t["origin"] == "rework"]) == 1
    assert len(planning.events("ordo.plan.rebaselined")) == rebaselined
    assert len(planning.events("ordo.plan.completed")) == 1


def test_a_rejection_after_the_acceptance_leaves_the_accepted_plan_alone(planning, app):
    req = requirement("Frame", 5, criteria=("Presses 40 t",))
    data, plan = activated(planning, [req])
    [criterion] = req["acceptance_criteria"]
    accepted = _accepted(data, 1, "2027-01-20T10:00:00.000Z")
    assert deliver(app, "ordo.delivery.accepted", accepted) == "processed"
    rejected = {**_decision(data, 2), "results": [_result(criterion, req, False)], "reasons": ["x"]}
    assert deliver(app, "ordo.delivery.rejected", rejected) == "processed"
    assert planning.plan(plan["id"])["status"] == "completed"
    assert [t for t in planning.tasks(plan["id"]) if t["origin"] == "rework"] == []


def test_a_change_only_removing_work_from_a_completed_plan_does_not_complete_it_again(
    planning, app
):
    frame, guard = requirement("Frame", 5), requirement("Guard", 3)
    data, plan = activated(planning, [frame, guard])
    planning.finish_all(plan["id"], date(2027, 1, 15))
    body = change(
        data["order_id"], [{"action": "remove", "requirement_id": guard["requirement_id"]}]
    )
    assert deliver(app, "ordo.order.change_approved", body) == "processed"
    after = planning.plan(plan["id"])
    assert after["status"] == "completed" and after["completed_on"] == "2027-01-15"
    assert all(t["name"] != "Guard" for t in planning.tasks(plan["id"]))
    assert len(planning.events("ordo.plan.completed")) == 1
    # A change that adds work still reopens it.
    extra = requirement("Paint", 2)
    body = change(data["order_id"], [{"action": "add", **_req(extra)}])
    assert deliver(app, "ordo.order.change_approved", body) == "processed"
    assert planning.plan(plan["id"])["status"] == "active"


def test_a_modified_work_package_plans_effort_and_cost_for_its_new_duration(planning, app):
    frame, guard = requirement("Frame", 5), requirement("Guard", 3)
    data, plan = activated(planning, [frame, guard])
    person = planning.post(
        "/resources",
        {"name": "Ann", "kind": "person", "department": "engineering", "cost_rate": "90.00"},
    ).json
    guard_task = planning.task(plan["id"], "Guard")
    allocated = planning.post(
        f"/tasks/{guard_task['id']}/allocations", {"resource_id": person["id"], "hours_per_day": 4}
    )
    assert allocated.status_code == 201, allocated.json
    body = change(
        data["order_id"],
        [
            {"action": "modify", **_req({**frame, "estimate_days": 10, "revision": 2})},
            {"action": "modify", **_req({**guard, "estimate_days": 6, "revision": 2})},
        ],
    )
    assert deliver(app, "ordo.order.change_approved", body) == "processed"
    frame_task = planning.task(plan["id"], "Frame")
    # No allocations: 10 days x 8 h x 75.00.
    assert (frame_task["duration"], frame_task["effort_hours"], frame_task["cost"]) == (
        10,
        80.0,
        "6000.00",
    )
    # Allocated: 6 days x 4 h x 90.00.
    guard_task = planning.task(plan["id"], "Guard")
    assert (guard_task["effort_hours"], guard_task["cost"]) == (24.0, "2160.00")


def _failed_check(data, req):
    return {
        "order_id": data["order_id"],
        "deliverable_id": str(uuid.uuid4()),
        "requirement_id": req["requirement_id"],
        "check_id": str(uuid.uuid4()),
        "failed_criteria": [
            {"criterion_id": c["criterion_id"], "text": c["text"]}
            for c in req["acceptance_criteria"]
        ],
    }


def test_a_quality_check_failing_after_the_acceptance_leaves_the_accepted_plan_alone(planning, app):
    req = requirement("Frame", 5, criteria=("Presses 40 t",))
    data, plan = activated(planning, [req])
    planning.finish_all(plan["id"], date(2027, 1, 15))
    accepted = _accepted(data, 1, "2027-01-20T10:00:00.000Z")
    assert deliver(app, "ordo.delivery.accepted", accepted) == "processed"
    before = len(planning.events(None))
    # The failure was recorded before the acceptance but reaches planning after it.
    assert deliver(app, "ordo.quality_check.failed", _failed_check(data, req)) == "processed"
    plan = planning.plan(plan["id"])
    assert plan["status"] == "completed" and plan["accepted_on"] == "2027-01-20"
    assert [t for t in planning.tasks(plan["id"]) if t["origin"] == "rework"] == []
    assert len(planning.events(None)) == before


def test_events_about_an_order_cancelled_before_its_confirmation_change_nothing(planning, app):
    req = requirement("Frame", 5, criteria=("Presses 40 t",))
    data = confirmed([req])
    order_id = data["order_id"]
    cancelled = {"order_id": order_id, "reason": "Gone", "previous_status": "confirmed"}
    assert deliver(app, "ordo.order.cancelled", cancelled) == "processed"
    assert deliver(app, "ordo.order.confirmed", data) == "processed"
    extra = requirement("Safety guard", 8)
    [criterion] = req["acceptance_criteria"]
    late = [
        ("ordo.order.change_approved", change(order_id, [{"action": "add", **_req(extra)}])),
        ("ordo.quality_check.failed", _failed_check(data, req)),
        (
            "ordo.delivery.rejected",
            {**_decision(data, 1), "results": [_result(criterion, req, False)], "reasons": ["x"]},
        ),
        ("ordo.delivery.accepted", _accepted(data, 2, "2027-01-20T10:00:00.000Z")),
    ]
    for type, body in late:
        assert deliver(app, type, body) == "processed", type
    assert planning.get(f"/plans?order_id={order_id}").json["total"] == 0
    assert planning.events(None) == []


def test_a_late_change_does_not_bring_back_a_removed_work_package(planning, app):
    frame, guard = requirement("Frame", 5), requirement("Guard", 3)
    data, plan = planning.confirm([frame, guard])
    # Change 1 modifies the guard (revision 2), change 2 removes it; 2 arrives first.
    bigger = {**guard, "title": "Guard, taller", "estimate_days": 9, "revision": 2}
    first = change(data["order_id"], [{"action": "modify", **_req(bigger)}])
    second = change(
        data["order_id"],
        [{"action": "remove", "requirement_id": guard["requirement_id"], "requirement": None}],
    )
    assert deliver(app, "ordo.order.change_approved", second) == "processed"
    announced = len(planning.events("ordo.plan.created"))
    assert deliver(app, "ordo.order.change_approved", first) == "processed"
    tasks = planning.tasks(plan["id"])
    assert [t for t in tasks if t["requirement_id"] == guard["requirement_id"]] == []
    created = planning.events("ordo.plan.created")
    assert len(created) == announced  # the late change is not announced
    traced = {r["requirement_id"] for r in created[-1].data["requirement_tasks"]}
    assert traced == {frame["requirement_id"]}


def test_an_older_revision_arriving_late_does_not_undo_a_newer_one(planning, app):
    frame, guard = requirement("Frame", 5), requirement("Guard", 3)
    data, plan = activated(planning, [frame, guard])
    revision_2 = {**frame, "title": "Frame, reinforced", "estimate_days": 20, "revision": 2}
    revision_3 = {**frame, "title": "Frame, light", "estimate_days": 2, "revision": 3}
    older = change(data["order_id"], [{"action": "modify", **_req(revision_2)}])
    newer = change(data["order_id"], [{"action": "modify", **_req(revision_3)}])
    assert deliver(app, "ordo.order.change_approved", newer) == "processed"
    assert deliver(app, "ordo.order.change_approved", older) == "processed"  # arrives late
    # The same revision again, under another change request id, changes nothing either.
    again = change(data["order_id"], [{"action": "modify", **_req(revision_3)}])
    assert deliver(app, "ordo.order.change_approved", again) == "processed"
    [package] = [
        t for t in planning.tasks(plan["id"]) if t["requirement_id"] == frame["requirement_id"]
    ]
    assert (package["name"], package["duration"]) == ("Frame, light", 2)
    assert [e.data["baseline_number"] for e in planning.events("ordo.plan.rebaselined")] == [2]

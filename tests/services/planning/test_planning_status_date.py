"""Schedules that tell the truth during execution: the status date moves unfinished work, actuals
never move, late work is flagged, variance reads actuals, changes reach the plan, bad reports
are refused with nothing written."""

import uuid
from datetime import date

from tests.helpers import deliver
from tests.services.planning.conftest import requirement

# Requirements analysis 3 d (Mon 4 – Wed 6 Jan 2027), Frame 5 d (Thu 7 – Wed 13), QC, delivery.


def activated(planning, requirements=None):
    data, plan = planning.confirm(requirements or [requirement("Frame", 5)])
    planning.activate(plan["id"])
    return data, planning.plan(plan["id"])


def test_unfinished_work_before_the_status_date_moves_after_it_and_is_flagged_late(planning):
    _, plan = activated(planning)
    analysis = planning.task(plan["id"], "Requirements analysis")
    reported = planning.progress(analysis["id"], 50, status_date="2027-01-08")
    assert reported.status_code == 200, reported.json
    # Started on its planned Monday; half of 3 days left = 2 days from Friday 8: Fri, Mon 11.
    assert reported.json["actual_start"] == "2027-01-04"
    assert reported.json["finish_date"] == "2027-01-11"
    assert reported.json["late"] is True and reported.json["finish_variance_days"] == 3
    frame = planning.task(plan["id"], "Frame")
    assert frame["start_date"] == "2027-01-12" and frame["late"]
    after = planning.plan(plan["id"])
    assert after["status_date"] == "2027-01-08"
    report = planning.get(f"/plans/{plan['id']}/report?as_of=2027-01-08").json
    assert report["slip"]["slip_days"] == 3 and report["slip"]["slip"] == "3 days late"
    assert report["slip"]["late_tasks"] >= 2
    reasons = report["earned_value"]["reasons"]
    assert any("late task" in reason for reason in reasons)
    assert any("3 days late" in reason for reason in reasons)
    assert report["earned_value"]["status"] != "on_track"


def test_an_unstarted_task_planned_before_the_status_date_starts_on_it(planning):
    _, plan = activated(planning)
    analysis = planning.task(plan["id"], "Requirements analysis")
    done = planning.progress(
        analysis["id"],
        100,
        actual_start="2027-01-04",
        actual_finish="2027-01-06",
        status_date="2027-01-11",
    )
    assert done.status_code == 200, done.json
    frame = planning.task(plan["id"], "Frame")
    assert frame["start_date"] == "2027-01-11"  # was Thursday 7, nothing reported on it
    assert frame["finish_variance_days"] == 2 and frame["late"]
    assert planning.task(plan["id"], "Requirements analysis")["late"] is False


def test_bad_progress_reports_are_refused_as_problems_with_nothing_written(planning):
    _, plan = activated(planning)
    analysis = planning.task(plan["id"], "Requirements analysis")
    assert planning.progress(analysis["id"], 60, status_date="2027-01-05").status_code == 200
    before_task = planning.task(plan["id"], "Requirements analysis")
    before_plan = planning.plan(plan["id"])
    for body, field in (
        ({"status_date": "2027-01-01"}, "status_date"),  # before the plan starts
        ({"status_date": "2027-02-03"}, "status_date"),  # beyond today (1 Feb) + 1 day
        ({"percent_complete": 40}, "reason"),  # backwards without a reason
        ({"percent_complete": 100, "actual_finish": "2027-01-03"}, "actual_finish"),
        (
            {"percent_complete": 100, "actual_start": "2027-01-05", "actual_finish": "2027-01-04"},
            "actual_finish",
        ),
    ):
        refused = planning.progress(analysis["id"], body.pop("percent_complete", 70), **body)
        assert refused.status_code == 422, (body, refused.json)
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert field in str(refused.json), refused.json
    assert planning.task(plan["id"], "Requirements analysis") == before_task
    assert planning.plan(plan["id"]) == before_plan
    backwards = planning.progress(analysis["id"], 40, reason="counted the drawings twice")
    assert backwards.status_code == 200 and backwards.json["percent_complete"] == 40


def test_status_date_defaults_to_today_and_a_completed_plan_refuses_reports(
    planning, planning_today
):
    _, plan = activated(planning)
    analysis = planning.task(plan["id"], "Requirements analysis")
    assert planning.progress(analysis["id"], 10).status_code == 200
    assert planning.plan(plan["id"])["status_date"] == planning_today.isoformat()
    planning.finish_all(plan["id"], date(2027, 1, 29))
    refused = planning.progress(analysis["id"], 100)
    assert refused.status_code == 409
    assert refused.headers["Content-Type"] == "application/problem+json"


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


def test_rework_never_moves_work_that_has_happened(planning, app):
    req = requirement("Frame", 5)
    data, plan = activated(planning, [req])
    analysis = planning.task(plan["id"], "Requirements analysis")
    frame = planning.task(plan["id"], "Frame")
    planning.progress(
        analysis["id"],
        100,
        actual_start="2027-01-04",
        actual_finish="2027-01-06",
        status_date="2027-01-06",
    )
    planning.progress(
        frame["id"],
        100,
        actual_start="2027-01-11",
        actual_finish="2027-01-15",
        status_date="2027-01-15",
    )
    planning.finish_all(plan["id"], date(2027, 1, 20))
    assert deliver(app, "ordo.quality_check.failed", _failed_check(data, req)) == "processed"
    for name, start, finish in (
        ("Requirements analysis", "2027-01-04", "2027-01-06"),
        ("Frame", "2027-01-11", "2027-01-15"),
    ):
        task = planning.task(plan["id"], name)
        assert (task["actual_start"], task["actual_finish"]) == (start, finish)
        assert (task["start_date"], task["finish_date"]) == (start, finish), name
    rework = [t for t in planning.tasks(plan["id"]) if t["origin"] == "rework"]
    assert rework and all(t["percent_complete"] == 0 for t in rework)


def test_an_in_progress_task_keeps_its_actual_start_through_a_change(planning, app):
    req = requirement("Frame", 5)
    data, plan = activated(planning, [req])
    analysis = planning.task(plan["id"], "Requirements analysis")
    planning.progress(analysis["id"], 40, actual_start="2027-01-05", status_date="2027-01-06")
    body = {
        "order_id": data["order_id"],
        "version": 5,
        "change_request_id": str(uuid.uuid4()),
        "changes": [
            {
                "action": "modify",
                "requirement_id": req["requirement_id"],
                "requirement": {**req, "estimate_days": 9, "revision": 2},
            },
        ],
        "schedule_impact_days": 4,
        "cost_impact": {"amount": "0.00", "currency": "EUR"},
        "new_due_date": "2027-04-10",
        "reason": "Longer frame",
    }
    assert deliver(app, "ordo.order.change_approved", body) == "processed"
    after = planning.task(plan["id"], "Requirements analysis")
    assert after["actual_start"] == after["start_date"] == "2027-01-05"
    assert planning.plan(plan["id"])["due_date"] == "2027-04-10"


def test_an_approved_change_moves_the_due_date_and_the_next_status_shows_the_new_baseline(
    planning, app
):
    data, plan = activated(planning)
    body = {
        "order_id": data["order_id"],
        "version": 5,
        "change_request_id": str(uuid.uuid4()),
        "changes": [],
        "schedule_impact_days": 10,
        "cost_impact": {"amount": "0.00", "currency": "EUR"},
        "new_due_date": "2027-04-10",
        "reason": "Customer moved the due date",
    }
    assert deliver(app, "ordo.order.change_approved", body) == "processed"
    assert planning.plan(plan["id"])["due_date"] == "2027-04-10"
    report = planning.get(f"/plans/{plan['id']}/report?as_of=2027-01-04").json
    assert report["earned_value"]["baseline_number"] == 2
    assert report["slip"]["due_date"] == "2027-04-10"
    [rebaselined] = planning.events("ordo.plan.rebaselined")
    assert "Customer moved the due date" in rebaselined.data["reason"]


def test_variance_compares_baseline_forecast_and_actual_and_matches_earned_value(planning):
    _, plan = activated(planning)
    analysis = planning.task(plan["id"], "Requirements analysis")
    planning.progress(
        analysis["id"],
        100,
        actual_finish="2027-01-06",
        actual_cost="2000.00",
        actual_hours=30,
        status_date="2027-01-06",
    )
    variance = planning.get(f"/plans/{plan['id']}/variance?baseline=1").json
    rows = {row["name"]: row for row in variance["tasks"]}
    row = rows["Requirements analysis"]
    assert row["baseline_cost"] == "1800.00" and row["actual_cost"] == "2000.00"
    assert row["earned_value"] == "1800.00" and row["actual_cost_variance"] == "-200.00"
    assert row["actual_effort_variance_hours"] == -6.0  # 24 h earned, 30 h booked
    assert variance["totals"]["actual_cost"] == "2000.00"
    ev = planning.get(f"/plans/{plan['id']}/earned-value?as_of=2027-01-06&baseline=1").json
    assert variance["totals"]["actual_cost"] == ev["ac"]
    assert variance["totals"]["actual_cost_variance"] == ev["cv"]
    assert variance["slip"] == "on baseline"


def test_finishing_ahead_of_the_baseline_is_never_off_track(planning, app):
    req = requirement("Frame", 5)
    data, plan = activated(planning, [req])
    planning.finish_all(plan["id"], date(2027, 1, 5))
    assert deliver(app, "ordo.quality_check.failed", _failed_check(data, req)) == "processed"
    [rebaselined] = planning.events("ordo.plan.rebaselined")
    assert rebaselined.data["slip_days"] < 0
    statuses = [e.data["status"] for e in planning.events("ordo.plan.status_changed")]
    assert "off_track" not in statuses
    assert planning.plan(plan["id"])["health"] == "on_track"

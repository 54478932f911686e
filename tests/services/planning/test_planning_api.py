"""The planning API: WBS edits, dependencies, calendars, activation, progress, earned value."""

from datetime import date

from tests.helpers import auth, problem
from tests.services.planning.conftest import requirement


def draft(planning, requirements=None):
    return planning.confirm(requirements)[1]


def codes(planning, plan_id):
    return [(t["wbs_code"], t["name"]) for t in planning.tasks(plan_id)]


def test_inserting_moving_and_deleting_tasks_keeps_wbs_codes_consistent(planning):
    plan = draft(planning, [requirement("Frame")])
    group = planning.task(plan["id"], "Work packages")
    inserted = planning.add_task(plan["id"], name="Drawings", parent_id=group["id"], position=0)
    assert inserted["wbs_code"] == "2.1"
    assert ("2.2", "Frame") in codes(planning, plan["id"])
    moved = planning.patch(f"/tasks/{inserted['id']}", {"parent_id": None, "position": 0})
    assert moved.status_code == 200, moved.json
    assert codes(planning, plan["id"])[:3] == [
        ("1", "Drawings"),
        ("2", "Requirements analysis"),
        ("3", "Work packages"),
    ]
    frame = planning.task(plan["id"], "Frame")
    response = planning.client.delete(
        f"/tasks/{frame['id']}", headers={**auth("planner"), "If-Match": f'"{frame["version"]}"'}
    )
    assert response.status_code == 204
    assert [code for code, _ in codes(planning, plan["id"])] == ["1", "2", "3", "4", "5"]


def test_summary_tasks_roll_up_dates_effort_cost_and_effort_weighted_progress(planning):
    plan = draft(planning, [requirement("Long", 6), requirement("Short", 2)])
    planning.activate(plan["id"])
    short = planning.task(plan["id"], "Short")
    planning.progress(short["id"], 100, as_of="2027-01-07")
    long, short = planning.task(plan["id"], "Long"), planning.task(plan["id"], "Short")
    group = planning.task(plan["id"], "Work packages")
    assert group["summary"] and group["effort_hours"] == 64.0
    assert group["cost"] == "4800.00"
    assert group["start_date"] == short["start_date"]
    assert group["finish_date"] == long["finish_date"]
    assert group["percent_complete"] == 25.0  # 16 of 64 hours done


def test_a_milestone_has_zero_duration(planning):
    plan = draft(planning)
    gate = planning.add_task(plan["id"], name="Design frozen", milestone=True, duration=None)
    assert gate["duration"] == 0 and gate["milestone"]
    refused = planning.post(
        f"/plans/{plan['id']}/tasks", {"name": "Gate", "milestone": True, "duration": 3}
    )
    assert refused.status_code == 422


def test_every_dependency_type_with_lags_and_leads_schedules_in_working_days(planning):
    plan = draft(planning, [])
    a = planning.add_task(plan["id"], name="A", duration=3)
    b = planning.add_task(plan["id"], name="B", duration=2)
    c = planning.add_task(plan["id"], name="C", duration=2)
    d = planning.add_task(plan["id"], name="D", duration=1)
    assert planning.link(plan["id"], a["id"], b["id"], type="FS", lag=2).status_code == 201
    assert planning.link(plan["id"], a["id"], c["id"], type="SS", lag=1).status_code == 201
    assert planning.link(plan["id"], b["id"], d["id"], type="FF", lag=-1).status_code == 201
    tasks = {t["name"]: t for t in planning.tasks(plan["id"])}
    # A Mon 4 - Wed 6; B after 2 days' lag: Mon 11 - Tue 12; C starts a day after A: Tue 5.
    assert (tasks["B"]["start_date"], tasks["B"]["finish_date"]) == ("2027-01-11", "2027-01-12")
    assert tasks["C"]["start_date"] == "2027-01-05"
    assert tasks["D"]["finish_date"] == "2027-01-11"  # finishes a day before B (a lead)


def test_a_cycle_is_refused_naming_its_tasks_and_nothing_is_written(planning):
    plan = draft(planning, [])
    a = planning.add_task(plan["id"], name="A")
    b = planning.add_task(plan["id"], name="B")
    assert planning.link(plan["id"], a["id"], b["id"]).status_code == 201
    refused = planning.link(plan["id"], b["id"], a["id"])
    assert refused.status_code == 422
    body = problem(refused)
    assert {task["name"] for task in body["cycle"]} == {"A", "B"}
    assert "A -> B -> A" in body["detail"] or "B -> A -> B" in body["detail"]
    assert len(planning.get(f"/plans/{plan['id']}/dependencies").json) == 3


def test_bad_input_is_refused_with_problem_details(planning):
    plan = draft(planning)
    task = planning.task(plan["id"], "Pressing force")
    self_link = planning.link(plan["id"], task["id"], task["id"])
    assert self_link.status_code == 422 and "itself" in problem(self_link)["detail"]
    negative = planning.post(f"/plans/{plan['id']}/tasks", {"name": "X", "duration": -1})
    assert negative.status_code == 422 and "duration" in problem(negative)["errors"]
    unknown = planning.post(
        f"/tasks/{task['id']}/allocations",
        {"resource_id": "00000000-0000-0000-0000-000000000001", "hours_per_day": 4},
    )
    assert unknown.status_code == 422 and "resource_id" in problem(unknown)["errors"]
    planning.activate(plan["id"])
    for percent in (-1, 101):
        response = planning.progress(task["id"], percent)
        assert response.status_code == 422
    assert planning.task(plan["id"], "Pressing force")["percent_complete"] == 0
    stale = planning.patch(f"/tasks/{task['id']}", {"name": "Y"}, version=999)
    assert stale.status_code == 412


def test_the_calendar_skips_holidays_and_non_working_days(planning):
    plan = draft(planning, [])
    planning.add_task(plan["id"], name="A", duration=5)
    plan = planning.plan(plan["id"])
    response = planning.client.put(
        f"/plans/{plan['id']}/calendar",
        json={"working_weekdays": [0, 1, 2, 3], "holidays": ["2027-01-05"]},
        headers={**auth("planner"), "If-Match": f'"{plan["version"]}"'},
    )
    assert response.status_code == 200, response.json
    a = planning.task(plan["id"], "A")
    # Mon 4, (Tue 5 holiday), Wed 6, Thu 7, (Fri off), Mon 11, Tue 12.
    assert (a["start_date"], a["finish_date"]) == ("2027-01-04", "2027-01-12")


def test_activation_takes_baseline_one_and_publishes_plan_activated(planning):
    plan = draft(planning)
    activated = planning.activate(plan["id"])
    assert activated["status"] == "active"
    [event] = planning.events("ordo.plan.activated")
    assert event.data["baseline_number"] == 1
    assert event.data["finish_date"] == plan["finish_date"]
    again = planning.post(f"/plans/{plan['id']}/activate")
    assert again.status_code == 409 and problem(again)["current_status"] == "active"


def test_variance_against_a_baseline_shows_each_tasks_slip(planning):
    plan = draft(planning, [requirement("Frame", 5)])
    planning.activate(plan["id"])
    frame = planning.task(plan["id"], "Frame")
    planning.patch(f"/tasks/{frame['id']}", {"duration": 7}, version=frame["version"])
    variance = planning.get(f"/plans/{plan['id']}/variance?baseline=1").json
    rows = {row["name"]: row for row in variance["tasks"]}
    assert rows["Frame"]["finish_variance_days"] == 2
    assert rows["Delivery"]["finish_variance_days"] == 2
    assert rows["Requirements analysis"]["finish_variance_days"] == 0
    assert variance["finish_variance_days"] == 2
    assert planning.get(f"/plans/{plan['id']}/variance?baseline=9").status_code == 404


def test_progress_reaches_milestones_completes_the_plan_once_and_tracks_health(planning):
    plan = draft(planning, [requirement("Frame", 5)])
    planning.activate(plan["id"])
    analysis = planning.task(plan["id"], "Requirements analysis")
    late = planning.progress(analysis["id"], 20, as_of="2027-01-08", actual_cost="100.00")
    assert late.status_code == 200, late.json
    [changed] = planning.events("ordo.plan.status_changed")
    assert changed.data["status"] == "off_track" and changed.data["previous_status"] == "on_track"
    assert changed.data["spi"] < 0.85
    planning.finish_all(plan["id"], date(2027, 1, 15))
    [reached] = planning.events("ordo.milestone.reached")
    assert reached.data["name"] == "Delivery" and reached.data["reached_on"] == "2027-01-15"
    [completed] = planning.events("ordo.plan.completed")
    assert completed.data["completed_on"] == "2027-01-15"
    done = planning.plan(plan["id"])
    assert done["status"] == "completed"
    refused = planning.progress(analysis["id"], 50)
    assert refused.status_code == 409 and problem(refused)["current_status"] == "completed"


def test_earned_value_as_of_a_date_uses_the_latest_baseline(planning):
    plan = draft(planning, [requirement("Frame", 5)])
    planning.activate(plan["id"])
    analysis = planning.task(plan["id"], "Requirements analysis")
    planning.progress(
        analysis["id"], 100, actual_finish="2027-01-06", actual_cost="2000.00", as_of="2027-01-06"
    )
    ev = planning.get(f"/plans/{plan['id']}/earned-value?as_of=2027-01-06").json
    # Analysis 3 d x 8 h x 75 = 1800 planned and earned by Wednesday; 2000 spent.
    assert (ev["pv"], ev["ev"], ev["ac"]) == ("1800.00", "1800.00", "2000.00")
    assert ev["spi"] == 1.0 and ev["cpi"] == 0.9
    assert ev["bac"] == "6000.00" and ev["eac"] == "6666.67" and ev["vac"] == "-666.67"
    assert ev["status"] == "at_risk"
    assert ev["thresholds"] == {"on_track_min": 0.95, "off_track_below": 0.85}


def test_earned_value_needs_an_activated_plan(planning):
    plan = draft(planning)
    assert planning.get(f"/plans/{plan['id']}/earned-value").status_code == 409


def test_roles_decide_who_edits_who_reports_and_who_reads(planning):
    plan = draft(planning)
    task = planning.task(plan["id"], "Pressing force")
    engineer_edit = planning.post(f"/plans/{plan['id']}/tasks", {"name": "X"}, role="engineer")
    assert engineer_edit.status_code == 403
    sales_progress = planning.progress(task["id"], 10, role="sales")
    assert sales_progress.status_code == 403
    customer = planning.client.get(
        f"/plans/{plan['id']}", headers=auth("customer", customer_id=plan["customer_id"])
    )
    assert customer.status_code == 403
    assert planning.get(f"/plans/{plan['id']}/report", role="sales").status_code == 200
    assert planning.client.get(f"/plans/{plan['id']}").status_code == 401


def test_a_manual_rebaseline_publishes_the_slip_against_baseline_one(planning):
    plan = draft(planning, [requirement("Frame", 5)])
    planning.activate(plan["id"])
    frame = planning.task(plan["id"], "Frame")
    planning.patch(f"/tasks/{frame['id']}", {"duration": 8}, version=frame["version"])
    response = planning.post(f"/plans/{plan['id']}/baselines", {"reason": "Supplier late"})
    assert response.status_code == 201 and response.json["number"] == 2
    [event] = planning.events("ordo.plan.rebaselined")
    assert event.data["slip_days"] == 3 and event.data["reason"] == "Supplier late"


def test_the_worker_job_publishes_a_health_change_of_plans_nobody_reported_on(planning, app):
    from services.planning.worker import review_active_plans

    plan = draft(planning, [requirement("Frame", 5)])
    planning.activate(plan["id"])
    db = app.extensions["ordo"].db
    review_active_plans(db, date(2027, 1, 20))  # nothing reported two weeks in
    review_active_plans(db, date(2027, 1, 21))
    [changed] = planning.events("ordo.plan.status_changed")
    assert changed.data["status"] == "off_track" and changed.data["spi"] == 0.0


def test_a_tiny_progress_gives_no_forecast_finish_instead_of_failing(planning):
    plan = draft(planning, [requirement("Frame", 5)])
    planning.add_task(plan["id"], name="Tooling", cost="900000000000.00")
    planning.activate(plan["id"])
    analysis = planning.task(plan["id"], "Requirements analysis")
    # 0.01 % of 1800.00 against a PV of 9e11: SPI 2e-13 stretches the baseline's 10 working
    # days past year 9999.
    reported = planning.progress(analysis["id"], 0.01, as_of="2027-01-04")
    assert reported.status_code == 200, reported.json
    ev = planning.get(f"/plans/{plan['id']}/earned-value?as_of=2027-03-01")
    assert ev.status_code == 200, ev.json
    assert ev.json["spi"] < 0.001 and ev.json["forecast_finish"] is None
    report = planning.get(f"/plans/{plan['id']}/report?as_of=2027-03-01")
    assert report.status_code == 200, report.json
    assert report.json["earned_value"]["forecast_finish"] is None


def test_the_worker_reviews_every_plan_even_when_one_fails(planning, app, monkeypatch):
    from services.planning.usecases import plans
    from services.planning.worker import review_active_plans

    broken, fine = (draft(planning, [requirement("Frame", 5)]) for _ in range(2))
    for plan in (broken, fine):
        planning.activate(plan["id"])
    review_health = plans.review_health

    def failing_for_one(session, plan, *args):
        review_health(session, plan, *args)  # its health change is rolled back
        if str(plan.id) == broken["id"]:
            raise RuntimeError("cannot judge this plan")

    monkeypatch.setattr(plans, "review_health", failing_for_one)
    review_active_plans(app.extensions["ordo"].db, date(2027, 1, 20))
    [changed] = planning.events("ordo.plan.status_changed")
    assert changed.data["plan_id"] == fine["id"] and changed.data["status"] == "off_track"
    assert planning.plan(fine["id"])["health"] == "off_track"
    assert planning.plan(broken["id"])["health"] == "on_track"


def test_dates_too_far_off_are_refused_with_problem_details(planning):
    plan = draft(planning, [requirement("Frame", 5)])
    planning.activate(plan["id"])
    analysis = planning.task(plan["id"], "Requirements analysis")
    refused = [
        planning.get(f"/plans/{plan['id']}/earned-value?as_of=9999-12-31"),
        planning.get(f"/plans/{plan['id']}/report?as_of=9999-12-31"),
        planning.get(f"/plans/{plan['id']}/gantt.svg?today=0001-01-01"),
        planning.get("/resources/load?from=9999-12-30"),
        planning.progress(analysis["id"], 50, as_of="9999-12-31"),
        planning.progress(analysis["id"], 100, actual_start="0001-01-01"),
        planning.post(
            f"/plans/{plan['id']}/tasks",
            {"name": "X", "duration": 2000, "not_before": "9999-01-01"},
        ),
        planning.client.put(
            f"/plans/{plan['id']}/calendar",
            json={"working_weekdays": [0], "holidays": ["9999-12-31"]},
            headers={**auth("planner"), "If-Match": "*"},
        ),
    ]
    assert [response.status_code for response in refused] == [422] * len(refused)
    assert all("2999-12-31" in str(problem(response)["errors"]) for response in refused)
    assert planning.task(plan["id"], "Requirements analysis")["percent_complete"] == 0
    # The latest day there is still works, and a long task starting on it is scheduled.
    assert planning.get(f"/plans/{plan['id']}/report?as_of=2999-12-31").status_code == 200
    late = planning.add_task(plan["id"], name="Late", duration=2000, not_before="2999-12-31")
    assert late["finish_date"] > "3007-01-01"


def test_a_schedule_running_past_the_last_date_is_refused_and_nothing_is_written(
    planning, monkeypatch
):
    from services.planning.domain import scheduling

    plan = draft(planning, [requirement("Frame", 5)])
    before = planning.tasks(plan["id"])
    # Reaching year 9999 takes a long chain of long tasks; a nearer limit takes one.
    monkeypatch.setattr(scheduling, "LATEST_SCHEDULED_DAY", date(2030, 12, 31))
    refused = planning.post(f"/plans/{plan['id']}/tasks", {"name": "Long", "duration": 2000})
    assert refused.status_code == 422
    assert "run past 2030-12-31" in problem(refused)["detail"]
    assert planning.tasks(plan["id"]) == before


def test_a_task_cannot_move_below_a_task_it_is_linked_to(planning):
    plan = draft(planning, [])
    a = planning.add_task(plan["id"], name="A")
    b = planning.add_task(plan["id"], name="B")
    group = planning.add_task(plan["id"], name="Group")
    inner = planning.add_task(plan["id"], name="Inner", parent_id=group["id"])
    assert planning.link(plan["id"], a["id"], b["id"]).status_code == 201
    assert planning.link(plan["id"], group["id"], b["id"]).status_code == 201
    before = codes(planning, plan["id"])
    links = planning.get(f"/plans/{plan['id']}/dependencies").json
    # Below Inner, B would have Group above it too.
    for task, parent in ((a, b), (b, a), (b, group), (b, inner), (group, b)):
        moved = planning.patch(f"/tasks/{task['id']}", {"parent_id": parent["id"]})
        assert moved.status_code == 422, (task["name"], parent["name"])
        assert "linked" in problem(moved)["errors"]["parent_id"][0]
    assert codes(planning, plan["id"]) == before
    assert planning.get(f"/plans/{plan['id']}/dependencies").json == links
    moved = planning.patch(f"/tasks/{a['id']}", {"parent_id": group["id"]})
    assert moved.status_code == 200, moved.json
    assert codes(planning, plan["id"])[-3:] == [("5", "Group"), ("5.1", "Inner"), ("5.2", "A")]


def test_a_wbs_deeper_than_ten_levels_is_refused_naming_the_parent(planning):
    plan = draft(planning, [requirement("Frame")])
    chain, parent = [], None
    for level in range(1, 11):
        chain.append(planning.add_task(plan["id"], name=f"Level {level}", parent_id=parent))
        parent = chain[-1]["id"]
    assert chain[-1]["wbs_code"] == "5.1.1.1.1.1.1.1.1.1" and chain[-1]["level"] == 9
    group = planning.task(plan["id"], "Work packages")
    before = codes(planning, plan["id"])
    refused = [
        planning.post(f"/plans/{plan['id']}/tasks", {"name": "Level 11", "parent_id": parent}),
        # Work packages (level 10) and Frame below it (11).
        planning.patch(f"/tasks/{group['id']}", {"parent_id": chain[8]["id"]}),
    ]
    for response in refused:
        assert response.status_code == 422, response.json
        assert "10 levels" in problem(response)["errors"]["parent_id"][0]
    assert codes(planning, plan["id"]) == before
    moved = planning.patch(f"/tasks/{group['id']}", {"parent_id": chain[7]["id"]})
    assert moved.status_code == 200, moved.json
    assert planning.task(plan["id"], "Frame")["wbs_code"] == "4.1.1.1.1.1.1.1.2.1"
    # An empty "Work packages" keeps a level free for the packages a change adds to it.
    frame = planning.task(plan["id"], "Frame")
    deleted = planning.client.delete(
        f"/tasks/{frame['id']}", headers={**auth("planner"), "If-Match": f'"{frame["version"]}"'}
    )
    assert deleted.status_code == 204
    deeper = planning.patch(f"/tasks/{group['id']}", {"parent_id": chain[8]["id"]})
    assert deeper.status_code == 422 and "parent_id" in problem(deeper)["errors"]


MOST = "999999999999.99"


def test_costs_past_what_money_holds_are_refused_and_nothing_is_written(planning):
    plan = draft(planning, [])  # analysis 1800.00 and quality control 1200.00
    group = planning.add_task(plan["id"], name="Group")
    planning.add_task(plan["id"], name="A", parent_id=group["id"], cost="999999990000.00")
    before = planning.tasks(plan["id"])
    a = planning.task(plan["id"], "A")
    refused = [
        # Group's roll-up: 999999990000.00 + 10000.00.
        planning.post(
            f"/plans/{plan['id']}/tasks",
            {"name": "B", "parent_id": group["id"], "cost": "10000.00"},
        ),
        # The plan's total, at activation its baseline's cost: one cent too much either way.
        planning.post(f"/plans/{plan['id']}/tasks", {"name": "C", "cost": "7000.00"}),
        planning.patch(f"/tasks/{a['id']}", {"cost": "999999997000.00"}, a["version"]),
    ]
    for response in refused:
        assert response.status_code == 422, response.json
        assert problem(response)["max_cost"] == MOST
    details = [problem(response)["detail"] for response in refused]
    assert "the cost of 4 Group would come to 1000000000000.00, more than" in details[0]
    assert all("the plan's total cost would come to 1000000000000.00" in d for d in details[1:])
    assert planning.tasks(plan["id"]) == before
    within = planning.post(f"/plans/{plan['id']}/tasks", {"name": "C", "cost": "6999.99"})
    assert within.status_code == 201, within.json
    assert planning.activate(plan["id"])["status"] == "active"
    [baseline] = planning.get(f"/plans/{plan['id']}/baselines").json
    assert baseline["cost"] == MOST


def test_activation_refuses_a_plan_stored_costing_more_than_money_holds(planning, app):
    import uuid
    from decimal import Decimal

    from services.planning.models import Task

    plan = draft(planning, [])
    planning.add_task(plan["id"], name="A", cost="600000000000.00")
    # As a plan stored before costs were checked: its total past what a baseline holds.
    with app.extensions["ordo"].db.transaction() as session:
        a = session.get(Task, uuid.UUID(planning.task(plan["id"], "A")["id"]))
        a.cost = Decimal(MOST)  # and 3000.00 for analysis and quality control
    refused = planning.post(f"/plans/{plan['id']}/activate")
    assert refused.status_code == 422
    assert "total cost would come to 1000000002999.99" in problem(refused)["detail"]
    assert planning.plan(plan["id"])["status"] == "draft"
    assert planning.get(f"/plans/{plan['id']}/baselines").json == []


def test_a_near_zero_progress_with_costs_gives_no_eac_instead_of_failing(planning):
    plan = draft(planning, [requirement("Frame", 5)])  # BAC 6000.00
    planning.activate(plan["id"])
    analysis = planning.task(plan["id"], "Requirements analysis")
    reported = planning.progress(analysis["id"], 1e-30, actual_cost="1.00", as_of="2027-01-05")
    assert reported.status_code == 200, reported.json
    assert reported.json["percent_complete"] == 0.0  # kept to 2 decimals: no progress
    ev = planning.get(f"/plans/{plan['id']}/earned-value?as_of=2027-01-05").json
    assert (ev["ev"], ev["ac"], ev["eac"]) == ("0.00", "1.00", None)
    # The least progress there is for the most cost: EAC = 6000 * 1e12 / 0.18, about 3.3e16.
    reported = planning.progress(analysis["id"], 0.01, actual_cost=MOST, as_of="2027-01-05")
    assert reported.status_code == 200, reported.json
    ev = planning.get(f"/plans/{plan['id']}/earned-value?as_of=2027-01-05")
    assert ev.status_code == 200, ev.json
    assert (ev.json["ev"], ev.json["ac"], ev.json["cpi"]) == ("0.18", MOST, 0.0)
    assert (ev.json["eac"], ev.json["etc"], ev.json["vac"]) == (None, None, None)
    report = planning.get(f"/plans/{plan['id']}/report?as_of=2027-01-05")
    assert report.status_code == 200, report.json
    assert report.json["earned_value"]["eac"] is None

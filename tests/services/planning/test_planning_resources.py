"""Resources, load across plans, levelling, risks, the Gantt chart and the report."""

from services.planning.worker import run_levelling_jobs
from tests.helpers import auth, deliver, problem
from tests.services.planning.conftest import Planning, requirement


def resource(planning, name="Ann", hours=8, rate="90.00"):
    body = {
        "name": name,
        "kind": "person",
        "department": "engineering",
        "hours_per_day": hours,
        "cost_rate": rate,
    }
    response = planning.post("/resources", body)
    assert response.status_code == 201, response.json
    return response.json


def allocate(planning, task, person, hours=8):
    response = planning.post(
        f"/tasks/{task['id']}/allocations", {"resource_id": person["id"], "hours_per_day": hours}
    )
    assert response.status_code == 201, response.json
    return response.json


def level(planning, plan_id, query=""):
    """Ask for a levelling, let the worker run the job, and return its result."""
    asked = planning.post(f"/plans/{plan_id}/level{query}")
    assert asked.status_code == 202, asked.json
    assert asked.json["status"] == "queued"
    assert asked.headers["Location"] == f"/levelling-jobs/{asked.json['id']}"
    assert run_levelling_jobs(planning.app.extensions["ordo"].db) == 1
    job = planning.get(asked.headers["Location"]).json
    assert (job["status"], job["progress"], job["result"]["complete"]) == ("succeeded", 1.0, True)
    return job["result"]


def clashing_plan(planning):
    """Short (2 days) and Prep (2 days) in parallel beside Long (6 days), both on Ann."""
    _, plan = planning.confirm([requirement("Long", 6), requirement("Short", 2)])
    ann = resource(planning)
    prep = planning.add_task(plan["id"], name="Prep", duration=2)
    planning.link(plan["id"], planning.task(plan["id"], "Requirements analysis")["id"], prep["id"])
    planning.link(plan["id"], prep["id"], planning.task(plan["id"], "Quality control")["id"])
    allocate(planning, planning.task(plan["id"], "Short"), ann)
    allocate(planning, planning.task(plan["id"], "Prep"), ann)
    planning.activate(plan["id"])
    return planning.plan(plan["id"]), ann


def test_allocations_set_effort_and_cost_and_show_in_the_daily_load(planning):
    plan, ann = clashing_plan(planning)
    short = planning.task(plan["id"], "Short")
    assert short["effort_hours"] == 16.0 and short["cost"] == "1440.00"
    load = planning.get(f"/resources/load?from=2027-01-04&to=2027-01-31&resource_id={ann['id']}")
    [ann_load] = load.json["resources"]
    assert ann_load["days"][0] == {
        "date": "2027-01-07",
        "hours": 16.0,
        "tentative_hours": 0.0,
        "capacity": 8.0,
    }
    assert [day["date"] for day in ann_load["over_allocated"]] == ["2027-01-07", "2027-01-08"]


def test_levelling_dry_run_moves_nothing_and_levelling_delays_within_float(planning):
    plan, ann = clashing_plan(planning)
    before = {t["name"]: t for t in planning.tasks(plan["id"])}
    dry = level(planning, plan["id"], "?dry_run=true")
    [move] = dry["moves"]
    assert move["name"] in ("Short", "Prep") and move["new_start"] == "2027-01-11"
    assert dry["unresolved"] == [] and dry["finish_date"] == plan["finish_date"]
    assert planning.task(plan["id"], "Short")["start_date"] == before["Short"]["start_date"]

    levelled = level(planning, plan["id"])
    assert levelled["moves"] == dry["moves"]
    after = {t["name"]: t for t in planning.tasks(plan["id"])}
    for name, task in before.items():
        if task["critical"]:
            assert after[name]["start_date"] == task["start_date"], name
    moved = after[move["name"]]
    assert moved["start_date"] == "2027-01-11"
    assert moved["finish_date"] < after["Quality control"]["start_date"]
    assert moved["start_date"] > after["Requirements analysis"]["finish_date"]
    assert planning.plan(plan["id"])["finish_date"] == plan["finish_date"]
    load = planning.get(f"/resources/load?from=2027-01-04&to=2027-01-31&resource_id={ann['id']}")
    assert load.json["resources"][0]["over_allocated"] == []


def test_levelling_reports_what_it_cannot_resolve_without_moving_critical_work(planning):
    _, plan = planning.confirm([requirement("Left", 4), requirement("Right", 4)])
    ann = resource(planning)
    for name in ("Left", "Right"):
        allocate(planning, planning.task(plan["id"], name), ann)
    result = level(planning, plan["id"])
    assert result["moves"] == []
    assert len(result["unresolved"]) == 4 and result["unresolved"][0]["name"] == "Ann"


def side_by_side_plan(planning, activate=False):
    """Left and Right (4 working days each, both critical) in parallel, both on Ann."""
    _, plan = planning.confirm([requirement("Left", 4), requirement("Right", 4)])
    ann = resource(planning)
    for name in ("Left", "Right"):
        allocate(planning, planning.task(plan["id"], name), ann)
    if activate:
        planning.activate(plan["id"])
    return planning.plan(plan["id"]), ann


def test_levelling_to_capacity_proposes_the_delay_and_finish_extension_and_writes_nothing(
    planning,
):
    plan, ann = side_by_side_plan(planning)
    before = planning.tasks(plan["id"])
    dry = level(planning, plan["id"], "?dry_run=true&mode=extend_finish")
    assert dry["mode"] == "extend_finish" and dry["dry_run"] is True
    right = [move for move in dry["moves"] if move["name"] == "Right"]
    assert right == [
        {
            "task_id": planning.task(plan["id"], "Right")["id"],
            "name": "Right",
            "old_start": "2027-01-07",
            "new_start": "2027-01-13",
            "delay_days": 4,
        }
    ]
    assert dry["unresolved"] == []
    assert dry["original_finish_date"] == plan["finish_date"]
    assert dry["finish_extension_days"] == 4
    assert dry["finish_date"] > plan["finish_date"]
    assert planning.tasks(plan["id"]) == before
    assert planning.plan(plan["id"])["finish_date"] == plan["finish_date"]


def test_levelling_to_capacity_applies_the_proposal_and_leaves_no_over_allocation(planning):
    plan, ann = side_by_side_plan(planning, activate=True)
    dry = level(planning, plan["id"], "?dry_run=true&mode=extend_finish")
    applied = level(planning, plan["id"], "?mode=extend_finish")
    assert applied["moves"] == dry["moves"]
    assert planning.task(plan["id"], "Right")["start_date"] == "2027-01-13"
    assert planning.plan(plan["id"])["finish_date"] == dry["finish_date"]
    load = planning.get(f"/resources/load?from=2027-01-04&to=2027-02-28&resource_id={ann['id']}")
    assert load.json["resources"][0]["over_allocated"] == []
    [rebaselined] = planning.events("ordo.plan.rebaselined")
    assert rebaselined.data["finish_date"] == dry["finish_date"]
    assert "levelling" in rebaselined.data["reason"]
    again = level(planning, plan["id"], "?dry_run=true&mode=extend_finish")
    assert again["moves"] == [] and again["finish_extension_days"] == 0


def test_levelling_never_moves_a_task_that_has_started(planning):
    plan, ann = side_by_side_plan(planning)
    planning.activate(plan["id"], start_date="2026-11-02")  # progress is reported in the past
    analysis = planning.task(plan["id"], "Requirements analysis")
    done = planning.progress(
        analysis["id"],
        100,
        actual_start="2026-11-02",
        actual_finish="2026-11-04",
        as_of="2026-11-04",
    )
    assert done.status_code == 200, done.json
    right = planning.task(plan["id"], "Right")
    started = planning.progress(right["id"], 25, actual_start="2026-11-05", as_of="2026-11-05")
    assert started.status_code == 200, started.json
    assert planning.task(plan["id"], "Left")["start_date"] == "2026-11-05"  # the clash
    result = level(planning, plan["id"], "?mode=extend_finish")
    assert [move["name"] for move in result["moves"]][:1] == ["Left"]
    assert result["unresolved"] == []
    assert planning.task(plan["id"], "Right")["start_date"] == "2026-11-05"
    assert planning.task(plan["id"], "Requirements analysis")["start_date"] == "2026-11-02"


def test_levelling_a_cancelled_plan_is_refused_and_writes_nothing(planning, app):
    data, plan = planning.confirm([requirement("Left", 4), requirement("Right", 4)])
    ann = resource(planning)
    for name in ("Left", "Right"):
        allocate(planning, planning.task(plan["id"], name), ann)
    cancelled = {"order_id": data["order_id"], "reason": "Gone", "previous_status": "confirmed"}
    deliver(app, "ordo.order.cancelled", cancelled)
    before = planning.tasks(plan["id"])
    for mode in ("within_float", "extend_finish"):
        refused = planning.post(f"/plans/{plan['id']}/level?mode={mode}")
        assert refused.status_code == 409, refused.json
        assert problem(refused)["current_status"] == "cancelled"
    assert planning.tasks(plan["id"]) == before


def test_an_unknown_levelling_mode_is_refused(planning):
    plan, _ = side_by_side_plan(planning)
    refused = planning.post(f"/plans/{plan['id']}/level?mode=sideways")
    assert refused.status_code == 422
    assert "mode" in str(problem(refused))


def test_the_load_view_shows_draft_plans_as_tentative_load_beside_active_plans(planning):
    active, ann = clashing_plan(planning)
    _, draft = planning.confirm([requirement("Draft work", 3)])
    allocate(planning, planning.task(draft["id"], "Draft work"), ann, hours=4)
    draft_task = planning.task(draft["id"], "Draft work")
    load = planning.get(f"/resources/load?from=2027-01-04&to=2027-01-31&resource_id={ann['id']}")
    [ann_load] = load.json["resources"]
    days = {day["date"]: day for day in ann_load["days"]}
    first = days[draft_task["start_date"]]
    assert first["tentative_hours"] == 4.0
    assert first["hours"] == 0.0 or first["hours"] >= 8.0
    tentative_total = sum(day["tentative_hours"] for day in ann_load["days"])
    assert tentative_total == 12.0  # 3 working days x 4 h, none of it counted as booked
    assert sum(day["hours"] for day in ann_load["days"]) == 16.0 + 16.0  # Short and Prep
    over = {day["date"] for day in ann_load["over_allocated"]}
    tentatively = {day["date"] for day in ann_load["tentatively_over_allocated"]}
    assert over <= tentatively
    assert all(day["hours"] > 8 for day in ann_load["over_allocated"])


def test_a_risk_scoring_fifteen_or_more_is_raised_once_and_placed_in_the_matrix(planning):
    _, plan = planning.confirm()
    task = planning.task(plan["id"], "Pressing force")
    low = planning.post(
        f"/plans/{plan['id']}/risks",
        {"title": "Late steel", "probability": 2, "impact": 3, "response": "mitigate"},
    )
    assert low.status_code == 201 and low.json["score"] == 6
    assert planning.events("ordo.risk.raised") == []
    raised = planning.patch(
        f"/risks/{low.json['id']}",
        {"probability": 4, "impact": 4, "task_ids": [task["id"]], "owner": "Bob"},
        version=low.json["version"],
    )
    assert raised.status_code == 200 and raised.json["score"] == 16
    again = planning.patch(f"/risks/{low.json['id']}", {"impact": 5}, raised.json["version"])
    assert again.json["score"] == 20
    [event] = planning.events("ordo.risk.raised")
    assert event.data["score"] == 16 and event.data["title"] == "Late steel"
    matrix = planning.get(f"/plans/{plan['id']}/risks/matrix").json
    top_row = matrix["rows"][1]  # probability 4
    assert top_row[4]["count"] == 1 and top_row[4]["score"] == 20
    out_of_scale = planning.post(
        f"/plans/{plan['id']}/risks",
        {"title": "X", "probability": 6, "impact": 1, "response": "accept"},
    )
    assert out_of_scale.status_code == 422


def test_the_gantt_chart_is_an_svg_with_bars_links_baseline_and_today(planning):
    _, plan = planning.confirm([requirement("Frame", 5)])
    planning.activate(plan["id"])
    response = planning.get(f"/plans/{plan['id']}/gantt.svg?today=2027-01-06")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg") and "Frame" in svg and "Today 6 Jan" in svg
    assert svg.count("marker-end") >= 3


def test_the_report_gathers_progress_earned_value_critical_path_risks_milestones_and_slip(
    planning,
):
    _, plan = planning.confirm([requirement("Long", 6), requirement("Short", 2)])
    planning.activate(plan["id"])
    planning.post(
        f"/plans/{plan['id']}/risks",
        {"title": "Late steel", "probability": 5, "impact": 4, "response": "transfer"},
    )
    report = planning.get(f"/plans/{plan['id']}/report?as_of=2027-01-05").json
    assert [task["name"] for task in report["critical_path"]] == [
        "Requirements analysis",
        "Long",
        "Quality control",
        "Delivery",
    ]
    assert report["progress"] == {
        "percent_complete": 0.0,
        "tasks": 5,
        "tasks_done": 0,
        "tasks_in_progress": 0,
    }
    assert report["earned_value"]["bac"] == "7800.00"  # 13 working days x 8 h x 75
    assert [risk["title"] for risk in report["top_risks"]] == ["Late steel"]
    [milestone] = report["milestones"]
    assert milestone["name"] == "Delivery" and milestone["baseline_date"] == plan["finish_date"]
    assert report["slip"]["slip_days"] == 0


def test_an_allocation_or_a_rate_costing_more_than_money_holds_is_refused(planning):
    _, plan = planning.confirm([])
    long = planning.add_task(plan["id"], name="Long", duration=1000)
    rig = resource(planning, "Rig", hours=24, rate="999999999999.99")
    refused = planning.post(
        f"/tasks/{long['id']}/allocations", {"resource_id": rig["id"], "hours_per_day": 24}
    )
    assert refused.status_code == 422, refused.json
    assert "Long" in problem(refused)["detail"]
    assert planning.get(f"/tasks/{long['id']}/allocations").json == []
    ann = resource(planning)
    allocate(planning, long, ann)
    assert planning.task(plan["id"], "Long")["cost"] == "720000.00"  # 8 h x 1000 days x 90.00
    # A rate that would do the same to the plans using the resource is refused as well.
    ann = planning.get(f"/resources/{ann['id']}").json
    raised = planning.patch(
        f"/resources/{ann['id']}", {"cost_rate": "999999999.99"}, ann["version"]
    )
    assert raised.status_code == 422, raised.json
    assert planning.get(f"/resources/{ann['id']}").json["cost_rate"] == "90.00"
    assert planning.task(plan["id"], "Long")["cost"] == "720000.00"
    changed = planning.patch(f"/resources/{ann['id']}", {"cost_rate": "100.00"}, ann["version"])
    assert changed.status_code == 200, changed.json
    assert planning.task(plan["id"], "Long")["cost"] == "800000.00"


def test_a_second_levelling_of_a_plan_is_refused_naming_the_job_still_queued(planning):
    plan, _ = side_by_side_plan(planning)
    first = planning.post(f"/plans/{plan['id']}/level?mode=extend_finish")
    assert first.status_code == 202, first.json
    second = planning.post(f"/plans/{plan['id']}/level?dry_run=true")
    assert second.status_code == 409
    assert problem(second)["job"] == first.headers["Location"]
    assert planning.get(first.headers["Location"]).json["status"] == "queued"
    run_levelling_jobs(planning.app.extensions["ordo"].db)
    assert planning.get(first.headers["Location"]).json["status"] == "succeeded"
    assert planning.post(f"/plans/{plan['id']}/level?dry_run=true").status_code == 202


def test_a_levelling_job_out_of_time_answers_its_best_result_so_far(make_app):
    app = make_app("planning", levelling_budget_seconds=0)
    planning = Planning(app, app.test_client())
    plan, _ = side_by_side_plan(planning)
    asked = planning.post(f"/plans/{plan['id']}/level")
    assert asked.json["budget_seconds"] == 0
    run_levelling_jobs(app.extensions["ordo"].db)
    job = planning.get(asked.headers["Location"]).json
    assert job["status"] == "succeeded" and job["result"]["complete"] is False
    assert job["result"]["moves"] == [] and len(job["result"]["unresolved"]) == 4
    assert job["finished_at"] >= job["started_at"] >= job["created_at"]


def test_only_editors_ask_for_a_levelling_and_an_unknown_job_is_not_found(planning):
    plan, _ = side_by_side_plan(planning)
    refused = planning.client.post(f"/plans/{plan['id']}/level", headers=auth("engineer"))
    assert refused.status_code == 403
    missing = planning.get("/levelling-jobs/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404

"""Incremental plans: increments, backlog, moves, burn-down, velocity, work done per requirement."""

from datetime import date

from tests.helpers import auth, deliver, problem
from tests.services.planning.conftest import requirement


def three_requirements(planning):
    reqs = [requirement(f"Feature {n}", estimate_days=2) for n in (1, 2, 3)]
    data, plan = planning.confirm(reqs)
    return data, plan, [r["requirement_id"] for r in reqs]


def plan_increment(planning, plan_id, requirement_ids, start, finish, **body):
    return planning.post(
        f"/plans/{plan_id}/increments",
        {
            "start_date": start,
            "finish_date": finish,
            "requirement_ids": requirement_ids,
            **body,
        },
    )


def test_increments_hold_requirements_and_the_rest_is_the_backlog(planning):
    _, plan, (r1, r2, r3) = three_requirements(planning)
    response = plan_increment(planning, plan["id"], [r1], "2027-01-04", "2027-01-15")
    assert response.status_code == 201, response.json
    first = response.json
    assert first["number"] == 1 and first["requirement_ids"] == [r1]
    second = plan_increment(planning, plan["id"], [r2], "2027-01-18", "2027-01-29").json
    assert second["number"] == 2
    backlog = planning.get(f"/plans/{plan['id']}/backlog").json
    assert [item["requirement_id"] for item in backlog["backlog"]] == [r3]
    # The second increment's work package waits for its start.
    package = planning.task(plan["id"], "Feature 2")
    assert package["start_date"] >= "2027-01-18"
    [announced, *_] = planning.events("ordo.increment.planned")
    assert announced.data["requirement_ids"] == [r1]


def test_moving_a_requirement_between_increments_replans(planning):
    _, plan, (r1, r2, _) = three_requirements(planning)
    plan_increment(planning, plan["id"], [r1], "2027-01-04", "2027-01-15")
    second = plan_increment(planning, plan["id"], [r2], "2027-01-18", "2027-01-29").json
    response = planning.client.put(
        f"/plans/{plan['id']}/requirements/{r1}/increment",
        json={"increment_id": second["id"]},
        headers=auth("planner"),
    )
    assert response.status_code == 200, response.json
    moved = {
        item["requirement_id"]: item["increment_number"] for item in response.json["scheduled"]
    }
    assert moved == {r1: 2, r2: 2}
    assert planning.task(plan["id"], "Feature 1")["start_date"] >= "2027-01-18"
    # An engineer may read but not move.
    refused = planning.client.put(
        f"/plans/{plan['id']}/requirements/{r1}/increment",
        json={"increment_id": None},
        headers=auth("engineer"),
    )
    assert refused.status_code == 403


def test_a_requirement_in_two_increments_is_refused_with_nothing_written(planning):
    _, plan, (r1, r2, _) = three_requirements(planning)
    plan_increment(planning, plan["id"], [r1], "2027-01-04", "2027-01-15")
    before = len(planning.events("ordo.increment.planned"))
    response = plan_increment(planning, plan["id"], [r2, r1], "2027-01-18", "2027-01-29")
    assert response.status_code == 422
    body = problem(response)
    [message] = body["errors"]["requirement_ids"]
    assert f"{r1}: Already in increment 1" in message
    assert len(planning.get(f"/plans/{plan['id']}/increments").json) == 1
    assert len(planning.events("ordo.increment.planned")) == before


def test_an_increment_ending_after_the_due_date_is_refused(planning):
    _, plan, (r1, _, _) = three_requirements(planning)
    response = plan_increment(planning, plan["id"], [r1], "2027-02-15", "2027-03-05")
    assert response.status_code == 422
    assert "change request" in problem(response)["errors"]["finish_date"][0]
    assert planning.get(f"/plans/{plan['id']}/increments").json == []


def test_work_done_per_requirement_burndown_and_velocity(planning):
    data, plan, (r1, r2, r3) = three_requirements(planning)
    first = plan_increment(planning, plan["id"], [r1, r2], "2027-01-04", "2027-01-15").json
    planning.activate(plan["id"])
    planning.finish_all(plan["id"], date(2027, 1, 11), names=["Requirements analysis"])
    planning.finish_all(plan["id"], date(2027, 1, 12), names=["Feature 1"])
    done = planning.events("ordo.work_package.completed")
    assert [(e.data["requirement_id"], e.data["increment_id"]) for e in done] == [(r1, first["id"])]
    assert planning.events("ordo.increment.completed") == []
    planning.finish_all(plan["id"], date(2027, 1, 14), names=["Feature 2"])
    [completed] = planning.events("ordo.increment.completed")
    assert completed.data["on_time"] is True and completed.data["effort_hours"] == 32.0
    assert planning.events("ordo.plan.completed") == []  # Feature 3 and QC remain
    burndown = planning.get(
        f"/plans/{plan['id']}/increments/{first['id']}/burndown?today=2027-01-20"
    ).json
    remaining = {day["day"]: day["remaining_hours"] for day in burndown["days"]}
    assert remaining["2027-01-04"] == 32.0
    assert remaining["2027-01-12"] == 16.0
    assert remaining["2027-01-14"] == 0.0
    chart = planning.get(f"/plans/{plan['id']}/increments/{first['id']}/burndown.svg")
    assert chart.mimetype == "image/svg+xml" and b"<polyline" in chart.data
    velocity = planning.get(f"/plans/{plan['id']}/velocity").json
    assert velocity["velocity_hours"] == 32.0 and velocity["increments_on_time"] == 1
    # A rejected package of the increment plans rework; done again, the requirement is again.
    criterion = data["requirements"][0]["acceptance_criteria"][0]["criterion_id"]
    rejected = {
        "order_id": data["order_id"],
        "delivery_id": "00000000-0000-0000-0000-000000000001",
        "package_version": 1,
        "increment_id": first["id"],
        "final": False,
        "results": [
            {
                "criterion_id": criterion,
                "requirement_id": r1,
                "deliverable_id": "00000000-0000-0000-0000-000000000002",
                "met": False,
                "comment": "too slow",
            }
        ],
        "reasons": ["too slow"],
    }
    assert deliver(planning.app, "ordo.delivery.rejected", rejected) == "processed"
    rework = [t for t in planning.tasks(plan["id"]) if t["name"].startswith("Rework")]
    assert len(rework) == 1
    response = planning.progress(rework[0]["id"], 100, as_of="2027-01-20")
    assert response.status_code == 200, response.json
    done = planning.events("ordo.work_package.completed")
    assert [e.data["requirement_id"] for e in done] == [r1, r2, r1]
    assert r3  # still in the backlog: no work done announced for it

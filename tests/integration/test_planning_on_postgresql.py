"""Planning on PostgreSQL: what SQLite lets through (DISTINCT over JSON columns, strings and
numbers past their column's size) answered as the service tests expect."""

import pytest

from services.planning.app import create_app
from shared.cli import migrations_dir
from shared.db import migrate
from tests.helpers import SECRETS, problem
from tests.services.planning.conftest import TODAY, Planning, requirement

MOST = "999999999999.99"


@pytest.fixture
def planning(backend, monkeypatch):
    # progress is reported in January 2027, as in the service tests
    monkeypatch.setattr("services.planning.api.support.today", lambda: TODAY)
    if not backend.real:
        pytest.skip("what PostgreSQL refuses and SQLite accepts; the rest is in services")
    url = backend.database_url("planning")
    migrate(migrations_dir("planning"), url)
    app = create_app({"database_url": url, "broker_url": backend.broker_url, **SECRETS})
    yield Planning(app, app.test_client())
    app.extensions["ordo"].db.dispose()


def person(planning, name, rate="90.00", hours=8):
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


def allocate(planning, task, resource, hours=8):
    return planning.post(
        f"/tasks/{task['id']}/allocations", {"resource_id": resource["id"], "hours_per_day": hours}
    )


def test_changing_a_resource_replans_each_plan_using_it_once(planning):
    _, plan = planning.confirm([requirement("Frame", 5), requirement("Drive", 2)])
    _, other = planning.confirm([requirement("Frame", 5)])
    ann = person(planning, "Ann")
    for task in (
        planning.task(plan["id"], "Frame"),
        planning.task(plan["id"], "Drive"),
        planning.task(other["id"], "Frame"),
    ):
        assert allocate(planning, task, ann).status_code == 201
    ann = planning.get(f"/resources/{ann['id']}").json
    changed = planning.patch(
        f"/resources/{ann['id']}", {"cost_rate": "100.00", "hours_per_day": 6}, ann["version"]
    )
    assert changed.status_code == 200, changed.json
    assert planning.task(plan["id"], "Frame")["cost"] == "4000.00"  # 8 h x 5 days x 100.00
    assert planning.task(plan["id"], "Drive")["cost"] == "1600.00"
    assert planning.task(other["id"], "Frame")["cost"] == "4000.00"
    renamed = planning.patch(f"/resources/{ann['id']}", {"name": "Ann B."}, changed.json["version"])
    assert renamed.status_code == 200, renamed.json


def test_a_deep_wbs_and_costs_past_the_columns_are_422_not_500(planning):
    _, plan = planning.confirm([requirement("Frame", 5)])
    parent = None
    for level in range(1, 11):
        parent = planning.add_task(plan["id"], name=f"Level {level}", parent_id=parent)["id"]
    too_deep = planning.post(
        f"/plans/{plan['id']}/tasks", {"name": "Level 11", "parent_id": parent}
    )
    assert too_deep.status_code == 422 and "parent_id" in problem(too_deep)["errors"]

    long = planning.add_task(plan["id"], name="Long", duration=1000)
    rig = person(planning, "Rig", rate=MOST, hours=24)
    refused = allocate(planning, long, rig, hours=24)
    assert refused.status_code == 422 and problem(refused)["max_cost"] == MOST

    group = planning.add_task(plan["id"], name="Group")
    planning.add_task(plan["id"], name="A", parent_id=group["id"], cost="999999000000.00")
    refused = planning.post(
        f"/plans/{plan['id']}/tasks", {"name": "B", "parent_id": group["id"], "cost": MOST}
    )
    assert refused.status_code == 422 and problem(refused)["max_cost"] == MOST

    planning.activate(plan["id"])
    analysis = planning.task(plan["id"], "Requirements analysis")
    reported = planning.progress(analysis["id"], 1e-30, actual_cost="1.00", as_of="2027-01-05")
    assert reported.status_code == 200, reported.json
    reported = planning.progress(analysis["id"], 0.01, actual_cost=MOST, as_of="2027-01-05")
    assert reported.status_code == 200, reported.json
    ev = planning.get(f"/plans/{plan['id']}/earned-value?as_of=2027-01-05")
    assert ev.status_code == 200 and ev.json["eac"] is None

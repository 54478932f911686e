"""Changes that no longer read the plan's outline as a tree: a task added at the end of a
summary (or of the top level) without being linked, finishing within the plan, and progress
that leaves a task as many working days as before, are stored by reading only the tasks under
the top-level task above it, and what they store must be what a replan of the whole plan would
store; a link is checked against the tasks above its ends."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa

from services.planning.models import Plan, Task
from services.planning.usecases import tasks as task_usecases
from services.planning.usecases.network import replan
from services.planning.usecases.tasks import follow_progress
from tests.helpers import problem
from tests.services.planning.conftest import requirement

COLUMNS = [column for column in Task.__table__.columns if column.key != "version"]


def stored(session, plan_id) -> dict:
    query = sa.select(*COLUMNS).where(Task.plan_id == uuid.UUID(plan_id))
    return {row.id: tuple(row) for row in session.execute(query)}


def replans_nothing(app, plan_id) -> bool:
    """A full replan of the stored plan would change no task."""
    with app.extensions["ordo"].db.sessions() as session:
        before = stored(session, plan_id)
        replan(session, session.get(Plan, uuid.UUID(plan_id)))
        return stored(session, plan_id) == before


def test_tasks_added_at_the_end_store_what_a_full_replan_stores(planning, app, monkeypatch):
    full_replans = []
    monkeypatch.setattr(
        task_usecases,
        "replan",
        lambda *args, **kwargs: full_replans.append(args) or replan(*args, **kwargs),
    )
    _, plan = planning.confirm([requirement(), requirement("Second", 3)])
    group = planning.task(plan["id"], "Work packages")
    planning.activate(plan["id"], start_date="2026-10-05")
    started = planning.task(plan["id"], "Pressing force")
    assert planning.progress(started["id"], 50, status_date="2026-10-12").status_code == 200
    cases = [
        ({"name": "Drawings", "duration": 2, "parent_id": group["id"]}, "fast"),
        ({"name": "Sign-off", "duration": 0, "milestone": True, "parent_id": group["id"]}, "fast"),
        ({"name": "Site visit", "duration": 1}, "fast"),
        ({"name": "Jigs", "duration": 1, "parent_id": started["id"]}, "full"),
        ({"name": "Long haul", "duration": 400, "parent_id": group["id"]}, "full"),
        ({"name": "Tooling", "duration": 3, "parent_id": group["id"], "position": 0}, "full"),
    ]
    for body, path in cases:
        replanned = len(full_replans)
        added = planning.add_task(plan["id"], **body)
        assert (len(full_replans) > replanned) == (path == "full"), body["name"]
        assert replans_nothing(app, plan["id"]), body["name"]
    codes = {task["name"]: task["wbs_code"] for task in planning.tasks(plan["id"])}
    assert codes["Tooling"] == codes["Work packages"] + ".1"
    assert codes["Site visit"] == str(max(int(code) for code in codes.values() if "." not in code))
    assert added["finish_date"] > date(2026, 10, 12).isoformat()


def test_progress_leaving_the_days_left_stores_what_a_full_replan_stores(
    planning, app, monkeypatch
):
    followed = []
    monkeypatch.setattr(
        task_usecases,
        "follow_progress",
        lambda *args, **kwargs: followed.append(args) or follow_progress(*args, **kwargs),
    )
    _, plan = planning.confirm([requirement("Pressing force", 4), requirement("Second", 3)])
    planning.activate(plan["id"], start_date="2026-10-05")
    task = planning.task(plan["id"], "Pressing force")
    assert task["duration"] == 4
    cases = [  # percent, status date, reason, the path: 4 days x (1 - progress) left, rounded up
        (50, "2026-10-07", None, "full"),  # the first report sets the status date
        (60, "2026-10-07", None, "fast"),  # 2 days left, as at 50 %
        (80, "2026-10-07", None, "full"),  # 1 day left: the work behind it moves
        (85, "2026-10-06", None, "fast"),  # an earlier status date leaves the plan's as it is
        (90, "2026-10-08", None, "full"),  # a later one moves the work not started
        (80, "2026-10-08", "Rework found", "fast"),
        (100, "2026-10-08", None, "full"),  # finished: milestones and finished work follow
    ]
    for percent, day, reason, path in cases:
        followed.clear()
        body = {"status_date": day, **({"reason": reason} if reason else {})}
        reported = planning.progress(task["id"], percent, **body)
        assert reported.status_code == 200, reported.json
        assert reported.json["percent_complete"] == percent
        assert bool(followed) == (path == "full"), (percent, day)
        assert replans_nothing(app, plan["id"]), (percent, day)
    group = planning.task(plan["id"], "Work packages")
    assert 0 < group["percent_complete"] < 100


def test_a_task_cannot_be_linked_to_a_task_above_or_below_it(planning):
    _, plan = planning.confirm([requirement()])
    group = planning.add_task(plan["id"], name="Group")
    inner = planning.add_task(plan["id"], name="Inner", parent_id=group["id"])
    deeper = planning.add_task(plan["id"], name="Deeper", parent_id=inner["id"])
    other = planning.add_task(plan["id"], name="Other", parent_id=group["id"])
    for before, after in ((group, deeper), (deeper, group), (inner, deeper), (deeper, inner)):
        refused = planning.link(plan["id"], before["id"], after["id"])
        assert refused.status_code == 422, (before["name"], after["name"])
        assert "above or below" in problem(refused)["errors"]["successor_id"][0]
    assert planning.link(plan["id"], deeper["id"], other["id"]).status_code == 201

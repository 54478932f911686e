"""A whole WBS in one request: create and change many tasks and link them, as one unit.

Rows come in outline order. A new row has a `key` (its name within the request) and may name a
`parent`: the key of a row above it or the id of a task of the plan; a row with an `id` changes
that task as PATCH /tasks/{id} would (moves are PATCH's alone). Links name their tasks by key
or id. Every row is checked before anything is written; the bad ones are named
(`tasks[3].parent`, `links[7].successor`) in one refusal and nothing is written. The plan is
then scheduled once, however many rows there were.

A WBS file (a CSV sheet or a Microsoft Project XML export, `domain/wbs_files.py`) is read into
the same rows and imported the same way; its refusals name the file's lines or tasks and
fields (`line 7.duration`, `Task UID 12.Duration`).
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from services.planning.domain.task_shape import Shape, changed_shape, new_task_shape
from services.planning.domain.wbs import MAX_LEVELS
from services.planning.domain.wbs_files import MOST_ERRORS, read_wbs_file
from services.planning.models import Dependency, Task
from services.planning.usecases.network import (
    dependencies_of,
    new_task,
    plan_allowing,
    replan,
    tasks_of,
    wbs_tree,
)
from services.planning.usecases.tasks import PLAIN_FIELDS
from shared.errors import RuleViolation


class _Rows:
    """The tasks a request may name, by key or id, and the errors found so far."""

    def __init__(self, existing: list[Task]):
        self.by_ref: dict[str, Task] = {str(task.id): task for task in existing}
        self.errors: dict[str, str] = {}

    def refuse(self, where: str, message: str) -> None:
        self.errors.setdefault(where, message)

    def find(self, where: str, ref: str) -> Task | None:
        task = self.by_ref.get(ref)
        if task is None:
            self.refuse(where, "No row above and no task of this plan has this key or id.")
        return task


def import_wbs(
    session: Session, plan_id: uuid.UUID, task_rows: list[dict], link_rows: list[dict]
) -> dict[str, Any]:
    """Create and change the tasks of `task_rows`, add the links of `link_rows`, reschedule
    once. RuleViolation naming every bad row (up to MOST_ERRORS), with nothing written."""
    plan = plan_allowing(session, plan_id)
    existing = tasks_of(session, plan)
    rows = _Rows(existing)
    depth = {task.id: task.level + 1 for task in existing}
    children = Counter(task.parent_id for task in existing)
    created: dict[str, Task] = {}
    for number, row in enumerate(task_rows):
        if len(rows.errors) >= MOST_ERRORS:
            break
        where = f"tasks[{number}]"
        if "id" in row:
            _change(rows, where, row)
            continue
        key = row["key"]
        if key in rows.by_ref:
            rows.refuse(f"{where}.key", "Another row or task already has this key.")
            continue
        parent = None
        if row.get("parent") is not None:
            parent = rows.find(f"{where}.parent", row["parent"])
            if parent is None:
                continue
            if parent.milestone:
                rows.refuse(f"{where}.parent", "A milestone cannot have tasks below it.")
                continue
        level = depth[parent.id] + 1 if parent is not None else 1
        if level > MAX_LEVELS:
            rows.refuse(f"{where}.parent", f"The WBS would be more than {MAX_LEVELS} levels deep.")
            continue
        try:
            shape = new_task_shape(row.get("milestone", False), row.get("duration"))
        except RuleViolation as refused:
            rows.refuse(f"{where}.duration", refused.detail)
            continue
        parent_id = parent.id if parent is not None else None
        fields = {name: row[name] for name in PLAIN_FIELDS if name in row and name != "name"}
        task = new_task(
            plan,
            name=row["name"],
            milestone=shape.milestone,
            duration=shape.duration,
            parent_id=parent_id,
            position=children[parent_id],
            **fields,
        )
        children[parent_id] += 1
        depth[task.id] = level
        rows.by_ref[key] = created[key] = task
    stored = dependencies_of(session, plan)
    links = _links(rows, link_rows, existing, list(created.values()), stored)
    if rows.errors:
        raise RuleViolation(
            rows.errors,
            detail=f"{len(rows.errors)} rows of the import are refused; nothing was written.",
        )
    session.add_all(created.values())
    session.flush()  # the tasks first: the links refer to them
    session.add_all(links)
    replan(session, plan, existing + list(created.values()), stored + links)
    return {
        "created": {key: task.id for key, task in created.items()},
        "changed": sum(1 for row in task_rows if "id" in row),
        "linked": len(links),
        "finish_date": plan.finish_date,
    }


def import_wbs_file(
    session: Session, plan_id: uuid.UUID, kind: str, content: bytes
) -> dict[str, Any]:
    """Import the rows of a WBS file (`kind`: wbs_files.CSV or MSPDI) as import_wbs does; the
    new tasks' ids come by the file's ids (CSV) or UIDs (MSPDI). RuleViolation naming each bad
    place and field of the file, with nothing written."""
    wbs = read_wbs_file(kind, content)
    try:
        return import_wbs(session, plan_id, wbs.tasks, wbs.links)
    except RuleViolation as refused:
        raise wbs.located(refused) from None


def _change(rows: _Rows, where: str, row: dict) -> None:
    task = rows.find(f"{where}.id", str(row["id"]))
    if task is None:
        return
    if "parent" in row:
        rows.refuse(f"{where}.parent", "Move a task with PATCH /tasks/{id}, not in an import.")
        return
    try:
        shape = changed_shape(task.summary, Shape(task.milestone, task.duration), row)
    except RuleViolation as refused:
        rows.refuse(f"{where}.duration", refused.detail)
        return
    task.milestone, task.duration = shape.milestone, shape.duration
    for name in PLAIN_FIELDS:
        if name in row:
            setattr(task, name, row[name])


def _links(
    rows: _Rows,
    link_rows: list[dict],
    existing: list[Task],
    created: list[Task],
    stored: list[Dependency],
) -> list[Dependency]:
    tree = wbs_tree([*existing, *created])
    taken = {(link.predecessor_id, link.successor_id) for link in stored}
    links = []
    for number, row in enumerate(link_rows):
        if len(rows.errors) >= MOST_ERRORS:
            break
        where = f"links[{number}]"
        before = rows.find(f"{where}.predecessor", row["predecessor"])
        after = rows.find(f"{where}.successor", row["successor"])
        if before is None or after is None:
            continue
        if before.id == after.id:
            rows.refuse(f"{where}.successor", "A task cannot depend on itself.")
        elif before.id in tree.descendants(after.id) or after.id in tree.descendants(before.id):
            rows.refuse(f"{where}.successor", "A task cannot depend on a task above or below it.")
        elif (before.id, after.id) in taken:
            rows.refuse(f"{where}.successor", "These tasks are already linked.")
        else:
            taken.add((before.id, after.id))
            links.append(
                Dependency(
                    id=uuid.uuid4(),
                    plan_id=before.plan_id,
                    predecessor_id=before.id,
                    successor_id=after.id,
                    type=row["type"],
                    lag=row["lag"],
                )
            )
    return links

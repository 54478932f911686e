"""A replan told what changed rolls up only the summaries above it: the result must be the one
a replan of every summary gives, whatever the network (all four link types, leads and lags,
start constraints, milestones) and whatever the change (a task added anywhere in the outline,
a duration, progress, effort or cost changed, a link added)."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.planning.usecases.network import TaskRow, place, replan

START = date(2026, 3, 2)
TYPES = ("FS", "SS", "FF", "SF")
ADDED = uuid.UUID(int=1)


@dataclass
class PlanStub:
    """What a replan reads and sets of a plan."""

    id: uuid.UUID
    start_date: date = START
    working_weekdays: tuple = (0, 1, 2, 3, 4)
    holidays: tuple = ("2026-03-13",)
    status_date: date | None = None
    finish_date: date | None = None
    updated_at: object = None


@dataclass
class Link:
    predecessor_id: uuid.UUID
    successor_id: uuid.UUID
    type: str
    lag: int


def row(
    plan: PlanStub, parent: uuid.UUID | None, position: int, duration: int, **values
) -> TaskRow:
    task = dict.fromkeys(field.name for field in fields(TaskRow) if field.name != "unsaved")
    task.update(
        id=uuid.uuid4(),
        plan_id=plan.id,
        parent_id=parent,
        position=position,
        wbs_code="",
        level=0,
        name="task",
        origin="manual",
        milestone=duration == 0,
        summary=False,
        duration=duration,
        effort_hours=8.0 * duration,
        cost=Decimal(80 * duration).quantize(Decimal("0.01")),
        percent_complete=0.0,
        actual_cost=Decimal("0.00"),
        total_float=0,
        free_float=0,
        critical=False,
    )
    task.update(values)
    return TaskRow(**task)


@st.composite
def plans(draw):
    """A plan scheduled once in full, its links, and a change to make to it."""
    plan = PlanStub(uuid.uuid4())
    count = draw(st.integers(2, 18))
    parents = [None]
    for number in range(1, count):
        parents.append(draw(st.one_of(st.none(), st.integers(0, number - 1))))
    has_children = {parent for parent in parents if parent is not None}
    rows: list[TaskRow] = []
    siblings: dict[int | None, int] = {}
    for number, parent in enumerate(parents):
        duration = 1 if number in has_children else draw(st.integers(0, 5))
        position = siblings.get(parent, 0)
        siblings[parent] = position + 1
        rows.append(
            row(
                plan,
                None if parent is None else rows[parent].id,
                position,
                duration,
                percent_complete=draw(st.sampled_from([0.0, 0.0, 40.0])),
                not_before=draw(st.sampled_from([None, None, date(2026, 3, 10)])),
            )
        )
    leaves = [number for number in range(count) if number not in has_children]
    links = []
    for _ in range(draw(st.integers(0, 2 * len(leaves)))):
        first, second = sorted(draw(st.lists(st.sampled_from(leaves), min_size=2, max_size=2)))
        pair = (rows[first].id, rows[second].id)
        if first == second or linked(links, *pair):
            continue
        links.append(Link(*pair, draw(st.sampled_from(TYPES)), draw(st.integers(-2, 3))))
    replan(None, plan, rows, links, new=True)
    change = draw(st.sampled_from(["add", "duration", "progress", "cost", "link"]))
    where = draw(st.integers(0, count - 1))
    amount = draw(st.integers(0, 6))
    return plan, rows, links, change, where, amount


def linked(links: list[Link], before: uuid.UUID, after: uuid.UUID) -> bool:
    return any((link.predecessor_id, link.successor_id) == (before, after) for link in links)


def apply(change, where, amount, plan, rows, links) -> list[uuid.UUID]:
    """Make `change` as the use cases do; the ids they name as changed."""
    target = rows[where]
    parents = {task.parent_id for task in rows}
    leaf = target.id not in parents
    if change == "add" and not target.milestone:
        task = row(plan, None, 0, max(amount, 1), id=ADDED)
        rows.append(task)
        place(None, plan, task, target.id, amount % 3, rows)
        return [task.id]
    if change == "duration" and leaf:
        target.duration, target.milestone = amount, amount == 0
    elif change == "progress" and leaf:
        target.percent_complete = 100.0 * amount / 6
    elif change == "cost":
        target.effort_hours, target.cost = (
            5.0 * amount,
            Decimal(amount * 37).quantize(Decimal("0.01")),
        )
    elif change == "link" and leaf:
        later = [task for task in rows[where + 1 :] if task.id not in parents]
        if later and not linked(links, target.id, later[0].id):
            links.append(Link(target.id, later[0].id, TYPES[amount % 4], amount - 2))
        return []
    return [target.id, target.parent_id]


def figures(rows: list[TaskRow]) -> list[tuple]:
    names = [field.name for field in fields(TaskRow) if field.name != "unsaved"]
    return [tuple(getattr(task, name) for name in names) for task in rows]


@settings(max_examples=200, deadline=None)
@given(plans())
def test_a_replan_told_what_changed_gives_what_a_full_replan_gives(drawn):
    plan, rows, links, change, where, amount = drawn
    told_plan, told_rows, told_links = copy.deepcopy((plan, rows, links))
    full_plan, full_rows, full_links = copy.deepcopy((plan, rows, links))
    changed = apply(change, where, amount, told_plan, told_rows, told_links)
    apply(change, where, amount, full_plan, full_rows, full_links)
    replan(None, told_plan, told_rows, told_links, new=True, changed=changed)
    replan(None, full_plan, full_rows, full_links, new=True)
    assert figures(told_rows) == figures(full_rows)
    assert told_plan.finish_date == full_plan.finish_date


def test_a_new_task_in_the_middle_renumbers_the_tasks_after_it():
    plan = PlanStub(uuid.uuid4())
    phase = row(plan, None, 0, 1)
    first, second = row(plan, phase.id, 0, 2), row(plan, phase.id, 1, 3)
    rows = [phase, first, second]
    replan(None, plan, rows, [Link(first.id, second.id, "FS", 0)], new=True)
    assert [task.wbs_code for task in rows] == ["1", "1.1", "1.2"]
    added = row(plan, None, 0, 4)
    rows.append(added)
    place(None, plan, added, phase.id, 1, rows)
    replan(None, plan, rows, [Link(first.id, second.id, "FS", 0)], new=True, changed=[added.id])
    assert [task.wbs_code for task in rows] == ["1", "1.1", "1.3", "1.2"]
    assert phase.duration == 5 and phase.effort_hours == 8.0 * (2 + 3 + 4)

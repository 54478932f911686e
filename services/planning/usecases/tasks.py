"""WBS tasks: add, change, move, delete, report progress, and allocate resources to them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.progress import (
    UNSET,
    Leaf,
    ProgressReport,
    TaskState,
    check_status_date,
    completion_day,
    keeps_the_schedule,
    milestones_reached,
    report_progress,
)
from services.planning.domain.status import PLAN_STATUS
from services.planning.domain.task_shape import Shape, changed_shape, new_task_shape
from services.planning.domain.wbs import MAX_LEVELS, levels_taken
from services.planning.models import Allocation, Dependency, Plan, Resource, Task
from services.planning.usecases import publish_about
from services.planning.usecases.network import (
    append_leaf,
    assign,
    delete_subtree,
    new_task,
    outline_order,
    place,
    plan_allowing,
    plan_links,
    plan_rows,
    replan,
    roll_up_above,
    schedule_refusals,
    task_allowing,
    wbs_tree,
)
from services.planning.usecases.plans import late_work, review_health
from services.planning.usecases.work_done import announce_finished_work
from shared.errors import Conflict, RuleViolation
from shared.events.contracts.planning import MilestoneReached, PlanCompleted
from shared.usecases import ANY_VERSION, IfMatch, find

#: What a change may set on a task as it is, besides its shape and place.
PLAIN_FIELDS = ("name", "department", "requirement_id", "effort_hours", "cost", "not_before")


def _invalid(field: str, message: str) -> RuleViolation:
    return RuleViolation({field: message}, detail=message)


def with_lateness(session: Session, plan: Plan, tasks: list[Task]) -> list[Task]:
    """The tasks, each told its `finish_variance_days` against the latest baseline and whether
    it is `late` (read-model attributes for the responses, not stored)."""
    lateness = late_work(session, plan, tasks)
    for task in tasks:
        task.finish_variance_days, task.late = lateness.get(task.id, (None, False))
    return tasks


def plan_tasks(
    session: Session,
    plan_id: uuid.UUID,
    critical: bool | None = None,
    department: str | None = None,
    requirement_id: uuid.UUID | None = None,
) -> list[Task]:
    """The plan's WBS in outline order, narrowed to the given values."""
    find(session, Plan, plan_id, "plan")
    query = sa.select(Task).where(Task.plan_id == plan_id)
    for column, value in (
        (Task.critical, critical),
        (Task.department, department),
        (Task.requirement_id, requirement_id),
    ):
        if value is not None:
            query = query.where(column == value)
    plan = session.get(Plan, plan_id)
    return with_lateness(session, plan, outline_order(list(session.scalars(query))))


def read_task(session: Session, task_id: uuid.UUID) -> Task:
    task = find(session, Task, task_id, "task")
    return with_lateness(session, session.get(Plan, task.plan_id), [task])[0]


def add_task(
    session: Session,
    plan_id: uuid.UUID,
    *,
    name: str,
    duration: int | None,
    milestone: bool = False,
    parent_id: uuid.UUID | None = None,
    position: int | None = None,
    **fields: Any,
) -> Task:
    """Add a task or milestone under a parent (or at the top) and reschedule."""
    plan = plan_allowing(session, plan_id)
    parent = check_parent(session, plan, None, parent_id)
    shape = new_task_shape(milestone, duration)
    task = new_task(plan, name=name, milestone=shape.milestone, duration=shape.duration, **fields)
    if position is None and append_leaf(session, plan, task, parent):
        return with_lateness(session, plan, [task])[0]
    tasks = plan_rows(session, plan)  # read once: placing and scheduling share them
    session.add(task)
    place(session, plan, task, parent_id, position, tasks)
    replan(session, plan, [*tasks, task], changed=[task.id])
    return with_lateness(session, plan, [task])[0]


def change_task(
    session: Session,
    task_id: uuid.UUID,
    changes: dict[str, Any],
    if_match: IfMatch = ANY_VERSION,
) -> Task:
    """Change a task, or move it to another parent or position, and reschedule."""
    task, plan = task_allowing(session, task_id)
    if_match.check(task.version)
    shape = changed_shape(task.summary, Shape(task.milestone, task.duration), changes)
    tasks = plan_rows(session, plan)  # read once: checking, placing and scheduling share them
    changed = [task.id, task.parent_id]  # and the old parent of a moved task
    task.milestone, task.duration = shape.milestone, shape.duration
    if "parent_id" in changes or "position" in changes:
        parent_id = changes.get("parent_id", task.parent_id)
        check_parent(session, plan, task, parent_id, tasks)
        place(session, plan, task, parent_id, changes.get("position"), tasks)
    for name in PLAIN_FIELDS:
        if name in changes:
            setattr(task, name, changes[name])
    replan(session, plan, tasks, changed=changed)
    return with_lateness(session, plan, [task])[0]


def delete_task(session: Session, task_id: uuid.UUID, if_match: IfMatch = ANY_VERSION) -> None:
    """Delete a task with everything below it, its links and allocations, and reschedule."""
    task, plan = task_allowing(session, task_id)
    if_match.check(task.version)
    delete_subtree(session, plan, task)
    replan(session, plan)


def check_parent(
    session: Session, plan: Plan, task: Task | None, parent_id, tasks: list[Task] | None = None
) -> Task | None:
    """The parent (returned) must be a task of the same plan, not a milestone, not the task or
    below it, not so deep that the WBS would pass MAX_LEVELS, and not linked to the moved
    tasks (nor may anything above it be)."""
    if parent_id is None:
        return None
    parent = session.get(Task, parent_id)
    if parent is None or parent.plan_id != plan.id:
        raise _invalid("parent_id", "The parent is not a task of this plan.")
    if parent.milestone:
        raise _invalid("parent_id", "A milestone cannot have tasks below it.")
    if task is None:
        # A new task takes one level below the parent, whose stored level says how deep it is.
        if parent.level + 2 > MAX_LEVELS:
            raise _invalid("parent_id", f"The WBS would be more than {MAX_LEVELS} levels deep.")
        return parent
    # The outline only: the links are not needed to place a task.
    tasks = plan_rows(session, plan) if tasks is None else tasks
    tree = wbs_tree(tasks)
    moved = {task.id, *tree.descendants(task.id)}
    if parent_id in moved:
        raise _invalid("parent_id", "A task cannot move below itself.")
    groups = [row.id for row in tasks if row.origin == "work_packages"]
    if tree.depth(parent_id) + levels_taken(tree, task.id, groups) > MAX_LEVELS:
        raise _invalid("parent_id", f"The WBS would be more than {MAX_LEVELS} levels deep.")
    # The new parent and everything above it become summaries of the moved tasks, and a
    # link between a task and its own summary is refused.
    above, node = set(), parent_id
    while node is not None:
        above.add(node)
        node = tree.parent(node)
    linked = session.scalar(
        sa.select(Dependency.id).where(
            sa.or_(
                sa.and_(Dependency.predecessor_id.in_(moved), Dependency.successor_id.in_(above)),
                sa.and_(Dependency.predecessor_id.in_(above), Dependency.successor_id.in_(moved)),
            )
        )
    )
    if linked is not None:
        raise _invalid("parent_id", "A task cannot move below a task it is linked to.")
    return parent


def record_progress(
    session: Session,
    task_id: uuid.UUID,
    percent_complete: float,
    as_of: date,
    *,
    today: date | None = None,
    actual_start: date | None = UNSET,
    actual_finish: date | None = None,
    actual_hours: float | None = None,
    actual_cost=None,
    reason: str | None = None,
) -> Task:
    """Report percent complete, actual dates, hours and cost of a task of an active plan as of
    the status date `as_of` (the plan keeps the latest one: unfinished work before it moves
    after it); the milestones it unblocks are reached, the plan rescheduled, completed when all
    work is done, and its health reviewed as of `as_of`. Refused, with nothing written: a plan
    not active (409), a status date before the plan's start or beyond `today` + 1 day,
    progress going backwards without a `reason`, an actual finish before the actual start."""
    task = find(session, Task, task_id, "task")
    plan = plan_allowing(session, task.plan_id, "report_progress")
    check_status_date(as_of, plan.start_date, today or as_of)
    state = TaskState(
        task.summary,
        task.milestone,
        task.percent_complete,
        task.actual_start,
        task.actual_finish,
        task.start_date,
    )
    report = ProgressReport(percent_complete, as_of, actual_start, actual_finish, reason)
    progress = report_progress(state, report)
    task.percent_complete = progress.percent_complete
    task.actual_start, task.actual_finish = progress.actual_start, progress.actual_finish
    if actual_hours is not None:
        task.actual_hours = actual_hours
    if actual_cost is not None:
        task.actual_cost = actual_cost
    if plan.status_date is None or as_of > plan.status_date:
        plan.status_date = as_of
    elif keeps_the_schedule(state, progress, task.duration) and roll_up_above(session, plan, task):
        # Nothing the schedule reads has moved: no milestone, no finished work, no new dates.
        review_health(session, plan, as_of)
        return with_lateness(session, plan, [task])[0]
    reached = [task] if progress.milestone_reached else []
    follow_progress(session, plan, as_of, task, reached)
    return with_lateness(session, plan, [task])[0]


def follow_progress(
    session: Session,
    plan: Plan,
    as_of: date,
    task: Task | None = None,
    reached: list[Task] = (),
) -> None:
    """After progress (of `task`, if one): reach the milestones whose predecessors are done,
    reschedule, announce finished work, complete the plan when every task is done, and
    publish a change of health. On the plan's rows, with only the links into open milestones
    expanded; after one task's report only the summaries above it and above what the
    schedule moved are rolled up again."""
    with schedule_refusals(session):
        rows, links = plan_rows(session, plan), plan_links(session, plan)
        parents = {row.parent_id for row in rows}
        leaves = [row for row in rows if row.id not in parents]
        reached = [*reached, *reach_milestones(rows, links, leaves, as_of)]
        for milestone in reached:
            publish_about(
                session,
                plan,
                MilestoneReached,
                task_id=milestone.id,
                name=milestone.name,
                reached_on=milestone.actual_finish or as_of,
            )
        changed = None if task is None else [task.id, *(row.id for row in reached)]
        replan(session, plan, rows, links, changed=changed)
        announce_finished_work(session, plan, rows, as_of)
        if PLAN_STATUS.allows(plan.status, "complete") and all(row.done for row in leaves):
            completed_on = completion_day(
                [Leaf(row.id, row.milestone, row.done, row.actual_finish) for row in leaves], as_of
            )
            plan.status = PLAN_STATUS.next_status(plan.status, "complete")
            plan.completed_on = completed_on
            publish_about(session, plan, PlanCompleted, completed_on=plan.completed_on)
        review_health(session, plan, as_of, rows)


def reach_milestones(rows: list, links: list, leaves: list, as_of: date) -> list:
    """The open milestones whose predecessors are all done, marked done on the day the last
    of them finished (see milestones_reached). Only the links into open milestones are
    expanded (a link into a summary binds every leaf below it, one from a summary every leaf
    below that)."""
    open_milestones = [row for row in leaves if row.milestone and not row.done]
    if not open_milestones:
        return []
    parent_of = {row.id: row.parent_id for row in rows}
    children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            children[row.parent_id].append(row.id)
    milestones_below: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for milestone in open_milestones:
        node = milestone.id
        while node is not None:
            milestones_below[node].append(milestone.id)
            node = parent_of.get(node)
    waiting_on: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for link in links:
        if link.successor_id not in milestones_below:
            continue
        before, pending = [], [link.predecessor_id]
        while pending:
            node = pending.pop()
            below = children.get(node)
            if below:
                pending.extend(below)
            else:
                before.append(node)
        for milestone in milestones_below[link.successor_id]:
            waiting_on[milestone].update(task for task in before if task != milestone)
    involved = {task for tasks in waiting_on.values() for task in tasks} | set(waiting_on)
    by_id = {row.id: row for row in leaves if row.id in involved}
    state = [Leaf(row.id, row.milestone, row.done, row.actual_finish) for row in by_id.values()]
    reached = []
    for task_id, day in milestones_reached(state, waiting_on, as_of).items():
        milestone = by_id[task_id]
        assign(milestone, percent_complete=100.0, actual_start=day, actual_finish=day)
        reached.append(milestone)
    return reached


# Allocations --------------------------------------------------------------------------------


def task_allocations(session: Session, task_id: uuid.UUID) -> list[Allocation]:
    find(session, Task, task_id, "task")
    return list(session.scalars(sa.select(Allocation).where(Allocation.task_id == task_id)))


def allocate_resource(
    session: Session, task_id: uuid.UUID, resource_id: uuid.UUID, hours_per_day: float
) -> Allocation:
    """Allocate a resource to a task for some hours on each of its working days; reschedule."""
    task, plan = task_allowing(session, task_id)
    if task.summary or task.milestone:
        raise _invalid(
            "task_id", "Only tasks with work (not summaries or milestones) take resources."
        )
    resource = session.get(Resource, resource_id)
    if resource is None or not resource.active:
        raise _invalid("resource_id", "No such active resource.")
    taken = session.scalar(
        sa.select(Allocation.id).where(
            Allocation.task_id == task.id, Allocation.resource_id == resource.id
        )
    )
    if taken is not None:
        raise Conflict("This resource is already allocated to the task.")
    allocation = Allocation(task_id=task.id, resource_id=resource_id, hours_per_day=hours_per_day)
    session.add(allocation)
    replan(session, plan)
    return allocation


def remove_allocation(session: Session, allocation_id: uuid.UUID) -> None:
    """Remove an allocation and reschedule."""
    allocation = find(session, Allocation, allocation_id, "allocation")
    _, plan = task_allowing(session, allocation.task_id)
    session.delete(allocation)
    replan(session, plan)

"""Applying the planning rules to stored plans: rescheduling, baselines, progress and health.

Views and event handlers call these inside their one transaction; every change to a plan ends
with :func:`replan`, which renumbers the WBS, schedules the leaf tasks (CPM in working-day
indices) and rolls the figures up into the summary tasks.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning import domain
from services.planning.domain.template import default_cost, default_effort
from services.planning.models import (
    Allocation,
    Baseline,
    BaselineTask,
    Dependency,
    Plan,
    Resource,
    Task,
)
from shared.db import new_id, utcnow
from shared.events.outbox import record

OPEN_STATUSES = ("draft", "active")


def calendar_of(plan: Plan) -> domain.WorkCalendar:
    return domain.WorkCalendar(
        plan.start_date,
        frozenset(plan.working_weekdays),
        frozenset(date.fromisoformat(day) for day in plan.holidays),
    )


def tasks_of(session: Session, plan: Plan) -> list[Task]:
    query = sa.select(Task).where(Task.plan_id == plan.id).order_by(Task.wbs_code, Task.created_at)
    return list(session.scalars(query))


def dependencies_of(session: Session, plan: Plan) -> list[Dependency]:
    query = sa.select(Dependency).where(Dependency.plan_id == plan.id)
    return list(session.scalars(query.order_by(Dependency.created_at)))


def outline_order(tasks: list[Task]) -> list[Task]:
    """Tasks sorted as the WBS reads: 1, 1.1, 1.2, 2 …"""
    return sorted(tasks, key=lambda task: [int(part) for part in task.wbs_code.split(".") if part])


@dataclass
class Network:
    """A plan's tasks as the scheduler sees them: leaves only, summary links expanded."""

    calendar: domain.WorkCalendar
    tree: domain.WbsTree
    tasks: dict[uuid.UUID, Task]
    leaves: list[Task]
    inputs: list[domain.Task]
    links: list[domain.Dependency]

    def leaves_under(self, task_id: uuid.UUID) -> list[uuid.UUID]:
        below = self.tree.descendants(task_id)
        return [node for node in below if not self.tree.children(node)] or [task_id]


def network(
    session: Session,
    plan: Plan,
    tasks: list[Task] | None = None,
    dependencies: list[Dependency] | None = None,
) -> Network:
    """The plan's network, from the database or from the given (not yet stored) rows."""
    tasks = tasks_of(session, plan) if tasks is None else tasks
    by_id = {task.id: task for task in tasks}
    tree = wbs_tree(tasks)
    calendar = calendar_of(plan)
    leaves = [task for task in tasks if not tree.children(task.id)]
    built = Network(calendar, tree, by_id, leaves, [], [])
    built.inputs = [
        domain.Task(task.id, effective_duration(task, calendar), not_before(task, calendar))
        for task in leaves
    ]
    if dependencies is None:
        dependencies = dependencies_of(session, plan)
    for link in dependencies:
        for before in built.leaves_under(link.predecessor_id):
            for after in built.leaves_under(link.successor_id):
                if before != after:
                    built.links.append(
                        domain.Dependency(before, after, domain.DependencyType(link.type), link.lag)
                    )
    return built


def wbs_tree(tasks: Iterable[Task]) -> domain.WbsTree:
    """The outline of `tasks`: who is below whom, in which position."""
    return domain.WbsTree.from_nodes(
        domain.WbsNode(task.id, task.parent_id, task.position) for task in tasks
    )


def effective_duration(task: Task, calendar: domain.WorkCalendar) -> int:
    """The planned duration, or the worked one once the task has finished."""
    if task.milestone:
        return 0
    if task.actual_start and task.actual_finish:
        worked = calendar.working_days_between(
            task.actual_start, task.actual_finish + timedelta(days=1)
        )
        return max(worked, 1)
    return task.duration


def not_before(task: Task, calendar: domain.WorkCalendar) -> int | None:
    """The start constraint: a levelling delay, a rework start, or the actual start."""
    limits = [
        calendar.to_index(day) for day in (task.not_before, task.actual_start) if day is not None
    ]
    return max(limits) if limits else None


def replan(
    session: Session,
    plan: Plan,
    tasks: list[Task] | None = None,
    dependencies: list[Dependency] | None = None,
    *,
    new: bool = False,
) -> domain.Schedule:
    """Renumber the WBS, schedule the leaves, roll up the summaries and move the plan's finish.

    A caller that has read the plan's `tasks` and `dependencies` passes them, so they are not
    read again. A new plan passes them before they are stored (`new`: no allocations yet, and
    nothing to flush), so that the caller writes each row once, complete. Raises the domain's
    ScheduleInputError (a cycle, a self-dependency) or CostRangeError (a task's cost or the
    plan's total past MAX_COST) with nothing changed that the caller's rollback would not undo.
    """
    if tasks is None:
        session.flush()
    built = network(session, plan, tasks, dependencies)
    scheduled = domain.schedule(built.inputs, built.links)
    codes = built.tree.codes()
    for node in built.tree.nodes():
        task = built.tasks[node.id]
        task.position = node.position
        task.wbs_code = codes[node.id]
        task.level = codes[node.id].count(".")
        task.summary = bool(built.tree.children(node.id))
    if not new:
        _apply_allocations(session, built.leaves)
    figures = {}
    for task in built.leaves:
        result = scheduled.tasks[task.id]
        task.start_date, task.finish_date = domain.index_span_to_dates(
            built.calendar, result.early_start, result.early_finish
        )
        task.late_start, task.late_finish = domain.index_span_to_dates(
            built.calendar, result.late_start, result.late_finish
        )
        task.total_float, task.free_float = result.total_float, result.free_float
        task.critical = result.critical
        figures[task.id] = domain.WorkFigures(
            task.start_date,
            task.finish_date,
            task.effort_hours,
            task.cost,
            task.percent_complete,
            result.duration,
        )
    rollups = domain.roll_up(built.tree, figures)
    for task_id, rollup in rollups.items():
        task = built.tasks[task_id]
        below = [scheduled.tasks[leaf] for leaf in built.leaves_under(task_id)]
        task.start_date, task.finish_date = rollup.start, rollup.finish
        task.late_start = min(built.calendar.to_date(item.late_start) for item in below)
        task.late_finish = max(late_finish(built, item) for item in below)
        task.effort_hours, task.cost = rollup.effort, rollup.cost
        task.percent_complete = round(rollup.percent_complete, 2)
        task.duration = built.calendar.working_days_between(
            rollup.start, rollup.finish + timedelta(days=1)
        )
        task.total_float = min(item.total_float for item in below)
        task.free_float = min(item.free_float for item in below)
        task.critical = any(item.critical for item in below)
        task.milestone = False
    domain.check_costs(built.tree, {task_id: task.cost for task_id, task in built.tasks.items()})
    if built.leaves:
        plan.finish_date = max(task.finish_date for task in built.leaves)
    else:
        plan.finish_date = plan.start_date
    plan.updated_at = utcnow()
    if not new:
        session.flush()
    return scheduled


def late_finish(built: Network, item: domain.ScheduledTask) -> date:
    return domain.index_span_to_dates(built.calendar, item.late_start, item.late_finish)[1]


def _apply_allocations(session: Session, leaves: list[Task]) -> None:
    """Effort and cost of allocated tasks follow their allocations; others keep their own."""
    if not leaves:
        return
    # No autoflush: the WBS codes just set would be written twice, now and at the end of replan.
    with session.no_autoflush:
        rows = session.execute(
            sa.select(Allocation.task_id, Allocation.hours_per_day, Resource.cost_rate)
            .join(Resource, Resource.id == Allocation.resource_id)
            .where(Allocation.task_id.in_([task.id for task in leaves]))
        ).all()
    per_task: dict[uuid.UUID, list[tuple[float, Decimal]]] = defaultdict(list)
    for task_id, hours, rate in rows:
        per_task[task_id].append((hours, rate))
    for task in leaves:
        if task.milestone:
            task.effort_hours, task.cost = 0.0, Decimal("0.00")
        elif task.id in per_task:
            hours = sum(hours for hours, _ in per_task[task.id])
            money = sum((Decimal(str(h)) * rate for h, rate in per_task[task.id]), Decimal(0))
            task.effort_hours = hours * task.duration
            task.cost = (money * task.duration).quantize(Decimal("0.01"))


def new_task(plan: Plan, *, name: str, duration: int, milestone: bool = False, **fields) -> Task:
    """A task with the default effort (8 h a working day) and cost when none is given."""
    duration = 0 if milestone else duration
    effort = fields.pop("effort_hours", None)
    effort = default_effort(duration) if effort is None else effort
    cost = fields.pop("cost", None)
    # Set here, not by column defaults at insert: a new plan is scheduled before it is stored.
    progress = {"percent_complete": 0.0, "actual_hours": 0.0, "actual_cost": Decimal("0.00")}
    return Task(
        id=new_id(),
        plan_id=plan.id,
        **progress,
        name=name,
        duration=duration,
        milestone=milestone,
        effort_hours=effort,
        cost=default_cost(effort) if cost is None else cost,
        **fields,
    )


def place(session: Session, plan: Plan, task: Task, parent_id, position: int | None) -> None:
    """Insert ``task`` under ``parent_id`` at ``position`` among its siblings (default last)."""
    siblings = [
        sibling
        for sibling in tasks_of(session, plan)
        if sibling.parent_id == parent_id and sibling.id != task.id
    ]
    siblings.sort(key=lambda sibling: sibling.position)
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(position, task)
    task.parent_id = parent_id
    for rank, sibling in enumerate(siblings):
        sibling.position = rank


def delete_subtree(session: Session, plan: Plan, task: Task) -> list[uuid.UUID]:
    """Remove a task, everything below it, their links and allocations."""
    tree = network(session, plan).tree
    removed = [task.id, *tree.descendants(task.id)]
    session.execute(
        sa.delete(Dependency).where(
            sa.or_(Dependency.predecessor_id.in_(removed), Dependency.successor_id.in_(removed))
        )
    )
    session.execute(sa.delete(Allocation).where(Allocation.task_id.in_(removed)))
    for task_id in reversed(removed):
        session.delete(session.get(Task, task_id))
        session.flush()
    return removed


def link(session: Session, plan: Plan, before: Task, after: Task, type="FS", lag=0) -> Dependency:
    dependency = Dependency(
        plan_id=plan.id,
        predecessor_id=before.id,
        successor_id=after.id,
        type=type,
        lag=lag,
    )
    session.add(dependency)
    return dependency


# Events -------------------------------------------------------------------------------------


def publish(session: Session, plan: Plan, type: str, **data) -> None:
    """Record a plan event carrying the plan's new version."""
    plan.updated_at = utcnow()
    session.flush()
    record(
        session,
        type,
        {"order_id": plan.order_id, "plan_id": plan.id, "version": plan.version, **data},
    )


def requirement_tasks(session: Session, plan: Plan, tasks: list[Task] | None = None) -> list[dict]:
    """The task ids of each requirement, in WBS order (of `tasks` if given, else the stored)."""
    grouped: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for task in outline_order(tasks_of(session, plan) if tasks is None else tasks):
        if task.requirement_id is not None:
            grouped[task.requirement_id].append(task.id)
    return [
        {"requirement_id": requirement_id, "task_ids": ids}
        for requirement_id, ids in grouped.items()
    ]


# Baselines ----------------------------------------------------------------------------------


def baselines_of(session: Session, plan: Plan) -> list[Baseline]:
    query = sa.select(Baseline).where(Baseline.plan_id == plan.id).order_by(Baseline.number)
    return list(session.scalars(query))


def baseline_tasks(session: Session, baseline: Baseline) -> list[BaselineTask]:
    query = sa.select(BaselineTask).where(BaselineTask.baseline_id == baseline.id)
    return list(session.scalars(query))


def take_baseline(session: Session, plan: Plan, reason: str, today: date) -> Baseline:
    tasks = tasks_of(session, plan)
    leaves = [task for task in tasks if not task.summary]
    baseline = Baseline(
        plan_id=plan.id,
        number=len(baselines_of(session, plan)) + 1,
        reason=reason,
        taken_on=today,
        start_date=min((task.start_date for task in leaves), default=plan.start_date),
        finish_date=plan.finish_date,
        effort_hours=sum(task.effort_hours for task in leaves),
        cost=sum((task.cost for task in leaves), Decimal(0)),
    )
    session.add(baseline)
    session.flush()
    for task in tasks:
        session.add(
            BaselineTask(
                baseline_id=baseline.id,
                task_id=task.id,
                wbs_code=task.wbs_code,
                name=task.name,
                summary=task.summary,
                milestone=task.milestone,
                start_date=task.start_date,
                finish_date=task.finish_date,
                effort_hours=task.effort_hours,
                cost=task.cost,
            )
        )
    return baseline


def slip_days(plan: Plan, first: Baseline) -> int:
    """Working days the plan's finish lies after baseline 1's finish (negative: earlier)."""
    calendar = calendar_of(plan)
    return calendar.to_index(plan.finish_date) - calendar.to_index(first.finish_date)


def rebaseline(
    session: Session, plan: Plan, reason: str, today: date, extra: dict | None = None
) -> Baseline | None:
    """Take the next baseline and publish ``ordo.plan.rebaselined``; None before activation."""
    earlier = baselines_of(session, plan)
    if not earlier:
        return None
    baseline = take_baseline(session, plan, reason, today)
    publish(
        session,
        plan,
        "ordo.plan.rebaselined",
        baseline_number=baseline.number,
        finish_date=plan.finish_date,
        previous_finish_date=earlier[-1].finish_date,
        slip_days=slip_days(plan, earlier[0]),
        reason=reason,
        **(extra or {}),
    )
    return baseline


# Earned value, progress and health ----------------------------------------------------------


def earned_value(
    session: Session,
    plan: Plan,
    as_of: date,
    number: int | None = None,
    tasks: list[Task] | None = None,
) -> domain.EarnedValue | None:
    """EV as of a date against a baseline (default the latest); None before activation.

    `tasks` are the plan's tasks when the caller has them already."""
    baselines = baselines_of(session, plan)
    if number is not None:
        baselines = [baseline for baseline in baselines if baseline.number == number]
    if not baselines:
        return None
    current = {task.id: task for task in (tasks_of(session, plan) if tasks is None else tasks)}
    items = []
    for planned in baseline_tasks(session, baselines[-1]):
        if planned.summary:
            continue
        task = current.get(planned.task_id)
        items.append(
            domain.EarnedValueTask(
                planned.start_date,
                planned.finish_date,
                planned.cost,
                task.percent_complete if task else 0.0,
                task.actual_cost if task else Decimal(0),
            )
        )
    return domain.earned_value(items, as_of, calendar_of(plan))


def settle(session: Session, plan: Plan, as_of: date, reached: list[Task] = ()) -> None:
    """After progress: reach milestones whose predecessors are done, complete the plan when
    every task is done, and publish a change of health."""
    reached = list(reached)
    tasks, dependencies = tasks_of(session, plan), dependencies_of(session, plan)
    built = network(session, plan, tasks, dependencies)
    waiting_on: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for dependency in built.links:
        waiting_on[dependency.successor].add(dependency.predecessor)
    changed = True
    while changed:
        changed = False
        for task in built.leaves:
            before = [built.tasks[task_id] for task_id in waiting_on[task.id]]
            if task.milestone and not task.done and before and all(t.done for t in before):
                day = max((t.actual_finish or as_of for t in before), default=as_of)
                task.percent_complete = 100.0
                task.actual_start = task.actual_finish = day
                reached.append(task)
                changed = True
    for milestone in reached:
        publish(
            session,
            plan,
            "ordo.milestone.reached",
            task_id=milestone.id,
            name=milestone.name,
            reached_on=milestone.actual_finish or as_of,
        )
    replan(session, plan, tasks, dependencies)
    if plan.status == "active" and built.leaves and all(task.done for task in built.leaves):
        plan.status = "completed"
        plan.completed_on = max(task.actual_finish or as_of for task in built.leaves)
        publish(session, plan, "ordo.plan.completed", completed_on=plan.completed_on)
    review_health(session, plan, as_of, tasks)


def review_health(
    session: Session, plan: Plan, as_of: date, tasks: list[Task] | None = None
) -> None:
    """Publish ``ordo.plan.status_changed`` when earned value moves the plan's health."""
    if plan.status not in ("active", "completed"):
        return
    figures = earned_value(session, plan, as_of, tasks=tasks)
    if figures is None:
        return
    status = str(figures.status)
    if status == plan.health:
        return
    previous, plan.health = plan.health, status
    publish(
        session,
        plan,
        "ordo.plan.status_changed",
        status=status,
        previous_status=previous,
        spi=None if figures.spi is None else float(figures.spi),
        cpi=None if figures.cpi is None else float(figures.cpi),
        forecast_finish=figures.forecast_finish,
    )

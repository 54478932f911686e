"""A plan's network as stored: reading its tasks and links, editing its outline, rescheduling.

Every change to a plan ends with :func:`replan`, which renumbers the WBS, schedules the leaf
tasks (CPM in working-day indices) and rolls the figures up into the summary tasks. What the
scheduler refuses (a cycle, dates past what a calendar holds, costs past what money holds)
comes out as a RuleViolation naming the tasks at fault.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.scheduling import (
    CycleError,
    DependencyType,
    Schedule,
    ScheduledTask,
    ScheduleInputError,
    index_span_to_dates,
    schedule,
)
from services.planning.domain.scheduling import Dependency as SchedulerDependency
from services.planning.domain.scheduling import Task as SchedulerTask
from services.planning.domain.status import require_plan_allows
from services.planning.domain.template import default_cost, default_effort
from services.planning.domain.wbs import (
    MAX_COST,
    CostRangeError,
    WbsError,
    WbsNode,
    WbsTree,
    WorkFigures,
    check_costs,
    roll_up,
)
from services.planning.models import Allocation, Dependency, Plan, Resource, Task
from shared.db import new_id, utcnow
from shared.errors import RuleViolation
from shared.usecases import find


def plan_allowing(session: Session, plan_id: uuid.UUID, action: str = "edit") -> Plan:
    """The plan, if its status allows `action` (NotFound, TransitionNotAllowed otherwise)."""
    plan = find(session, Plan, plan_id, "plan")
    require_plan_allows(plan.status, action)
    return plan


def task_allowing(session: Session, task_id: uuid.UUID, action: str = "edit") -> tuple[Task, Plan]:
    """The task and its plan, if the plan's status allows `action`."""
    task = find(session, Task, task_id, "task")
    plan = session.get(Plan, task.plan_id)
    require_plan_allows(plan.status, action)
    return task, plan


def calendar_of(plan: Plan) -> WorkCalendar:
    return WorkCalendar(
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


def links_of(session: Session, plan: Plan) -> list[sa.Row]:
    """The plan's links as plain rows (predecessor_id, successor_id, type, lag): what the
    scheduler reads, without the cost of an ORM object each."""
    query = sa.select(
        Dependency.predecessor_id, Dependency.successor_id, Dependency.type, Dependency.lag
    ).where(Dependency.plan_id == plan.id)
    return list(session.execute(query.order_by(Dependency.created_at)))


def outline_order(tasks: list[Task]) -> list[Task]:
    """Tasks sorted as the WBS reads: 1, 1.1, 1.2, 2 …"""
    return sorted(tasks, key=lambda task: [int(part) for part in task.wbs_code.split(".") if part])


@dataclass
class Network:
    """A plan's tasks as the scheduler sees them: leaves only, summary links expanded."""

    calendar: WorkCalendar
    tree: WbsTree
    tasks: dict[uuid.UUID, Task]
    leaves: list[Task]
    inputs: list[SchedulerTask]
    links: list[SchedulerDependency]

    def leaves_under(self, task_id: uuid.UUID) -> list[uuid.UUID]:
        below = self.tree.descendants(task_id)
        return [node for node in below if not self.tree.children(node)] or [task_id]


def network(
    session: Session,
    plan: Plan,
    tasks: list[Task] | None = None,
    dependencies: list[Dependency] | None = None,
    status_date: date | None = None,
) -> Network:
    """The plan's network, from the database or from the given (not yet stored) rows, as of
    `status_date` (default the plan's)."""
    tasks = tasks_of(session, plan) if tasks is None else tasks
    by_id = {task.id: task for task in tasks}
    tree = wbs_tree(tasks)
    calendar = calendar_of(plan)
    leaves = [task for task in tasks if not tree.children(task.id)]
    built = Network(calendar, tree, by_id, leaves, [], [])
    status_date = status_date or plan.status_date
    status_index = None if status_date is None else calendar.to_index(status_date)
    built.inputs = [scheduler_task(task, calendar, status_index) for task in leaves]
    if dependencies is None:
        dependencies = links_of(session, plan)
    for link in dependencies:
        for before in built.leaves_under(link.predecessor_id):
            for after in built.leaves_under(link.successor_id):
                if before != after:
                    built.links.append(
                        SchedulerDependency(before, after, DependencyType(link.type), link.lag)
                    )
    return built


def wbs_tree(tasks: Iterable[Task]) -> WbsTree:
    """The outline of `tasks`: who is below whom, in which position."""
    return WbsTree.from_nodes(WbsNode(task.id, task.parent_id, task.position) for task in tasks)


def scheduler_task(task: Task, calendar: WorkCalendar, status_index: int | None) -> SchedulerTask:
    """A leaf as the scheduler sees it, as of the plan's status date (index; None: no report yet).

    Actuals are facts: a task with an actual start is pinned there (done: for the working days
    it took; in progress: until its remaining duration, duration x (1 - progress), has run
    from the status date). Work not started cannot start before the status date.
    """
    duration = effective_duration(task, calendar, status_index)
    started = task.actual_start or (task.actual_finish if task.done else None)
    if started is not None:
        # A milestone at index i marks the end of the working day before i.
        day = started + timedelta(days=1) if task.milestone else started
        return SchedulerTask(task.id, duration, None, calendar.to_index(day))
    limit = not_before(task, calendar)
    if status_index is not None:
        limit = status_index if limit is None else max(limit, status_index)
    return SchedulerTask(task.id, duration, limit)


def effective_duration(task: Task, calendar: WorkCalendar, status_index: int | None = None) -> int:
    """The planned duration; the worked one once the task has finished; for a task in progress
    as of a status date, the days worked so far plus the remaining duration from that date."""
    if task.milestone:
        return 0
    if task.actual_start and task.actual_finish:
        worked = calendar.working_days_between(
            task.actual_start, task.actual_finish + timedelta(days=1)
        )
        return max(worked, 1)
    if task.actual_start and status_index is not None:
        remaining = remaining_days(task.duration, task.percent_complete)
        started = calendar.to_index(task.actual_start)
        return max(status_index - started, 0) + remaining
    return task.duration


def remaining_days(duration: int, percent_complete: float) -> int:
    """Working days left of a task `percent_complete` % done: duration x (1 - progress),
    rounded up (a task not finished has at least a day left)."""
    if percent_complete >= 100:
        return 0
    left = math.ceil(duration * (100 - percent_complete) / 100 - 1e-9)
    return max(left, 1) if duration > 0 else 0


def not_before(task: Task, calendar: WorkCalendar) -> int | None:
    """The start constraint: a levelling delay or a rework start."""
    limits = [calendar.to_index(day) for day in (task.not_before,) if day is not None]
    return max(limits) if limits else None


def replan(
    session: Session,
    plan: Plan,
    tasks: list[Task] | None = None,
    dependencies: list[Dependency] | None = None,
    *,
    new: bool = False,
) -> Schedule:
    """Renumber the WBS, schedule the leaves, roll up the summaries and move the plan's finish.

    A caller that has read the plan's `tasks` and `dependencies` passes them, so they are not
    read again. A new plan passes them before they are stored (`new`: no allocations yet, and
    nothing to flush), so that the caller writes each row once, complete. Raises RuleViolation
    (a cycle, a self-dependency, a task's cost or the plan's total past MAX_COST) with nothing
    changed that the caller's rollback would not undo.
    """
    if tasks is None:
        session.flush()
    with schedule_refusals(session):
        return _replan(session, plan, tasks, dependencies, new)


def _replan(
    session: Session,
    plan: Plan,
    tasks: list[Task] | None,
    dependencies: list[Dependency] | None,
    new: bool,
) -> Schedule:
    built = network(session, plan, tasks, dependencies)
    scheduled = schedule(built.inputs, built.links)
    write = ScheduleWrites()
    codes = built.tree.codes()
    for node in built.tree.nodes():
        code = codes[node.id]
        write(
            built.tasks[node.id],
            position=node.position,
            wbs_code=code,
            level=code.count("."),
            summary=bool(built.tree.children(node.id)),
        )
    if not new:
        _apply_allocations(session, built.leaves, write)
    figures = {}
    for task in built.leaves:
        result = scheduled.tasks[task.id]
        start, finish = index_span_to_dates(built.calendar, result.early_start, result.early_finish)
        late_start, late_end = index_span_to_dates(
            built.calendar, result.late_start, result.late_finish
        )
        write(
            task,
            start_date=start,
            finish_date=finish,
            late_start=late_start,
            late_finish=late_end,
            total_float=result.total_float,
            free_float=result.free_float,
            critical=result.critical,
        )
        figures[task.id] = WorkFigures(
            task.start_date,
            task.finish_date,
            task.effort_hours,
            task.cost,
            task.percent_complete,
            result.duration,
        )
    rollups = roll_up(built.tree, figures)
    for task_id, rollup in rollups.items():
        below = [scheduled.tasks[leaf] for leaf in built.leaves_under(task_id)]
        write(
            built.tasks[task_id],
            start_date=rollup.start,
            finish_date=rollup.finish,
            late_start=min(built.calendar.to_date(item.late_start) for item in below),
            late_finish=max(late_finish(built, item) for item in below),
            effort_hours=rollup.effort,
            cost=rollup.cost,
            percent_complete=round(rollup.percent_complete, 2),
            duration=built.calendar.working_days_between(
                rollup.start, rollup.finish + timedelta(days=1)
            ),
            total_float=min(item.total_float for item in below),
            free_float=min(item.free_float for item in below),
            critical=any(item.critical for item in below),
            milestone=False,
        )
    check_costs(built.tree, {task_id: task.cost for task_id, task in built.tasks.items()})
    if built.leaves:
        plan.finish_date = max(task.finish_date for task in built.leaves)
    else:
        plan.finish_date = plan.start_date
    plan.updated_at = utcnow()
    if not new:
        write.flush(session)
        session.flush()
    return scheduled


def assign(row, **values) -> None:
    """Set the values that differ: a row rescheduled to where it was stays out of the flush,
    so a change costs the rows it moves, not the whole plan."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


class ScheduleWrites:
    """The figures a replan gives the rows: a row the caller has changed takes them through the
    ORM (its own UPDATE, version-checked, at flush); a row the replan alone moves takes them as
    committed values, written for all such rows by one executemany UPDATE per set of columns
    (`flush`), its version raised by one. The ORM cannot batch versioned UPDATEs, and a
    progress report that moves a chain moves hundreds of rows. The plan's own version guards
    against a concurrent replan: its UPDATE at flush is version-checked."""

    def __init__(self) -> None:
        self.pending: dict[uuid.UUID, tuple[Task, dict]] = {}

    def __call__(self, row: Task, **values) -> None:
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            return
        state = sa.inspect(row)
        if not state.persistent or state.modified:
            for name, value in changed.items():
                setattr(row, name, value)
            return
        for name, value in changed.items():
            set_committed_value(row, name, value)
        self.pending.setdefault(row.id, (row, {}))[1].update(changed)

    def flush(self, session: Session) -> None:
        table = Task.__table__
        groups: dict[frozenset, list[dict]] = defaultdict(list)
        for task_id, (row, changed) in self.pending.items():
            groups[frozenset(changed)].append({"task_id": task_id, **changed})
            set_committed_value(row, "version", row.version + 1)
        for columns, rows in groups.items():
            update = (
                sa.update(table)
                .where(table.c.id == sa.bindparam("task_id"))
                .values({name: sa.bindparam(name) for name in columns})
                .values(version=table.c.version + 1)
            )
            session.execute(update, rows)
        self.pending.clear()


@contextmanager
def schedule_refusals(session: Session) -> Iterator[None]:
    """What the scheduler refuses (a cycle, dates past the calendar's end, costs past what
    money holds) as a RuleViolation naming the tasks at fault."""
    try:
        yield
    except CycleError as cycle:
        tasks = [session.get(Task, task_id) for task_id in cycle.cycle]
        names = " -> ".join(task.name for task in [*tasks, tasks[0]])
        raise RuleViolation(
            detail=f"The dependencies would form a cycle: {names}.",
            cycle=[
                {"id": str(task.id), "wbs_code": task.wbs_code, "name": task.name} for task in tasks
            ],
        ) from None
    except CostRangeError as refused:
        if refused.node_id is None:
            what = "the plan's total cost"
        else:
            with session.no_autoflush:  # the refused figures must not reach the database
                task = session.get(Task, refused.node_id)
            what = f"the cost of {task.wbs_code} {task.name}"
        raise RuleViolation(
            detail=f"The plan cannot be costed: {what} would come to {refused.cost}, "
            f"more than {MAX_COST}.",
            max_cost=str(MAX_COST),
        ) from None
    except (ScheduleInputError, WbsError) as refused:
        raise RuleViolation(detail=f"The plan cannot be scheduled: {refused}.") from None


def late_finish(built: Network, item: ScheduledTask) -> date:
    return index_span_to_dates(built.calendar, item.late_start, item.late_finish)[1]


def _apply_allocations(session: Session, leaves: list[Task], write=assign) -> None:
    """Effort and cost of allocated tasks follow their allocations; others keep their own."""
    if not leaves:
        return
    # No autoflush: the WBS codes just set would be written twice, now and at the end of replan.
    with session.no_autoflush:
        rows = session.execute(
            sa.select(Allocation.task_id, Allocation.hours_per_day, Resource.cost_rate)
            .join(Resource, Resource.id == Allocation.resource_id)
            .join(Task, Task.id == Allocation.task_id)
            .where(Task.plan_id == leaves[0].plan_id)
        ).all()
    per_task: dict[uuid.UUID, list[tuple[float, Decimal]]] = defaultdict(list)
    for task_id, hours, rate in rows:
        per_task[task_id].append((hours, rate))
    for task in leaves:
        if task.milestone:
            write(task, effort_hours=0.0, cost=Decimal("0.00"))
        elif task.id in per_task:
            hours = sum(hours for hours, _ in per_task[task.id])
            money = sum((Decimal(str(h)) * rate for h, rate in per_task[task.id]), Decimal(0))
            cost = (money * task.duration).quantize(Decimal("0.01"))
            write(task, effort_hours=hours * task.duration, cost=cost)


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


def place(
    session: Session,
    plan: Plan,
    task: Task,
    parent_id,
    position: int | None,
    tasks: list[Task] | None = None,
) -> None:
    """Insert ``task`` under ``parent_id`` at ``position`` among its siblings (default last),
    among the plan's `tasks` if the caller has read them."""
    siblings = [
        sibling
        for sibling in (tasks_of(session, plan) if tasks is None else tasks)
        if sibling.parent_id == parent_id and sibling.id != task.id
    ]
    siblings.sort(key=lambda sibling: sibling.position)
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(position, task)
    task.parent_id = parent_id
    for rank, sibling in enumerate(siblings):
        assign(sibling, position=rank)


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

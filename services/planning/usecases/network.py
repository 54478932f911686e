"""A plan's network as stored: reading its tasks and links, editing its outline, rescheduling.

Every change to a plan ends with :func:`replan`, which renumbers the WBS, schedules the leaf
tasks (CPM in working-day indices) and rolls the figures up into the summary tasks. What the
scheduler refuses (a cycle, dates past what a calendar holds, costs past what money holds)
comes out as a RuleViolation naming the tasks at fault.

A change reads the plan as plain rows (:func:`plan_rows`, :func:`plan_links`: the columns the
outline, the scheduler and the roll-up need, no ORM object per task) with the few tasks the
session holds as objects (the one a request changes, a new one) in their place, and writes only
the rows whose stored figures moved, in one executemany UPDATE per set of columns.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.progress import remaining_days
from services.planning.domain.scheduling import (
    LATEST_SCHEDULED_DAY,
    CycleError,
    DependencyType,
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


@dataclass(slots=True)
class TaskRow:
    """A stored task as a replan reads it: the values of its row, without an ORM object.

    Values set on it outside a replan (a sibling's position, a milestone reached) are named in
    `unsaved`, so that the replan that follows writes them with its own."""

    plan_id: uuid.UUID
    id: uuid.UUID
    parent_id: uuid.UUID | None
    position: int
    wbs_code: str
    level: int
    name: str
    origin: str
    requirement_id: uuid.UUID | None
    milestone: bool
    summary: bool
    duration: int
    effort_hours: float
    cost: Decimal
    not_before: date | None
    percent_complete: float
    actual_start: date | None
    actual_finish: date | None
    actual_cost: Decimal
    start_date: date | None
    finish_date: date | None
    late_start: date | None
    late_finish: date | None
    total_float: int
    free_float: int
    critical: bool
    unsaved: frozenset = frozenset()

    @property
    def done(self) -> bool:
        return self.percent_complete >= 100


# The plan's id is known: not read 2,000 times over.
_ROW_COLUMNS = [
    getattr(Task, field.name)
    for field in fields(TaskRow)
    if field.name not in ("plan_id", "unsaved")
]


# The statements every change runs, built once: building a statement and its cache key cost
# more CPU than PostgreSQL took to run it. WBS codes are digits and dots: no LIKE wildcard.
_PLAN_ROWS = (
    sa.select(*_ROW_COLUMNS)
    .where(Task.plan_id == sa.bindparam("plan_id"))
    .order_by(Task.wbs_code, Task.created_at)
)
_ROWS_UNDER_TOP = (
    sa.select(*_ROW_COLUMNS)
    .where(
        Task.plan_id == sa.bindparam("plan_id"),
        sa.or_(Task.wbs_code == sa.bindparam("top"), Task.wbs_code.like(sa.bindparam("below"))),
    )
    .order_by(Task.wbs_code, Task.created_at)
)
_PLAN_LINKS = (
    sa.select(Dependency.predecessor_id, Dependency.successor_id, Dependency.type, Dependency.lag)
    .where(Dependency.plan_id == sa.bindparam("plan_id"))
    .order_by(Dependency.created_at)
)
_LINK_TOUCHING = (
    sa.select(Dependency.id)
    .where(
        sa.or_(
            Dependency.predecessor_id.in_(sa.bindparam("ids", expanding=True)),
            Dependency.successor_id.in_(sa.bindparam("ids", expanding=True)),
        )
    )
    .limit(1)
)
_TOP_LEVEL_COSTS = sa.select(Task.id, Task.cost).where(
    Task.plan_id == sa.bindparam("plan_id"), Task.parent_id.is_(None)
)


def plan_rows(session: Session, plan: Plan) -> list[TaskRow | Task]:
    """The plan's tasks in stored order as plain rows, except those the session holds as
    objects (changed, new, or merely loaded), which stand in their own place: a replan then
    writes those through the ORM, version-checked, and keeps them current. Nothing is flushed."""
    rows = _rows(session, plan, _PLAN_ROWS, plan_id=plan.id)
    rows.extend(task for task in session.new if isinstance(task, Task) and task.plan_id == plan.id)
    return rows


def _rows(session: Session, plan: Plan, query: sa.Select, **values) -> list[TaskRow | Task]:
    """The stored tasks `query` selects with `values`, as :func:`plan_rows` gives them."""
    # On the connection: no autoflush, and none of the ORM's per-row loading.
    stored = session.connection().execute(query, values)
    rows: list[TaskRow | Task] = [TaskRow(plan.id, *row) for row in stored.all()]
    with session.no_autoflush:
        held = {
            task.id: task
            for task in session.identity_map.values()
            if isinstance(task, Task) and task.plan_id == plan.id
        }
    gone = {task.id for task in session.deleted if isinstance(task, Task)}
    return [held.get(row.id, row) for row in rows if row.id not in gone]


def plan_links(session: Session, plan: Plan) -> list:
    """The plan's links as plain rows (as :func:`links_of` reads them, without a flush), with
    the session's unflushed additions and removals applied."""
    stored = session.connection().execute(_PLAN_LINKS, {"plan_id": plan.id}).all()
    gone = {
        (link.predecessor_id, link.successor_id)
        for link in session.deleted
        if isinstance(link, Dependency)
    }
    if gone:
        stored = [row for row in stored if (row.predecessor_id, row.successor_id) not in gone]
    added = [
        link for link in session.new if isinstance(link, Dependency) and link.plan_id == plan.id
    ]
    return [*stored, *added]


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
    expanded: dict[uuid.UUID, list[uuid.UUID]] = {}
    for link in dependencies:
        befores = expanded.get(link.predecessor_id)
        if befores is None:
            befores = expanded[link.predecessor_id] = built.leaves_under(link.predecessor_id)
        afters = expanded.get(link.successor_id)
        if afters is None:
            afters = expanded[link.successor_id] = built.leaves_under(link.successor_id)
        kind = DependencyType(link.type)
        for before in befores:
            for after in afters:
                if before != after:
                    built.links.append(SchedulerDependency(before, after, kind, link.lag))
    return built


def wbs_tree(tasks: Iterable[Task | TaskRow]) -> WbsTree:
    """The outline of `tasks`: who is below whom, in which position (a task is read as its
    own WbsNode: it has the id, parent_id and position the tree reads)."""
    return WbsTree.from_nodes(tasks)


def scheduler_task(
    task: Task, calendar: WorkCalendar, status_index: int | None, key=None
) -> SchedulerTask:
    """A leaf as the scheduler sees it, as of the plan's status date (index; None: no report
    yet), under its id (or `key`).

    Actuals are facts: a task with an actual start is pinned there (done: for the working days
    it took; in progress: until its remaining duration, duration x (1 - progress), has run
    from the status date). Work not started cannot start before the status date.
    """
    duration = effective_duration(task, calendar, status_index)
    started = task.actual_start or (task.actual_finish if task.done else None)
    if started is not None:
        # A milestone at index i marks the end of the working day before i.
        day = started + timedelta(days=1) if task.milestone else started
        return SchedulerTask(
            task.id if key is None else key, duration, None, calendar.to_index(day)
        )
    limit = not_before(task, calendar)
    if status_index is not None:
        limit = status_index if limit is None else max(limit, status_index)
    return SchedulerTask(task.id if key is None else key, duration, limit)


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
    changed: Iterable[uuid.UUID] | None = None,
) -> None:
    """Renumber the WBS, schedule the leaves, roll up the summaries and move the plan's finish.

    A caller that has read the plan's `tasks` (:func:`plan_rows`) and `dependencies` passes
    them, so they are not read again. A new plan passes them before they are stored (`new`: no
    allocations yet, and nothing to flush), so that the caller writes each row once, complete.
    A caller that knows which tasks it `changed` (their figures, or their place: the old parent
    of a moved task too) names them: then only the summaries above those and above the leaves
    the schedule moves are rolled up again; otherwise (a deletion, say) every summary is.
    Raises RuleViolation (a cycle, a self-dependency, a task's cost or the plan's total past
    MAX_COST) with nothing changed that the caller's rollback would not undo.
    """
    if tasks is None:
        session.flush()
    with schedule_refusals(session):
        _replan(session, plan, tasks, dependencies, new, changed)


class _Node(NamedTuple):
    """A task's place in the outline, by its number among the plan's rows (a WbsNode)."""

    id: int
    parent_id: int | None
    position: int


def _replan(
    session: Session,
    plan: Plan,
    tasks: list[Task | TaskRow] | None,
    dependencies: list[Dependency] | None,
    new: bool,
    changed: Iterable[uuid.UUID] | None,
) -> None:
    # Tasks are numbered by their place in `rows`: every look-up below hashes an int, not a
    # UUID (whose hash and equality are Python code), which is most of what a replan costs.
    rows = plan_rows(session, plan) if tasks is None else tasks
    if dependencies is None:
        dependencies = plan_links(session, plan)
    number = {row.id: n for n, row in enumerate(rows)}
    try:
        tree = WbsTree.from_nodes(
            _Node(n, None if row.parent_id is None else number[row.parent_id], row.position)
            for n, row in enumerate(rows)
        )
    except KeyError as missing:
        raise WbsError(f"a task has unknown parent {missing.args[0]!r}") from None
    calendar = calendar_of(plan)
    codes = tree.codes()
    summaries = {node for node in codes if tree.children(node)}
    leaves = [n for n in range(len(rows)) if n not in summaries]
    status_index = None if plan.status_date is None else calendar.to_index(plan.status_date)
    inputs = [scheduler_task(rows[n], calendar, status_index, key=n) for n in leaves]
    with _in_task_ids(rows):
        scheduled = schedule(inputs, _leaf_links(tree, summaries, number, dependencies)).tasks

    write = ScheduleWrites()
    moved = {number[task_id] for task_id in changed or () if task_id in number}
    for parent in (None, *summaries):
        for position, node in enumerate(tree.children(parent)):
            code, row = codes[node], rows[node]
            summary = node in summaries
            if (row.position, row.wbs_code, row.summary) == (position, code, summary):
                continue  # the level follows the code
            write(row, position=position, wbs_code=code, level=code.count("."), summary=summary)
            moved.add(node)
    if not new:
        _apply_allocations(session, [rows[n] for n in leaves], write)
    span = _SpanDates(calendar)
    spans = {}
    for n in leaves:
        row, result = rows[n], scheduled[n]
        start, finish = span(result.early_start, result.early_finish)
        late_start, late_end = span(result.late_start, result.late_finish)
        now = (start, finish, late_start, late_end, *result[6:9])
        stored = (
            row.start_date,
            row.finish_date,
            row.late_start,
            row.late_finish,
            row.total_float,
            row.free_float,
            row.critical,
        )
        if stored != now:
            write(
                row,
                start_date=start,
                finish_date=finish,
                late_start=late_start,
                late_finish=late_end,
                total_float=result.total_float,
                free_float=result.free_float,
                critical=result.critical,
            )
            moved.add(n)
        spans[n] = start, finish, result.duration
    above = tree if changed is None else _outline_above(tree, moved)
    figures = {}
    for n in leaves:
        if n in above:
            row, (start, finish, duration) = rows[n], spans[n]
            figures[n] = WorkFigures(
                start, finish, row.effort_hours, row.cost, row.percent_complete, duration
            )
    for node, rollup in roll_up(above, figures).items():
        below = [scheduled[leaf] for leaf in tree.descendants(node) if leaf not in summaries]
        write(
            rows[node],
            start_date=rollup.start,
            finish_date=rollup.finish,
            late_start=span.day(min(item.late_start for item in below)),
            late_finish=max(span(item.late_start, item.late_finish)[1] for item in below),
            effort_hours=rollup.effort,
            cost=rollup.cost,
            percent_complete=round(rollup.percent_complete, 2),
            duration=calendar.working_days_between(rollup.start, rollup.finish + timedelta(days=1)),
            total_float=min(item.total_float for item in below),
            free_float=min(item.free_float for item in below),
            critical=any(item.critical for item in below),
            milestone=False,
        )
    with _in_task_ids(rows):
        check_costs(above, {n: rows[n].cost for n in above.codes()})
    if leaves:
        plan.finish_date = max(finish for _, finish, _ in spans.values())
    else:
        plan.finish_date = plan.start_date
    plan.updated_at = utcnow()
    if not new:
        write.unsaved(rows)
        write.flush(session)
        session.flush()


def _leaf_links(
    tree: WbsTree,
    summaries: set[int],
    number: dict[uuid.UUID, int],
    dependencies: Iterable,
) -> list[SchedulerDependency]:
    """The links between leaves: a link from or to a summary stands for links from or to every
    leaf below it."""
    below: dict[int, list[int]] = {}

    def leaves_under(node: int) -> list[int]:
        found = below.get(node)
        if found is None:
            if node in summaries:
                found = [leaf for leaf in tree.descendants(node) if leaf not in summaries]
            else:
                found = [node]
            below[node] = found
        return found

    links = []
    for link in dependencies:
        kind = _LINK_TYPES.get(link.type)
        before, after = number.get(link.predecessor_id), number.get(link.successor_id)
        if kind is None or before is None or after is None:
            raise ScheduleInputError(
                f"the link {link.predecessor_id} -> {link.successor_id} is not valid"
            )
        if before not in summaries and after not in summaries and before != after:
            links.append(SchedulerDependency(before, after, kind, link.lag))
            continue
        for first in leaves_under(before):
            for second in leaves_under(after):
                if first != second:
                    links.append(SchedulerDependency(first, second, kind, link.lag))
    return links


_LINK_TYPES = {str(kind): kind for kind in DependencyType}


@contextmanager
def _in_task_ids(rows: list[Task | TaskRow]) -> Iterator[None]:
    """Refusals that name tasks by their number among `rows` name them by id instead."""
    try:
        yield
    except CycleError as cycle:
        raise CycleError([rows[n].id for n in cycle.cycle]) from None
    except CostRangeError as refused:
        node = None if refused.node_id is None else rows[refused.node_id].id
        raise CostRangeError(node, refused.cost) from None


def append_leaf(session: Session, plan: Plan, task: Task, parent: Task | None) -> bool:
    """Add the new `task` as the last child of `parent` (a summary; None: the top level) by
    reading only the tasks under the top-level task above it, when that is all it moves: no
    link binds it (none touches `parent` or a task above it) and it finishes within the plan's
    finish, so no other task's dates or floats change, no code is renumbered, and only the
    summaries above it are rolled up again. False, with nothing done, otherwise: the caller
    then places it and replans the plan in full."""
    calendar = calendar_of(plan)
    finish = calendar.to_index(plan.finish_date) + 1
    if finish <= 1:  # a plan finishing on its first day: its finish index is 0 or 1
        return False
    if parent is None:
        above, rows = [], []
        siblings = session.scalar(
            sa.select(sa.func.count()).where(Task.plan_id == plan.id, Task.parent_id.is_(None))
        )
        code = str(siblings + 1)
    else:
        codes = parent.wbs_code.split(".")
        rows = _rows_under_top(session, plan, parent.wbs_code)
        above = _above(rows, parent.wbs_code, including=True)
        siblings = sum(1 for row in rows if row.parent_id == parent.id)
        linked = session.connection().scalar(_LINK_TOUCHING, {"ids": [row.id for row in above]})
        if len(above) != len(codes) or not siblings or linked is not None:
            return False
        code = f"{parent.wbs_code}.{siblings + 1}"
    status_index = None if plan.status_date is None else calendar.to_index(plan.status_date)
    # The rest of the plan, as far as an unlinked task sees it: its finish.
    rest = SchedulerTask("the rest of the plan", 0, None, finish)
    span = _SpanDates(calendar)
    try:
        result = schedule([scheduler_task(task, calendar, status_index), rest], []).tasks[task.id]
        if result.early_finish > finish:
            return False
        start, end = span(result.early_start, result.early_finish)
        late_start, late_end = span(result.late_start, result.late_finish)
    except ScheduleInputError:
        return False
    task.parent_id, task.position, task.wbs_code = parent and parent.id, siblings, code
    task.level, task.summary = code.count("."), False
    task.start_date, task.finish_date = start, end
    task.late_start, task.late_finish = late_start, late_end
    task.total_float, task.free_float, task.critical = result[6:9]
    rows = [*rows, task]
    updates = _rolled_up(span, rows, above, status_index)
    if updates is None:
        return False
    tops = dict(session.connection().execute(_TOP_LEVEL_COSTS, {"plan_id": plan.id}).all())
    costs = {**tops, **{row.id: row.cost for row in rows}}
    costs.update((summary, values["cost"]) for summary, values in updates.items())
    in_rows = {row.id for row in rows}
    nodes = [WbsNode(top, None, 0) for top in tops if top not in in_rows]
    try:
        check_costs(WbsTree.from_nodes([*nodes, *rows]), costs)
    except CostRangeError:
        return False  # the full replan names the task at fault
    write = ScheduleWrites()
    for summary in above:
        write(summary, **updates[summary.id])
    write.flush(session)
    session.add(task)
    plan.updated_at = utcnow()
    session.flush()
    return True


def _rows_under_top(session: Session, plan: Plan, wbs_code: str) -> list[Task | TaskRow]:
    """The rows of the top-level task above the task coded `wbs_code`, and of all below it."""
    top = wbs_code.split(".")[0]
    return _rows(session, plan, _ROWS_UNDER_TOP, plan_id=plan.id, top=top, below=f"{top}.%")


def _above(rows: list[Task | TaskRow], wbs_code: str, *, including: bool = False) -> list:
    """The rows above the task coded `wbs_code` (and that task, `including` it), top first."""
    codes = wbs_code.split(".")
    depths = range(1, len(codes) + 1 if including else len(codes))
    wanted = {".".join(codes[:depth]) for depth in depths}
    return [row for row in rows if row.wbs_code in wanted]


def roll_up_above(session: Session, plan: Plan, task: Task) -> bool:
    """After a change that moves no input of the schedule (progress.keeps_the_schedule), roll
    the summaries above `task` up again from the stored figures of the leaves under its
    top-level task, without reading or rescheduling the rest of the plan. False, with nothing
    written, where the stored dates do not tell those figures: the caller then replans."""
    if task.parent_id is not None:
        rows = _rows_under_top(session, plan, task.wbs_code)
        above = _above(rows, task.wbs_code)
        calendar = calendar_of(plan)
        updates = _rolled_up(_SpanDates(calendar), rows, above, calendar.to_index(plan.status_date))
        if updates is None:
            return False
        write = ScheduleWrites()
        for summary in above:
            write(summary, **updates[summary.id])
        write.flush(session)
    plan.updated_at = utcnow()
    session.flush()
    return True


def _rolled_up(
    span: _SpanDates, rows: list[Task | TaskRow], above: list, status_index: int | None
) -> dict[uuid.UUID, dict] | None:
    """The figures of the summaries `above`, rolled up from the stored figures of the leaves
    among `rows` (everything below them); None where the stored dates do not tell them."""
    if not above:
        return {}
    tree = wbs_tree(rows)
    leaves = {row.id: row for row in rows if not tree.children(row.id)}
    late_starts, figures = {}, {}
    for row in leaves.values():
        duration = effective_duration(row, span.calendar, status_index)
        late_starts[row.id] = _late_start_day(span, row, duration)
        if late_starts[row.id] is None:
            return None
        figures[row.id] = WorkFigures(
            row.start_date,
            row.finish_date,
            row.effort_hours,
            row.cost,
            row.percent_complete,
            duration,
        )
    rollups = roll_up(tree, figures)
    updates = {}
    for summary in above:
        rollup = rollups[summary.id]
        below = [leaves[node] for node in tree.descendants(summary.id) if node in leaves]
        updates[summary.id] = {
            "start_date": rollup.start,
            "finish_date": rollup.finish,
            "late_start": min(late_starts[row.id] for row in below),
            "late_finish": max(row.late_finish for row in below),
            "effort_hours": rollup.effort,
            "cost": rollup.cost,
            "percent_complete": round(rollup.percent_complete, 2),
            "duration": span.calendar.working_days_between(
                rollup.start, rollup.finish + timedelta(days=1)
            ),
            "total_float": min(row.total_float for row in below),
            "free_float": min(row.free_float for row in below),
            "critical": any(row.critical for row in below),
            "milestone": False,
        }
    return updates


def _late_start_day(span: _SpanDates, row: Task | TaskRow, duration: int) -> date | None:
    """The day a leaf's late start index falls on, from its stored dates (a summary's late
    start is the earliest of these); None where the dates do not tell: a leaf of no duration
    stores the day before its index, and one at index 0 or 1 stores the first day either way."""
    if duration > 0:
        return row.late_start
    index = span.calendar.to_index(row.late_finish)
    return None if index == 0 else span.day(index + 1)


def _outline_above(tree: WbsTree, moved: set[int]) -> WbsTree:
    """The part of `tree` a roll-up of `moved` needs: the top level (whose costs make the
    plan's total) and, under each top-level task above a moved one, everything below it."""
    touched = set()
    for node in moved:
        while tree.parent(node) is not None:
            node = tree.parent(node)
        touched.add(node)
    if len(touched) == len(tree.children(None)):
        return tree  # a chain that moved across the whole plan
    kept = []
    for position, top in enumerate(tree.children(None)):
        kept.append(_Node(top, None, position))
        if top in touched:
            # Outline order keeps the siblings' order among equal positions.
            kept.extend(_Node(node, tree.parent(node), 0) for node in tree.descendants(top))
    return WbsTree.from_nodes(kept)


class _SpanDates:
    """index_span_to_dates on one calendar, each working day looked up once: the tasks of a
    plan share few distinct days."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.days: dict[int, date] = {}

    def __call__(self, start: int, finish: int) -> tuple[date, date]:
        if finish > start:  # a task with work: both days looked up here, the common case
            days = self.days
            first, last = days.get(start), days.get(finish - 1)
            if first is not None and last is not None and last <= LATEST_SCHEDULED_DAY:
                return first, last
        return index_span_to_dates(self, start, finish)

    def to_date(self, index: int) -> date:
        found = self.days.get(index)
        if found is None:
            found = self.days[index] = self.calendar.to_date(index)
        return found

    day = to_date


def assign(row, **values) -> None:
    """Set the values that differ: a row rescheduled to where it was stays out of the flush,
    so a change costs the rows it moves, not the whole plan. A plain row remembers them for
    the replan that follows to write."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            if isinstance(row, TaskRow):
                row.unsaved |= {name}


class ScheduleWrites:
    """The figures a replan gives the rows: a row the caller has changed (or a new one) takes
    them through the ORM (its own UPDATE, version-checked, at flush); a plain row, or an object
    the replan alone moves, takes them in place (an object as committed values), written for
    all such rows by one executemany UPDATE per set of columns (`flush`), its version raised by
    one. The ORM cannot batch versioned UPDATEs, and a progress report that moves a chain moves
    hundreds of rows. The plan's own version guards against a concurrent replan: its UPDATE at
    flush is version-checked."""

    def __init__(self) -> None:
        self.pending: dict[uuid.UUID, tuple[Task | TaskRow, dict]] = {}

    def __call__(self, row: Task | TaskRow, **values) -> bool:
        """Give `row` the `values` that differ; True if there were any."""
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            return False
        if isinstance(row, TaskRow):
            for name, value in changed.items():
                setattr(row, name, value)
            self.pending.setdefault(row.id, (row, {}))[1].update(changed)
            return True
        state = sa.inspect(row)
        if not state.persistent or state.modified:
            for name, value in changed.items():
                setattr(row, name, value)
            return True
        for name, value in changed.items():
            set_committed_value(row, name, value)
        self.pending.setdefault(row.id, (row, {}))[1].update(changed)
        return True

    def unsaved(self, rows: Iterable[Task | TaskRow]) -> None:
        """Take over what was set on plain rows before the replan (see :func:`assign`)."""
        for row in rows:
            if isinstance(row, TaskRow) and row.unsaved:
                values = {name: getattr(row, name) for name in row.unsaved}
                self.pending.setdefault(row.id, (row, {}))[1].update(values)
                row.unsaved = frozenset()

    def flush(self, session: Session) -> None:
        table = Task.__table__
        groups: dict[frozenset, list[dict]] = defaultdict(list)
        for task_id, (row, changed) in self.pending.items():
            groups[frozenset(changed)].append({"task_id": task_id, **changed})
            if isinstance(row, Task):
                set_committed_value(row, "version", row.version + 1)
        connection = session.connection()
        for columns, rows in groups.items():
            if connection.dialect.name == "postgresql":
                _update_from_arrays(connection, table, sorted(columns), rows)
                continue
            update = (
                sa.update(table)
                .where(table.c.id == sa.bindparam("task_id"))
                .values({name: sa.bindparam(name) for name in columns})
                .values(version=table.c.version + 1)
            )
            session.execute(update, rows)
        self.pending.clear()


def _update_from_arrays(
    connection: sa.Connection, table: sa.Table, columns: list[str], rows: list[dict]
) -> None:
    """Give every row its `columns` in one ``UPDATE … FROM unnest(arrays)``, an array a column
    sent in binary: a progress report that moves a 2,000-task chain writes it in one statement
    (a sixth of the CPU and a third of the time of 2,000 pipelined UPDATEs here)."""
    connection.exec_driver_sql(
        _update_from_arrays_sql(connection.dialect, table, tuple(columns)),
        (
            [row["task_id"] for row in rows],
            *([row[name] for row in rows] for name in columns),
        ),
    )


@functools.lru_cache(maxsize=64)  # a few sets of columns, an engine's dialect each
def _update_from_arrays_sql(dialect: sa.Dialect, table: sa.Table, columns: tuple[str, ...]) -> str:
    """The statement's text, written once for each set of columns a replan writes."""
    names = [dialect.identifier_preparer.quote(name) for name in columns]
    arrays = ", ".join(f"%b::{table.c[name].type.compile(dialect)}[]" for name in columns)
    sets = ", ".join(f"{name} = moved.{name}" for name in names)
    return (
        f"UPDATE {table.name} SET {sets}, version = {table.name}.version + 1"
        f" FROM unnest(%b::uuid[], {arrays}) AS moved(id, {', '.join(names)})"
        f" WHERE {table.name}.id = moved.id"
    )


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

"""Earned value and late work against a baseline kept in process, from the plan's progress.

A baseline never changes once taken, so what earned value and late work read of it depends only
on the baseline, the plan's calendar (start date, working weekdays, holidays) and, for planned
value, the as-of day: its budget at completion, its span, each leaf's budget, each task's
baseline finish and the planned value as of a day. They are worked out once and kept by
(baseline id, calendar), the least recently used dropped first: a new baseline has a new id and
a changed calendar makes a new key, so nothing stale is served. A progress report's health
review then costs the plan's progress (one pass over the rows the caller has, or one aggregate
in SQL), not the calendar arithmetic of every baseline row.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.earned_value import (
    BaselineSpan,
    EarnedValue,
    EarnedValueTask,
    PlannedWork,
    baseline_span,
    earned_amount,
    earned_value_from,
    planned_value,
    planned_work,
)
from services.planning.domain.variance import LateTask, is_late
from services.planning.models import Baseline, BaselineTask, Plan, Task

#: Baselines kept (each some 0.5 MB at 2,000 tasks), and planned values kept per baseline.
KEPT_BASELINES = 16
KEPT_DAYS = 8
KEPT_DAY_INDICES = 4096


@dataclass(frozen=True, eq=False)
class PlannedBaseline:
    """What a baseline plans, in a calendar: its leaves, each leaf's budget and each task's
    baseline finish (date and working-day index) by the task id's ``int`` (a UUID's hash and
    equality are Python code, an int's are not), BAC, span, and the planned values and day
    indices worked out so far."""

    calendar: WorkCalendar
    leaves: tuple[PlannedWork, ...]
    budgets: dict[int, Decimal]
    finishes: dict[int, tuple[date, int]]
    bac: Decimal
    span: BaselineSpan | None
    _planned_values: dict[date, Decimal] = field(default_factory=dict)
    _day_indices: dict[date, int] = field(default_factory=dict)

    def planned_value(self, as_of: date) -> Decimal:
        """PV as of a day, unrounded; worked out once for each of the last KEPT_DAYS days."""
        amount = self._planned_values.get(as_of)
        if amount is None:
            amount = planned_value(self.leaves, as_of, self.calendar)
            _keep(self._planned_values, as_of, amount, KEPT_DAYS)
        return amount

    def day_index(self, day: date) -> int:
        """The calendar's working-day index of a day, kept for the last KEPT_DAY_INDICES days
        asked (late work asks for the same finishes report after report)."""
        index = self._day_indices.get(day)
        if index is None:
            index = self.calendar.to_index(day)
            _keep(self._day_indices, day, index, KEPT_DAY_INDICES)
        return index


def _keep(kept: dict, key, value, most: int) -> None:
    """Keep a worked-out value, starting afresh once `most` are kept."""
    if len(kept) >= most:
        kept.clear()
    kept[key] = value


_kept: OrderedDict[tuple[uuid.UUID, WorkCalendar], PlannedBaseline] = OrderedDict()
_kept_lock = threading.Lock()

_BASELINE_ROWS = sa.select(
    BaselineTask.task_id,
    BaselineTask.summary,
    BaselineTask.start_date,
    BaselineTask.finish_date,
    BaselineTask.cost,
).where(BaselineTask.baseline_id == sa.bindparam("baseline_id"))


def planned_baseline(
    session: Session, baseline: Baseline, calendar: WorkCalendar
) -> PlannedBaseline:
    """The baseline as planned in the calendar, read and worked out once a process."""
    key = (baseline.id, calendar)
    with _kept_lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
            return kept
    session.flush()  # the rows of a baseline taken in this transaction may be pending
    leaves, budgets, finishes = [], {}, {}
    for task_id, summary, start, finish, cost in session.connection().execute(
        _BASELINE_ROWS, {"baseline_id": baseline.id}
    ):
        finishes[task_id.int] = (finish, calendar.to_index(finish))
        if not summary:
            leaves.append(EarnedValueTask(start, finish, cost, 0.0))
            budgets[task_id.int] = cost
    kept = PlannedBaseline(
        calendar,
        tuple(planned_work(leaves, calendar)),
        budgets,
        finishes,
        sum(budgets.values(), Decimal(0)),
        baseline_span(leaves, calendar),
    )
    with _kept_lock:
        _kept[key] = kept
        while len(_kept) > KEPT_BASELINES:
            _kept.popitem(last=False)
    return kept


def baseline_earned_value(
    session: Session,
    planned: PlannedBaseline,
    baseline: Baseline,
    as_of: date,
    tasks: Sequence | None = None,
) -> EarnedValue:
    """Earned value as of a day against the planned baseline, from the progress of the given
    tasks (rows or objects) or, without them, of the stored tasks."""
    if tasks is None:
        budget_by_percent, actual_cost = _stored_progress(session, baseline)
    else:
        budget_by_percent, actual_cost = _progress(planned, tasks)
    return earned_value_from(
        as_of,
        planned.calendar,
        bac=planned.bac,
        pv=planned.planned_value(as_of),
        ev=earned_amount(budget_by_percent),
        ac=actual_cost,
        span=planned.span,
    )


def _progress(planned: PlannedBaseline, tasks: Sequence) -> tuple[dict[float, Decimal], Decimal]:
    """The baseline leaves' budgets by their task's percent complete, and the tasks' actual
    cost. A leaf whose task is gone earns nothing and costs nothing."""
    budgets = planned.budgets
    budget_by_percent: dict[float, Decimal] = defaultdict(Decimal)
    actual_cost = Decimal(0)
    for task in tasks:
        budget = budgets.get(task.id.int)
        if budget is not None:
            budget_by_percent[task.percent_complete] += budget
            actual_cost += task.actual_cost
    return budget_by_percent, actual_cost


# In whole cents: SQLite (the tests' database) keeps NUMERIC as floating point, where a sum of
# amounts may be off by a fraction of a cent but a sum of whole cents is exact.
_IN_CENTS = 100
_STORED_PROGRESS = (
    sa.select(
        Task.percent_complete,
        sa.func.sum(sa.func.round(BaselineTask.cost * _IN_CENTS)),
        sa.func.sum(sa.func.round(Task.actual_cost * _IN_CENTS)),
    )
    .join(Task, Task.id == BaselineTask.task_id)
    .where(
        BaselineTask.baseline_id == sa.bindparam("baseline_id"),
        ~BaselineTask.summary,
        Task.plan_id == sa.bindparam("plan_id"),  # the plan's tasks by their index, not all
    )
    .group_by(Task.percent_complete)
)


def _stored_progress(session: Session, baseline: Baseline) -> tuple[dict[float, Decimal], Decimal]:
    """As :func:`_progress`, of the stored tasks (flushed first): one aggregate, a row per
    percent complete."""
    session.flush()
    budget_by_percent, actual_cost = {}, Decimal(0)
    for percent, budget_cents, cost_cents in session.connection().execute(
        _STORED_PROGRESS, {"baseline_id": baseline.id, "plan_id": baseline.plan_id}
    ):
        budget_by_percent[percent] = Decimal(int(budget_cents)) / _IN_CENTS
        actual_cost += Decimal(int(cost_cents)) / _IN_CENTS
    return budget_by_percent, actual_cost


def late_leaves(
    session: Session,
    plan: Plan,
    planned: PlannedBaseline,
    baseline: Baseline,
    tasks: Sequence | None = None,
    finishes: dict[uuid.UUID, date] | None = None,
    most: int | None = None,
) -> list[LateTask]:
    """The late leaf tasks (the first `most` if given), in the order of `tasks` (default the
    stored ones in WBS order), finishing as `finishes` forecasts or as stored. A finish on or
    before the baseline finish is never late, so only the later ones are counted in working
    days."""
    day_index = planned.day_index
    late: list[LateTask] = []
    for wbs_code, name, finish, baseline_index in _past_baseline(
        session, plan, planned, baseline, tasks, finishes
    ):
        days = day_index(finish) - baseline_index
        if is_late(False, days):
            late.append(LateTask(wbs_code, name, days))
            if len(late) == most:
                break
    return late


def _past_baseline(session, plan, planned, baseline, tasks, finishes) -> Iterator[tuple]:
    """The unfinished leaves that finish after their baseline finish, as late_leaves asks: wbs
    code, name, finish and the baseline finish's working-day index."""
    if tasks is None:
        session.flush()
        with session.connection().execute(
            _PAST_BASELINE, {"baseline_id": baseline.id, "plan_id": plan.id}
        ) as stored:
            for wbs_code, name, finish, baseline_finish in stored:
                yield wbs_code, name, finish, planned.day_index(baseline_finish)
        return
    baseline_finishes = planned.finishes
    for task in tasks:
        planned_finish = baseline_finishes.get(task.id.int)
        if planned_finish is None:
            continue
        finish = finishes.get(task.id, task.finish_date) if finishes else task.finish_date
        if finish is None or finish <= planned_finish[0] or task.summary or task.done:
            continue
        yield task.wbs_code, task.name, finish, planned_finish[1]


_PAST_BASELINE = (
    sa.select(Task.wbs_code, Task.name, Task.finish_date, BaselineTask.finish_date)
    .join(
        BaselineTask,
        sa.and_(
            BaselineTask.task_id == Task.id,
            BaselineTask.baseline_id == sa.bindparam("baseline_id"),
        ),
    )
    .where(
        Task.plan_id == sa.bindparam("plan_id"),
        ~Task.summary,
        Task.percent_complete < 100,
        Task.finish_date > BaselineTask.finish_date,
    )
    .order_by(Task.wbs_code, Task.created_at)
)

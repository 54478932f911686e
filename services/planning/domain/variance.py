"""Late work, variance and a plan's health with its reasons.

A task's finish variance is the working days its forecast finish (its scheduled finish, which
for finished work is its actual finish) lies after its baseline finish; positive is late,
negative ahead. A task is *late* while it is unfinished and its forecast finish passes its
baseline finish; finished work is history, not late work.

Variance compares three figures for each task: baseline (what was promised), forecast (what the
schedule now says: dates, planned effort and cost) and actual (hours and cost booked). Summary
tasks roll up their leaves' figures by sum, like the WBS roll-up.

Health (RAG) reads two dimensions and gives the worse one with every reason found:

* cost: CPI below OFF_TRACK_BELOW is off track, below ON_TRACK_MIN at risk;
* schedule: the network schedule is the evidence when it says the plan is on or ahead of its
  baseline finish with no late task: then a low SPI (planned value counts the as-of day as
  worked, so work created today is "behind" at once) does not make the plan late. Otherwise SPI
  below OFF_TRACK_BELOW is off track and below ON_TRACK_MIN at risk, and late tasks or a finish
  past the baseline make it at least at risk.

So ahead of the baseline (negative slip) is never off track on schedule grounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from services.planning.domain.earned_value import OFF_TRACK_BELOW, ON_TRACK_MIN, PlanStatus
from shared.days import describe_slip

#: How many late tasks a health reason names before it says "and N more".
NAMED_LATE_TASKS = 3

_RANK = {PlanStatus.ON_TRACK: 0, PlanStatus.AT_RISK: 1, PlanStatus.OFF_TRACK: 2}


def is_late(done: bool, finish_variance_days: int | None) -> bool:
    """Unfinished work whose forecast finish passes its baseline finish."""
    return not done and finish_variance_days is not None and finish_variance_days > 0


@dataclass(frozen=True)
class LateTask:
    """A late task as a health reason names it."""

    wbs_code: str
    name: str
    finish_variance_days: int


@dataclass(frozen=True)
class Health:
    status: PlanStatus
    reasons: tuple[str, ...]


def _index_status(index: Decimal | float | None) -> PlanStatus:
    if index is None:
        return PlanStatus.ON_TRACK
    value = Decimal(str(index))
    if value < OFF_TRACK_BELOW:
        return PlanStatus.OFF_TRACK
    if value < ON_TRACK_MIN:
        return PlanStatus.AT_RISK
    return PlanStatus.ON_TRACK


def _worse(*statuses: PlanStatus) -> PlanStatus:
    return max(statuses, key=_RANK.__getitem__)


def plan_health(
    spi: Decimal | float | None,
    cpi: Decimal | float | None,
    finish_variance_days: int | None,
    late_tasks: Sequence[LateTask] = (),
) -> Health:
    """The plan's RAG status and why, from the indices, its finish against the baseline and
    its late tasks (see the module docstring)."""
    reasons: list[str] = []
    cost = _index_status(cpi)
    if cost is not PlanStatus.ON_TRACK:
        reasons.append(f"CPI {Decimal(str(cpi)):.2f} is below {_threshold(cost)}")
    ahead = finish_variance_days is not None and finish_variance_days <= 0 and not late_tasks
    if ahead:
        schedule = PlanStatus.ON_TRACK
    else:
        schedule = _index_status(spi)
        if schedule is not PlanStatus.ON_TRACK:
            reasons.append(f"SPI {Decimal(str(spi)):.2f} is below {_threshold(schedule)}")
        if finish_variance_days is not None and finish_variance_days > 0:
            schedule = _worse(schedule, PlanStatus.AT_RISK)
            reasons.append(f"forecast finish {describe_slip(finish_variance_days)} on baseline")
        if late_tasks:
            schedule = _worse(schedule, PlanStatus.AT_RISK)
            reasons.append(_late_reason(late_tasks))
    return Health(_worse(cost, schedule), tuple(reasons))


def _threshold(status: PlanStatus) -> str:
    return f"{OFF_TRACK_BELOW if status is PlanStatus.OFF_TRACK else ON_TRACK_MIN}"


def _late_reason(late_tasks: Sequence[LateTask]) -> str:
    ordered = sorted(late_tasks, key=lambda task: -task.finish_variance_days)
    named = [
        f"{task.wbs_code} {task.name} ({describe_slip(task.finish_variance_days)})"
        for task in ordered[:NAMED_LATE_TASKS]
    ]
    more = len(ordered) - len(named)
    count = f"{len(ordered)} late task{'s' if len(ordered) != 1 else ''}"
    return f"{count}: {'; '.join(named)}" + (f" and {more} more" if more else "")


@dataclass(frozen=True)
class Figures:
    """A task's effort and cost: baseline, forecast (planned now) and actual."""

    baseline_effort: float
    forecast_effort: float
    actual_effort: float
    baseline_cost: Decimal
    forecast_cost: Decimal
    actual_cost: Decimal


def roll_up_figures(
    leaves_under: Mapping[object, Iterable[object]], leaf_figures: Mapping[object, Figures]
) -> dict[object, Figures]:
    """Each node's figures as the sum over the leaves below it (a leaf: its own)."""
    totals = {}
    for node, leaves in leaves_under.items():
        rows = [leaf_figures[leaf] for leaf in leaves if leaf in leaf_figures]
        totals[node] = Figures(
            sum(row.baseline_effort for row in rows),
            sum(row.forecast_effort for row in rows),
            sum(row.actual_effort for row in rows),
            sum((row.baseline_cost for row in rows), Decimal(0)),
            sum((row.forecast_cost for row in rows), Decimal(0)),
            sum((row.actual_cost for row in rows), Decimal(0)),
        )
    return totals

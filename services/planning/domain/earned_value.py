"""Earned value as of a date, and the plan status derived from the performance indices.

Planned value spreads each task's baseline cost evenly over its baseline working days, counting
the as-of date as worked. Money comes back rounded to cents and the indices to four places.
Any ratio whose denominator is zero (nothing planned yet, no cost booked yet) is None, and so is
a forecast too far off to be given: a finish past the last date there is, or an EAC, ETC or VAC
beyond what a money amount holds (a CPI near zero makes EAC = BAC / CPI astronomical).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.wbs import MAX_COST as MAX_MONEY

CENT = Decimal("0.01")
INDEX_PLACES = Decimal("0.0001")

ON_TRACK_MIN = Decimal("0.95")
"""A plan is on track when neither SPI nor CPI is below this (5 % slippage is tolerated)."""

OFF_TRACK_BELOW = Decimal("0.85")
"""A plan is off track when SPI or CPI is below this; between the two thresholds it is at risk."""


class PlanStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


@dataclass(frozen=True)
class EarnedValueTask:
    """One task's baseline (inclusive dates and cost) and its progress so far."""

    baseline_start: date
    baseline_finish: date
    budget: Decimal
    percent_complete: float
    actual_cost: Decimal = Decimal(0)


@dataclass(frozen=True)
class EarnedValue:
    """The earned-value figures of a plan as of a date."""

    as_of: date
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    forecast_finish: date | None

    @property
    def status(self) -> PlanStatus:
        return plan_status(self.spi, self.cpi)


def _worked_share(start: int, end: int, as_of_end: int, finished: bool) -> Decimal:
    """A task's planned fraction: the share of its baseline working days [start, end) that
    fall before ``as_of_end``, the index of the day after the as-of date (so the as-of date
    counts as worked); a task of no working day is all planned once its finish date is
    reached."""
    total = end - start
    if total <= 0:
        return Decimal(1) if finished else Decimal(0)
    return Decimal(max(min(as_of_end, end) - start, 0)) / Decimal(total)


class PlannedWork(NamedTuple):
    """A task's baseline budget and working days in a calendar: indices [start, end), and its
    baseline finish date (the day a task of no working day is planned)."""

    budget: Decimal
    start: int
    end: int
    finish: date


def planned_work(tasks: Iterable[EarnedValueTask], calendar: WorkCalendar) -> list[PlannedWork]:
    """The tasks' baselines in the calendar's working-day indices."""
    return [
        PlannedWork(
            task.budget,
            calendar.to_index(task.baseline_start),
            calendar.to_index(task.baseline_finish + timedelta(days=1)),
            task.baseline_finish,
        )
        for task in tasks
    ]


def earned_value(
    tasks: Iterable[EarnedValueTask], as_of: date, calendar: WorkCalendar
) -> EarnedValue:
    """PV, EV, AC and everything derived from them, for the given tasks as of ``as_of``."""
    tasks = list(tasks)
    return earned_value_from(
        as_of,
        calendar,
        bac=sum((task.budget for task in tasks), Decimal(0)),
        pv=planned_value(planned_work(tasks, calendar), as_of, calendar),
        ev=sum(
            (task.budget * Decimal(str(task.percent_complete)) / 100 for task in tasks),
            Decimal(0),
        ),
        ac=sum((task.actual_cost for task in tasks), Decimal(0)),
        span=baseline_span(tasks, calendar),
    )


def planned_value(work: Iterable[PlannedWork], as_of: date, calendar: WorkCalendar) -> Decimal:
    """PV, unrounded: each task's budget times its planned fraction as of ``as_of``."""
    as_of_end = calendar.to_index(as_of + timedelta(days=1))
    return sum(
        (
            item.budget * _worked_share(item.start, item.end, as_of_end, as_of >= item.finish)
            for item in work
        ),
        Decimal(0),
    )


def earned_amount(budget_by_percent: Mapping[float, Decimal]) -> Decimal:
    """EV, unrounded, from the budgets summed by their tasks' percent complete: task by task
    the same amount, since sums and products of money and reported percents are exact in
    Decimal's 28 digits (a sum past them is rounded in whatever order it is taken)."""
    return sum(
        (budget * Decimal(str(percent)) / 100 for percent, budget in budget_by_percent.items()),
        Decimal(0),
    )


@dataclass(frozen=True)
class BaselineSpan:
    """The earliest baseline start and the working days up to the latest baseline finish: the
    duration the forecast finish stretches by 1 / SPI."""

    start: date
    working_days: int


def baseline_span(tasks: Sequence[EarnedValueTask], calendar: WorkCalendar) -> BaselineSpan | None:
    """The tasks' span; None when there are none."""
    if not tasks:
        return None
    start = min(task.baseline_start for task in tasks)
    finish = max(task.baseline_finish for task in tasks)
    return BaselineSpan(start, calendar.working_days_between(start, finish + timedelta(days=1)))


def earned_value_from(
    as_of: date,
    calendar: WorkCalendar,
    *,
    bac: Decimal,
    pv: Decimal,
    ev: Decimal,
    ac: Decimal,
    span: BaselineSpan | None,
) -> EarnedValue:
    """The figures from the unrounded BAC, PV, EV and AC and the baseline's span."""
    spi = _ratio(ev, pv)
    cpi = _ratio(ev, ac)
    # BAC / CPI written as BAC * AC / EV so that rounding CPI does not leak into money.
    eac = _ratio(bac * ac, ev)
    return EarnedValue(
        as_of=as_of,
        bac=_cents(bac),
        pv=_cents(pv),
        ev=_cents(ev),
        ac=_cents(ac),
        sv=_cents(ev - pv),
        cv=_cents(ev - ac),
        spi=_index(spi),
        cpi=_index(cpi),
        eac=_money(eac),
        etc=_money(None if eac is None else eac - ac),
        vac=_money(None if eac is None else bac - eac),
        forecast_finish=_forecast_finish(span, spi, calendar),
    )


def plan_status(spi: Decimal | float | None, cpi: Decimal | float | None) -> PlanStatus:
    """on_track when both indices are >= ON_TRACK_MIN, off_track when either is below
    OFF_TRACK_BELOW, at_risk otherwise. An index that is None (no planned value or no cost
    yet) gives no evidence either way and is ignored."""
    known = [Decimal(str(index)) for index in (spi, cpi) if index is not None]
    if any(index < OFF_TRACK_BELOW for index in known):
        return PlanStatus.OFF_TRACK
    if all(index >= ON_TRACK_MIN for index in known):
        return PlanStatus.ON_TRACK
    return PlanStatus.AT_RISK


def _forecast_finish(
    span: BaselineSpan | None, spi: Decimal | None, calendar: WorkCalendar
) -> date | None:
    """Baseline duration stretched by 1 / SPI, counted in working days from the baseline start;
    None when a tiny SPI stretches it past the last date there is (year 9999)."""
    if span is None or not spi:
        return None
    forecast_days = max(math.ceil(Decimal(span.working_days) / spi), 1)
    try:
        return calendar.to_date(calendar.to_index(span.start) + forecast_days - 1)
    except (ValueError, OverflowError):
        return None


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator == 0 else numerator / denominator


def _cents(amount: Decimal) -> Decimal:
    """Sums and differences of stored amounts, rounded to cents."""
    return amount.quantize(CENT)


def _money(amount: Decimal | None) -> Decimal | None:
    """A forecast amount rounded to cents; None when there is none or it is beyond MAX_MONEY
    (checked before rounding, which a figure of more than 26 digits would make fail)."""
    if amount is None or abs(amount) > MAX_MONEY:
        return None
    return amount.quantize(CENT)


def _index(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else ratio.quantize(INDEX_PLACES)

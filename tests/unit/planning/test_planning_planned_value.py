"""Planned value worked out from working-day indices, as the health review keeps baselines, is
the planned value counted in working days between dates, task by task."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.earned_value import (
    EarnedValueTask,
    planned_value,
    planned_work,
)

ANCHOR = date(2027, 1, 4)


def days_from_anchor(low: int, high: int):
    return st.integers(low, high).map(lambda n: ANCHOR + timedelta(days=n))


def fraction_by_dates(calendar: WorkCalendar, start: date, finish: date, as_of: date) -> Decimal:
    """The share of a task's baseline working days on or before `as_of`, counted between dates."""
    day_after_finish = finish + timedelta(days=1)
    total = calendar.working_days_between(start, day_after_finish)
    if total <= 0:
        return Decimal(1) if as_of >= finish else Decimal(0)
    worked = calendar.working_days_between(start, min(as_of + timedelta(days=1), day_after_finish))
    return Decimal(max(worked, 0)) / Decimal(total)


calendars = st.builds(
    WorkCalendar,
    days_from_anchor(-3, 3),
    st.frozensets(st.integers(0, 6), min_size=1),
    st.frozensets(days_from_anchor(-10, 60), max_size=6),
)
tasks = st.builds(
    lambda start, days, budget: EarnedValueTask(start, start + timedelta(days), budget, 0.0),
    days_from_anchor(-5, 40),
    st.integers(-2, 25),
    st.decimals(0, 1_000_000, places=2),
)


@given(calendars, st.lists(tasks, max_size=12), days_from_anchor(-15, 80))
def test_planned_value_from_indices_is_the_sum_counted_between_dates(calendar, items, as_of):
    by_dates = sum(
        (
            item.budget
            * fraction_by_dates(calendar, item.baseline_start, item.baseline_finish, as_of)
            for item in items
        ),
        Decimal(0),
    )
    assert planned_value(planned_work(items, calendar), as_of, calendar) == by_dates
    for item in items:
        alone = planned_value(planned_work([item], calendar), as_of, calendar)
        fraction = fraction_by_dates(calendar, item.baseline_start, item.baseline_finish, as_of)
        assert alone == item.budget * fraction

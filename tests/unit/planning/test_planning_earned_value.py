"""Earned value figures against a hand-computed example, and the plan status thresholds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.earned_value import (
    EarnedValueTask,
    PlanStatus,
    earned_value,
    plan_status,
)

CALENDAR = WorkCalendar(date(2026, 11, 2))
DESIGN = EarnedValueTask(date(2026, 11, 2), date(2026, 11, 13), Decimal("1000"), 50, Decimal("600"))
BUILD = EarnedValueTask(date(2026, 11, 16), date(2026, 11, 20), Decimal("500"), 0, Decimal("0"))


def test_earned_value_figures_match_the_hand_computed_example():
    figures = earned_value([DESIGN, BUILD], date(2026, 11, 6), CALENDAR)
    assert figures.bac == Decimal("1500.00")
    assert (figures.pv, figures.ev, figures.ac) == (
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("600.00"),
    )
    assert (figures.sv, figures.cv) == (Decimal("0.00"), Decimal("-100.00"))
    assert (figures.spi, figures.cpi) == (Decimal("1.0000"), Decimal("0.8333"))
    assert (figures.eac, figures.etc, figures.vac) == (
        Decimal("1800.00"),
        Decimal("1200.00"),
        Decimal("-300.00"),
    )
    assert figures.forecast_finish == date(2026, 11, 20)
    assert figures.status is PlanStatus.OFF_TRACK


def test_half_the_planned_progress_doubles_the_forecast_duration_in_working_days():
    figures = earned_value([DESIGN, BUILD], date(2026, 11, 13), CALENDAR)
    assert figures.pv == Decimal("1000.00")
    assert figures.spi == Decimal("0.5000")
    assert figures.forecast_finish == date(2026, 12, 11)


def test_planned_value_counts_working_days_only_and_stops_at_the_baseline_finish():
    on_saturday = earned_value([DESIGN], date(2026, 11, 7), CALENDAR)
    assert on_saturday.pv == Decimal("500.00")
    after = earned_value([DESIGN], date(2027, 1, 1), CALENDAR)
    assert after.pv == Decimal("1000.00")


def test_divisions_by_zero_give_none_instead_of_failing():
    before_start = EarnedValueTask(date(2026, 11, 2), date(2026, 11, 13), Decimal("1000"), 0)
    figures = earned_value([before_start], date(2026, 10, 30), CALENDAR)
    assert figures.pv == Decimal("0.00")
    assert (figures.spi, figures.cpi, figures.eac, figures.etc, figures.vac) == (None,) * 5
    assert figures.forecast_finish is None
    assert figures.status is PlanStatus.ON_TRACK
    empty = earned_value([], date(2026, 11, 2), CALENDAR)
    assert (empty.bac, empty.spi, empty.forecast_finish) == (Decimal("0.00"), None, None)


def test_a_milestone_is_fully_planned_from_its_date_on():
    milestone = EarnedValueTask(date(2026, 11, 7), date(2026, 11, 7), Decimal("100"), 0)
    assert earned_value([milestone], date(2026, 11, 6), CALENDAR).pv == Decimal("0.00")
    assert earned_value([milestone], date(2026, 11, 7), CALENDAR).pv == Decimal("100.00")


@pytest.mark.parametrize(
    ("spi", "cpi", "status"),
    [
        (Decimal("1.00"), Decimal("0.95"), PlanStatus.ON_TRACK),
        (Decimal("0.95"), None, PlanStatus.ON_TRACK),
        (Decimal("0.94"), Decimal("1.20"), PlanStatus.AT_RISK),
        (0.85, 0.90, PlanStatus.AT_RISK),
        (Decimal("0.8499"), Decimal("1.00"), PlanStatus.OFF_TRACK),
        (None, 0.5, PlanStatus.OFF_TRACK),
        (None, None, PlanStatus.ON_TRACK),
    ],
)
def test_plan_status_follows_the_documented_thresholds(spi, cpi, status):
    assert plan_status(spi, cpi) is status


def test_a_forecast_finish_too_far_off_to_be_a_date_is_none():
    crawling = EarnedValueTask(date(2026, 11, 2), date(2026, 11, 13), Decimal("1000"), 0.0001)
    figures = earned_value([crawling], date(2026, 11, 13), CALENDAR)
    assert figures.spi == Decimal("0.0000") and figures.ev == Decimal("0.00")
    assert figures.forecast_finish is None
    slow = EarnedValueTask(date(2026, 11, 2), date(2026, 11, 13), Decimal("1000"), 1)
    assert earned_value([slow], date(2026, 11, 13), CALENDAR).forecast_finish.year == 2030


def test_a_forecast_beyond_what_money_holds_is_none_instead_of_failing():
    # A CPI of about 1e-32 makes EAC = BAC / CPI about 1e35: more digits than rounding allows.
    barely = EarnedValueTask(
        date(2026, 11, 2), date(2026, 11, 13), Decimal("1000"), 1e-30, Decimal("1.00")
    )
    figures = earned_value([barely], date(2026, 11, 13), CALENDAR)
    assert (figures.eac, figures.etc, figures.vac) == (None, None, None)
    assert (figures.ev, figures.ac, figures.cv) == (
        Decimal("0.00"),
        Decimal("1.00"),
        Decimal("-1.00"),
    )
    assert figures.cpi == Decimal("0.0000") and figures.forecast_finish is None
    # Done at that cost: EAC = AC, just within the limit, so every figure is given.
    costly = EarnedValueTask(
        date(2026, 11, 2), date(2026, 11, 13), Decimal("1000"), 100, Decimal("999999999999.99")
    )
    figures = earned_value([costly], date(2026, 11, 13), CALENDAR)
    assert figures.eac == Decimal("999999999999.99")
    assert figures.etc == Decimal("0.00") and figures.vac == Decimal("-999999998999.99")
    # Half done for that cost: EAC (2e12) and VAC are beyond it, ETC (EAC - AC) is not.
    half = EarnedValueTask(
        date(2026, 11, 2), date(2026, 11, 13), Decimal("1000"), 50, Decimal("999999999999.99")
    )
    figures = earned_value([half], date(2026, 11, 13), CALENDAR)
    assert (figures.eac, figures.etc, figures.vac) == (None, Decimal("999999999999.99"), None)

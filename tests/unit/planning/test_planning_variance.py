"""Late work, the plan's health with its reasons, the WBS roll-up of variance figures, and slip
in words."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.planning.domain.earned_value import PlanStatus
from services.planning.domain.variance import (
    Figures,
    LateTask,
    is_late,
    plan_health,
    roll_up_figures,
)
from shared.days import describe_slip

indices = st.one_of(st.none(), st.decimals(min_value=0, max_value=3, places=4))


def test_slip_is_said_in_words_with_its_sign():
    assert describe_slip(-5) == "5 days ahead"
    assert describe_slip(3) == "3 days late"
    assert describe_slip(1) == "1 day late"
    assert describe_slip(0) == "on baseline"
    assert describe_slip(None) == "no baseline yet"


def test_only_unfinished_work_past_its_baseline_finish_is_late():
    assert is_late(False, 2)
    assert not is_late(True, 2)
    assert not is_late(False, 0) and not is_late(False, -3) and not is_late(False, None)


@given(st.integers(-200, 0), indices)
def test_ahead_of_the_baseline_with_no_late_task_is_on_track_whatever_the_spi(ahead, spi):
    assert plan_health(spi, None, ahead, ()).status is PlanStatus.ON_TRACK


@given(indices, indices, st.one_of(st.none(), st.integers(-50, 50)))
def test_health_is_never_better_than_cost_performance_says(spi, cpi, variance):
    health = plan_health(spi, cpi, variance, ())
    if cpi is not None and cpi < Decimal("0.85"):
        assert health.status is PlanStatus.OFF_TRACK
        assert any(reason.startswith("CPI") for reason in health.reasons)
    if health.status is PlanStatus.ON_TRACK:
        assert health.reasons == ()


def test_late_tasks_make_the_plan_at_risk_and_are_named_in_its_reasons():
    late = [LateTask(f"2.{n}", f"Task {n}", n) for n in range(1, 6)]
    health = plan_health(Decimal("1.0"), Decimal("1.0"), 0, late)
    assert health.status is PlanStatus.AT_RISK
    [reason] = health.reasons
    assert reason.startswith("5 late tasks: 2.5 Task 5 (5 days late)") and "and 2 more" in reason


def test_a_finish_past_the_baseline_with_a_low_spi_is_off_track_and_says_why():
    health = plan_health(Decimal("0.8"), None, 3, ())
    assert health.status is PlanStatus.OFF_TRACK
    assert health.reasons == ("SPI 0.80 is below 0.85", "forecast finish 3 days late on baseline")


def test_summaries_roll_up_the_figures_of_their_leaves():
    leaf = Figures(8.0, 10.0, 12.0, Decimal("600"), Decimal("750"), Decimal("900"))
    other = Figures(16.0, 16.0, 4.0, Decimal("1200"), Decimal("1200"), Decimal("300"))
    totals = roll_up_figures({"a": ["a"], "b": ["b"], "s": ["a", "b"]}, {"a": leaf, "b": other})
    assert totals["a"] == leaf
    assert totals["s"] == Figures(
        24.0, 26.0, 16.0, Decimal("1800"), Decimal("1950"), Decimal("1200")
    )

"""Increment rules: dates, one increment per requirement, burn-down and velocity."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.planning.domain.increments import (
    IncrementFigures,
    Work,
    burndown,
    check_increment_dates,
    check_requirements,
    velocity,
)
from shared.errors import RuleViolation

MONDAY = date(2027, 1, 4)


def test_an_increment_ending_after_the_due_date_names_the_finish_date():
    with pytest.raises(RuleViolation) as refused:
        check_increment_dates(MONDAY, date(2027, 3, 5), date(2027, 3, 1), None)
    assert "change request" in refused.value.errors["finish_date"]


def test_increments_are_ordered_by_their_start():
    with pytest.raises(RuleViolation) as refused:
        check_increment_dates(MONDAY, MONDAY + timedelta(days=9), None, MONDAY + timedelta(1))
    assert "start_date" in refused.value.errors


def test_a_requirement_already_in_an_increment_or_listed_twice_is_named():
    with pytest.raises(RuleViolation) as refused:
        check_requirements(["a", "b", "b", "x"], ["a", "b"], {"a": 1})
    message = refused.value.errors["requirement_ids"]
    assert "a: Already in increment 1" in message
    assert "b: Listed twice" in message
    assert "x: Not a requirement of this plan" in message


def test_the_burn_down_falls_as_work_finishes_and_leaves_the_future_open():
    work = [Work(16, MONDAY + timedelta(days=2)), Work(8, None)]
    days = burndown(work, MONDAY, MONDAY + timedelta(days=4), today=MONDAY + timedelta(days=3))
    assert [d.remaining_hours for d in days] == [24, 24, 8, 8, None]
    assert days[0].ideal_hours == 24 and days[-1].ideal_hours == 0


@given(
    st.lists(st.tuples(st.floats(0, 100), st.none() | st.integers(0, 20)), min_size=1, max_size=12)
)
def test_remaining_effort_never_rises_and_never_exceeds_the_total(items):
    work = [Work(h, None if d is None else MONDAY + timedelta(days=d)) for h, d in items]
    days = burndown(work, MONDAY, MONDAY + timedelta(days=10), today=MONDAY + timedelta(days=30))
    remaining = [d.remaining_hours for d in days]
    assert all(later <= earlier + 1e-6 for earlier, later in pairwise(remaining))
    assert remaining[0] <= round(sum(h for h, _ in items), 1) + 1e-6


def test_velocity_is_the_mean_effort_of_completed_increments():
    finish = MONDAY + timedelta(days=13)
    figures = [
        IncrementFigures(1, "Sprint 1", finish, 40, finish),
        IncrementFigures(2, "Sprint 2", finish, 20, finish + timedelta(days=2)),
        IncrementFigures(3, "Sprint 3", finish, 99, None),
    ]
    assert velocity(figures) == 30.0
    assert [f.on_time for f in figures] == [True, False, None]

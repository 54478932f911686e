"""Working calendars: dates to working-day indices and back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.planning.domain.calendar import WorkCalendar

MONDAY = date(2026, 11, 2)
CHRISTMAS = frozenset({date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)})


def brute_index(calendar: WorkCalendar, day: date) -> int:
    """Working days in [anchor, day), counted one date at a time."""
    low, high, sign = (
        (calendar.anchor, day, 1) if day >= calendar.anchor else (day, calendar.anchor, -1)
    )
    count = sum(
        calendar.is_working_day(low + timedelta(days=offset)) for offset in range((high - low).days)
    )
    return sign * count


calendars = st.builds(
    WorkCalendar,
    anchor=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    working_weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    holidays=st.frozensets(st.dates(date(2024, 6, 1), date(2028, 6, 1)), max_size=40),
)


def test_weekdays_are_numbered_from_the_anchor_and_weekends_skipped():
    calendar = WorkCalendar(MONDAY)
    assert [calendar.to_index(MONDAY + timedelta(days=n)) for n in range(9)] == [
        0,
        1,
        2,
        3,
        4,
        5,
        5,
        5,
        6,
    ]
    assert calendar.to_date(5) == date(2026, 11, 9)
    assert calendar.to_date(-1) == date(2026, 10, 30)


def test_holidays_are_skipped_in_both_directions():
    calendar = WorkCalendar(date(2026, 12, 21), holidays=CHRISTMAS)
    assert calendar.to_date(4) == date(2026, 12, 29)
    assert calendar.to_index(date(2026, 12, 25)) == 4
    assert not calendar.is_working_day(date(2026, 12, 25))
    assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert calendar.add_working_days(date(2026, 12, 29), -1) == date(2026, 12, 24)


def test_an_anchor_on_a_weekend_makes_the_next_monday_index_zero():
    calendar = WorkCalendar(date(2026, 11, 7))
    assert calendar.to_index(date(2026, 11, 7)) == 0
    assert calendar.to_date(0) == date(2026, 11, 9)


def test_adding_working_days_from_a_weekend_counts_like_a_spreadsheet_workday():
    calendar = WorkCalendar(MONDAY)
    saturday = date(2026, 11, 7)
    assert calendar.add_working_days(saturday, 1) == date(2026, 11, 9)
    assert calendar.add_working_days(saturday, -1) == date(2026, 11, 6)
    assert calendar.add_working_days(saturday, 0) == saturday
    assert calendar.add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)


def test_working_days_between_counts_the_half_open_range():
    calendar = WorkCalendar(MONDAY, holidays=CHRISTMAS)
    assert calendar.working_days_between(date(2026, 11, 2), date(2026, 11, 9)) == 5
    assert calendar.working_days_between(date(2026, 11, 9), date(2026, 11, 2)) == -5
    assert calendar.working_days_between(date(2026, 12, 21), date(2027, 1, 4)) == 7


def test_a_calendar_without_working_weekdays_is_refused():
    with pytest.raises(ValueError, match="working_weekdays"):
        WorkCalendar(MONDAY, working_weekdays=frozenset())
    with pytest.raises(ValueError, match="working_weekdays"):
        WorkCalendar(MONDAY, working_weekdays=frozenset({7}))


@settings(max_examples=300, deadline=None)
@given(calendars, st.dates(date(2024, 1, 1), date(2029, 1, 1)))
def test_to_index_matches_counting_day_by_day(calendar, day):
    assert calendar.to_index(day) == brute_index(calendar, day)


@settings(max_examples=300, deadline=None)
@given(calendars, st.integers(-600, 600))
def test_to_date_returns_the_working_day_with_that_index(calendar, index):
    day = calendar.to_date(index)
    assert calendar.is_working_day(day)
    assert calendar.to_index(day) == index


@settings(max_examples=300, deadline=None)
@given(calendars, st.dates(date(2025, 1, 1), date(2028, 1, 1)), st.integers(-300, 300))
def test_add_working_days_lands_on_a_working_day_that_many_working_days_away(calendar, day, days):
    moved = calendar.add_working_days(day, days)
    if days == 0:
        assert moved == day
        return
    assert calendar.is_working_day(moved)
    if days > 0:
        assert calendar.working_days_between(day + timedelta(days=1), moved) == days - 1
    else:
        assert calendar.working_days_between(moved, day) == -days


def test_fifty_thousand_working_days_convert_to_dates_and_back():
    # Speed is the scheduler bench's business (tests/bench/bench_scheduler.py); here, that a
    # long horizon with many holidays converts both ways, each day a working day, in order.
    holidays = CHRISTMAS | {MONDAY + timedelta(days=n) for n in range(0, 3000, 11)}
    calendar = WorkCalendar(MONDAY, holidays=holidays)
    days = [calendar.to_date(index) for index in range(50_000)]
    assert [calendar.to_index(day) for day in days] == list(range(50_000))
    assert all(day.weekday() < 5 and day not in holidays for day in days)
    assert all(before < after for before, after in zip(days, days[1:], strict=False))

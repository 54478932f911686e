"""Working calendars: conversion between calendar dates and working-day indices.

A :class:`WorkCalendar` numbers its working days from an anchor date (usually the plan's start):
the first working day on or after the anchor is index 0, the next working day index 1, and
working days before the anchor get negative indices. A non-working date maps to the index of
the next working day, so ``to_index`` counts the working days in ``[anchor, date)``.

Every conversion is arithmetic on whole weeks plus a binary search over the sorted holidays,
so it costs O(log holidays) and needs no table that grows with the plan's length.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})

# date.fromordinal(1) is Monday 0001-01-01, so weekday(ordinal) == (ordinal - 1) % 7.
_FIRST_ORDINAL = 1


@dataclass(frozen=True)
class WorkCalendar:
    """Working weekdays (0 = Monday) and holidays, with indices counted from ``anchor``."""

    anchor: date
    working_weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = frozenset()
    _week_prefix: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _weekday_of_rank: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _holiday_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _holiday_ranks: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _anchor_rank: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weekdays = frozenset(self.working_weekdays)
        if not weekdays or not weekdays <= set(range(7)):
            raise ValueError(
                f"working_weekdays must be a non-empty subset of 0..6, got {sorted(weekdays)}"
            )
        prefix = [0]
        for weekday in range(7):
            prefix.append(prefix[-1] + (weekday in weekdays))
        holiday_ordinals = sorted(
            {day.toordinal() for day in self.holidays if day.weekday() in weekdays}
        )
        setattr_ = object.__setattr__
        setattr_(self, "working_weekdays", weekdays)
        setattr_(self, "holidays", frozenset(self.holidays))
        setattr_(self, "_week_prefix", tuple(prefix))
        setattr_(self, "_weekday_of_rank", tuple(sorted(weekdays)))
        setattr_(self, "_holiday_ordinals", tuple(holiday_ordinals))
        # The i-th holiday falls after exactly (weekday rank - i) real working days; searching
        # these keys tells how many holidays a given working-day rank has to skip.
        setattr_(
            self,
            "_holiday_ranks",
            tuple(
                self._weekday_rank(ordinal) - position
                for position, ordinal in enumerate(holiday_ordinals)
            ),
        )
        setattr_(self, "_anchor_rank", self._rank(self.anchor.toordinal()))

    def _weekday_rank(self, ordinal: int) -> int:
        """Working weekdays in [first ordinal, ordinal), ignoring holidays."""
        weeks, rest = divmod(ordinal - _FIRST_ORDINAL, 7)
        return weeks * len(self._weekday_of_rank) + self._week_prefix[rest]

    def _rank(self, ordinal: int) -> int:
        """Working days in [first ordinal, ordinal)."""
        return self._weekday_rank(ordinal) - bisect_left(self._holiday_ordinals, ordinal)

    def is_working_day(self, day: date) -> bool:
        """True when ``day`` is a working weekday and not a holiday."""
        return day.weekday() in self.working_weekdays and day not in self.holidays

    def to_index(self, day: date) -> int:
        """Working days in ``[anchor, day)``, negative when ``day`` is before the anchor."""
        return self._rank(day.toordinal()) - self._anchor_rank

    def to_date(self, index: int) -> date:
        """The working day whose index is ``index``."""
        rank = index + self._anchor_rank
        rank += bisect_right(self._holiday_ranks, rank)
        weeks, rest = divmod(rank, len(self._weekday_of_rank))
        return date.fromordinal(_FIRST_ORDINAL + weeks * 7 + self._weekday_of_rank[rest])

    def add_working_days(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (before it when negative); 0 returns ``day``.

        Like a spreadsheet's WORKDAY: ``day`` itself is never counted, so one working day after
        a Saturday is the Monday and one before it is the Friday.
        """
        if days == 0:
            return day
        if days > 0:
            return self.to_date(self.to_index(day + timedelta(days=1)) + days - 1)
        return self.to_date(self.to_index(day) + days)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open range ``[start, end)``; negative when end < start."""
        return self.to_index(end) - self.to_index(start)

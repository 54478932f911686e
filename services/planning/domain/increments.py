"""Incremental plans: what an increment may hold, its burn-down and the velocity across them.

An increment (an iteration or a release) has dates and delivers some of the plan's
requirements (their work packages); a requirement is in one increment at most, and those in
none are the backlog. An increment ends no later than the plan's due date: a later end needs an
approved change request that moves the due date first. Increments are numbered in the order
they start.

The burn-down of an increment is the effort (hours) of its requirements' tasks still open at
the end of each day, beside the ideal straight line from the total on its first day to zero on
its last. Velocity is the effort an increment completed; the plan's velocity is the mean over
its completed increments, and an increment is on time when it completed by its finish date.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from shared.errors import RuleViolation

INCREMENT_KINDS = ("iteration", "release")


def check_increment_dates(
    start: date, finish: date, due_date: date | None, previous_start: date | None
) -> None:
    """Refuse (422 naming the field) dates that end before they start, end after the plan's
    due date, or start before the increment planned before it."""
    if finish < start:
        raise RuleViolation(
            {"finish_date": "The increment ends before it starts."},
            detail="An increment's finish date may not lie before its start date.",
        )
    if due_date is not None and finish > due_date:
        raise RuleViolation(
            {
                "finish_date": f"After the plan's due date {due_date.isoformat()}; an approved "
                "change request must move the due date first."
            },
            detail="An increment may not end after the plan's due date without a change request.",
        )
    if previous_start is not None and start < previous_start:
        raise RuleViolation(
            {"start_date": f"Before the previous increment's start {previous_start.isoformat()}."},
            detail="Increments are ordered: each starts no earlier than the one before.",
        )


def check_requirements(
    requested: Sequence[Hashable],
    work_packages: Iterable[Hashable],
    scheduled: Mapping[Hashable, int],
    field: str = "requirement_ids",
) -> None:
    """Refuse (422 naming `field` and each id) a requirement listed twice, one without a work
    package in the plan, or one already in an increment (`scheduled`: requirement → number)."""
    known = set(work_packages)
    problems: dict[str, str] = {}
    seen: set = set()
    for requirement in requested:
        if requirement in seen:
            problems[str(requirement)] = "Listed twice."
        elif requirement not in known:
            problems[str(requirement)] = "Not a requirement of this plan."
        elif requirement in scheduled:
            problems[str(requirement)] = (
                f"Already in increment {scheduled[requirement]}: a requirement is in one "
                "increment at most (move it instead)."
            )
        seen.add(requirement)
    if problems:
        raise RuleViolation(
            {field: "; ".join(f"{requirement}: {text}" for requirement, text in problems.items())},
            detail="A requirement can be in one increment only, and must be one of the plan's.",
        )


@dataclass(frozen=True)
class Work:
    """A leaf task of an increment: its effort and the day it finished (None: open)."""

    effort_hours: float
    finished_on: date | None


@dataclass(frozen=True)
class BurndownDay:
    day: date
    ideal_hours: float
    remaining_hours: float | None  # None: a day still to come


def burndown(work: Sequence[Work], start: date, finish: date, today: date) -> list[BurndownDay]:
    """Remaining effort at the end of each calendar day from `start` to the later of `finish`
    and the last task's finish; days after `today` have no remaining figure yet."""
    total = sum(item.effort_hours for item in work)
    last = max([finish, *(item.finished_on for item in work if item.finished_on)])
    span = max((finish - start).days, 1)
    days = []
    for offset in range((last - start).days + 1):
        day = start + timedelta(days=offset)
        ideal = max(total * (1 - offset / span), 0.0)
        remaining = sum(
            item.effort_hours for item in work if item.finished_on is None or item.finished_on > day
        )
        days.append(BurndownDay(day, round(ideal, 1), None if day > today else round(remaining, 1)))
    return days


@dataclass(frozen=True)
class IncrementFigures:
    number: int
    name: str
    finish_date: date
    effort_hours: float
    completed_on: date | None

    @property
    def on_time(self) -> bool | None:
        return None if self.completed_on is None else self.completed_on <= self.finish_date


def velocity(increments: Sequence[IncrementFigures]) -> float | None:
    """Mean effort (hours) of the completed increments; None before the first completes."""
    done = [item.effort_hours for item in increments if item.completed_on is not None]
    return round(sum(done) / len(done), 1) if done else None

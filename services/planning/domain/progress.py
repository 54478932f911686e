"""What a progress report may say, and what follows from it.

A report gives a leaf task's percent complete (a milestone's is 0 or 100), and optionally its
actual start, actual finish, hours and cost. The task starts on its reported start, else on
the first report above 0 % (its scheduled start, or the report's day if that is earlier), and
forgets its start at 0 %. It finishes at 100 %: on its reported finish, else the finish it
already had, else the report's day; only a finished task has an actual finish. Progress
that goes backwards (a finished task resumed, a started one reset) needs a reason.

Progress is reported as of a status date (the data date): not before the plan's start and not
beyond today + 1 day (a report made late in the evening for tomorrow morning, no further).

After a report, a milestone whose predecessors are all done is reached on the day the last
of them finished, and so on down the chain; a plan whose every leaf is done is complete on the
day the last one finished.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from services.planning.domain.status import TASK_STATUS, task_status
from shared.errors import RuleViolation

TaskId = Hashable


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: A report that does not mention its actual start (as opposed to one that clears it).
UNSET = _Unset()


@dataclass(frozen=True)
class TaskState:
    """What the progress rules read of a task before the report."""

    summary: bool
    milestone: bool
    percent_complete: float
    actual_start: date | None
    actual_finish: date | None
    start_date: date | None


@dataclass(frozen=True)
class ProgressReport:
    """What a reporter says about a task, as of a day."""

    percent_complete: float
    as_of: date
    actual_start: date | None | _Unset = UNSET
    actual_finish: date | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Progress:
    """The task after the report; `action` is how its status moved (None: it did not)."""

    percent_complete: float
    actual_start: date | None
    actual_finish: date | None
    action: str | None
    milestone_reached: bool


def _refused(field: str, message: str) -> RuleViolation:
    return RuleViolation({field: message}, detail=message)


def report_progress(task: TaskState, report: ProgressReport) -> Progress:
    """The task's progress after `report`; RuleViolation if the report may not say that."""
    percent = report.percent_complete
    if task.summary:
        raise _refused("percent_complete", "A summary task's progress is rolled up.")
    if task.milestone and percent not in (0, 100):
        raise _refused("percent_complete", "A milestone is reached (100) or not (0).")
    if report.actual_finish and percent < 100:
        raise _refused("actual_finish", "Only a finished task (100 %) has an actual finish.")
    if percent < task.percent_complete and not (report.reason or "").strip():
        raise _refused(
            "reason",
            f"Progress cannot go back from {task.percent_complete:g} % to {percent:g} % "
            "without a reason.",
        )
    start = task.actual_start
    if report.actual_start is not UNSET:
        start = report.actual_start
    elif percent > 0 and start is None:
        start = min(task.start_date or report.as_of, report.as_of)
    elif percent == 0:
        start = None
    finish = None
    if percent >= 100:
        finish = report.actual_finish or task.actual_finish or report.as_of
        start = start or finish
        if finish < start:
            raise _refused("actual_finish", "The actual finish is before the actual start.")
    before, after = task_status(task.percent_complete), task_status(percent)
    action = None if before == after else TASK_STATUS.action_to(before, after)
    return Progress(
        percent_complete=percent,
        actual_start=start,
        actual_finish=finish,
        action=action,
        milestone_reached=task.milestone and action == "finish",
    )


def remaining_days(duration: int, percent_complete: float) -> int:
    """Working days left of a task `percent_complete` % done: duration x (1 - progress),
    rounded up (a task not finished has at least a day left)."""
    if percent_complete >= 100:
        return 0
    left = math.ceil(duration * (100 - percent_complete) / 100 - 1e-9)
    return max(left, 1) if duration > 0 else 0


def keeps_the_schedule(task: TaskState, progress: Progress, duration: int) -> bool:
    """True when the report that took `task` to `progress` leaves every input of the schedule
    as it was (the plan's status date unchanged is the caller's part): the task was started,
    stays started on the same day, was and is unfinished, and has as many of its `duration`'s
    working days left (a task in progress is pinned at its start for the days worked so far
    plus those left). Then the stored schedule stands: only the task and the roll-ups above it
    change."""
    return (
        not task.milestone
        and task.actual_start is not None
        and progress.actual_start == task.actual_start
        and task.actual_finish is None
        and progress.actual_finish is None
        and max(task.percent_complete, progress.percent_complete) < 100
        and remaining_days(duration, task.percent_complete)
        == remaining_days(duration, progress.percent_complete)
    )


#: How far past today a status date may lie (a report made in the evening for the next day).
STATUS_DATE_AHEAD = timedelta(days=1)


def check_status_date(status_date: date, plan_start: date, today: date) -> None:
    """RuleViolation unless ``plan_start <= status_date <= today + 1 day``."""
    if status_date < plan_start:
        raise _refused(
            "status_date",
            f"The status date {status_date} is before the plan starts ({plan_start}).",
        )
    if status_date > today + STATUS_DATE_AHEAD:
        raise _refused(
            "status_date",
            f"The status date {status_date} is in the future (today is {today}).",
        )


@dataclass(frozen=True)
class Leaf:
    """A leaf task as the follow-up of a report sees it."""

    id: TaskId
    milestone: bool
    done: bool
    actual_finish: date | None


def milestones_reached(
    leaves: Sequence[Leaf], waiting_on: Mapping[TaskId, Iterable[TaskId]], as_of: date
) -> dict[TaskId, date]:
    """The milestones not yet done whose predecessors all are, each with the day it is reached
    (the last predecessor's finish, `as_of` for one without), in the order they are reached;
    a milestone reached this way counts as done for the milestones after it."""
    by_id = {leaf.id: leaf for leaf in leaves}
    finished = {leaf.id: leaf.actual_finish or as_of for leaf in leaves if leaf.done}
    reached: dict[TaskId, date] = {}
    changed = True
    while changed:
        changed = False
        for leaf in leaves:
            before = [by_id[task_id] for task_id in waiting_on.get(leaf.id, ()) if task_id in by_id]
            if (
                leaf.milestone
                and leaf.id not in finished
                and before
                and all(task.id in finished for task in before)
            ):
                day = max(finished[task.id] for task in before)
                finished[leaf.id] = reached[leaf.id] = day
                changed = True
    return reached


def completion_day(leaves: Sequence[Leaf], as_of: date) -> date | None:
    """The day the plan's work is complete (the last finish), or None while any is left."""
    if not leaves or not all(leaf.done for leaf in leaves):
        return None
    return max(leaf.actual_finish or as_of for leaf in leaves)

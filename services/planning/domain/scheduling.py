"""Critical-path scheduling of a task network in working-day indices.

Conventions (all times are working-day indices from a :class:`WorkCalendar`'s anchor):

* A task of duration ``d`` that starts at index ``s`` finishes at index ``s + d``: the finish is
  exclusive, the first index on which the task no longer works. A task occupying working days
  0, 1 and 2 has start 0 and finish 3. A milestone has duration 0 and start == finish.
* A dependency says when the successor may start or finish relative to the predecessor, plus a
  lag in working days (negative = lead):

  ======  =====================================
  FS      successor start  >= predecessor finish + lag
  SS      successor start  >= predecessor start  + lag
  FF      successor finish >= predecessor finish + lag
  SF      successor finish >= predecessor start  + lag
  ======  =====================================

  So FS with lag 0 lets the successor start on the predecessor's (exclusive) finish index, the
  working day after its last working day.
* No task starts before index 0, the project start, whatever its leads; a task may also carry
  a "not before" index (a start-no-earlier-than constraint).
* A task may be *pinned* to a start index (``fixed_start``): work that has already started is a
  fact, so its start is that index whatever its predecessors, leads or "not before" say, and
  the links into it no longer bind (neither pass reads them; they still count for cycles). The
  links out of it do. Guarantee: a pinned task's early start is its ``fixed_start``, and no
  task's total float is negative.
* Total float = late start - early start; free float is how far a task can slip without moving
  any successor's early dates or the project finish. A task is critical when its total float
  is zero.

:func:`index_span_to_dates` turns an index span into inclusive calendar dates for people.

Every dependency type reduces to ``successor.start - predecessor.start >= offset``, which keeps
both passes to one addition and one comparison per dependency: the networks of 100,000 tasks
the planning service must handle are scheduled in a second or two.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from services.planning.domain.calendar import WorkCalendar

TaskId = Hashable


class DependencyType(StrEnum):
    """Which ends of the predecessor and successor a dependency links."""

    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


@dataclass(frozen=True, slots=True)
class Task:
    """A unit of work: ``duration`` working days (0 = milestone), optionally not before an index
    or pinned to a start index (``fixed_start``, which wins over everything else)."""

    id: TaskId
    duration: int
    not_before: int | None = None
    fixed_start: int | None = None


@dataclass(frozen=True, slots=True)
class Dependency:
    """``successor`` waits on ``predecessor`` as ``type`` says, shifted by ``lag`` working days."""

    predecessor: TaskId
    successor: TaskId
    type: DependencyType = DependencyType.FS
    lag: int = 0


class ScheduledTask(NamedTuple):
    """The early and late dates of one task, as indices, with its floats."""

    id: TaskId
    duration: int
    early_start: int
    early_finish: int
    late_start: int
    late_finish: int
    total_float: int
    free_float: int
    critical: bool


@dataclass(frozen=True)
class Schedule:
    """The result of :func:`schedule`: every task's dates, the project finish, a critical path."""

    tasks: dict[TaskId, ScheduledTask]
    project_finish: int
    critical_path: list[TaskId]


class ScheduleInputError(ValueError):
    """The task network cannot be scheduled as given."""


class NegativeDurationError(ScheduleInputError):
    """A task has a duration below zero."""


class SelfDependencyError(ScheduleInputError):
    """A dependency links a task to itself."""


class DuplicateTaskError(ScheduleInputError):
    """Two tasks share an id."""


class UnknownTaskError(ScheduleInputError):
    """A dependency names a task that is not in the network."""


class CycleError(ScheduleInputError):
    """The dependencies form a cycle; ``cycle`` lists its task ids in dependency order."""

    def __init__(self, cycle: list[TaskId]) -> None:
        self.cycle = cycle
        path = " -> ".join(str(task_id) for task_id in [*cycle, cycle[0]])
        super().__init__(f"dependencies form a cycle: {path}")


class ScheduleRangeError(ScheduleInputError):
    """A task's dates lie outside what the calendar can represent."""


LATEST_SCHEDULED_DAY = date(9998, 12, 31)
"""Schedules end by this day: a year before ``date.max``, so that the date arithmetic done on
scheduled dates (charts, daily load, earned value) cannot overflow."""


# For each type: does the gap between the starts include the predecessor's duration, and does
# it exclude the successor's? (FS: start_s >= start_p + d_p + lag, so (True, False).)
_DURATIONS_IN_OFFSET = {
    DependencyType.FS: (True, False),
    DependencyType.SS: (False, False),
    DependencyType.FF: (True, True),
    DependencyType.SF: (False, True),
}


def schedule(tasks: Sequence[Task], dependencies: Iterable[Dependency]) -> Schedule:
    """Forward and backward pass over the network: early/late dates, floats and a critical path.

    Raises :class:`NegativeDurationError`, :class:`DuplicateTaskError`,
    :class:`UnknownTaskError`, :class:`SelfDependencyError`, :class:`CycleError` or, for an
    unknown dependency type, :class:`ScheduleInputError` (all ``ValueError``).
    """
    ids = [task.id for task in tasks]
    position = {task_id: number for number, task_id in enumerate(ids)}
    if len(position) != len(ids):
        raise DuplicateTaskError(f"task ids must be unique: {_first_duplicate(ids)!r} repeats")
    durations = [task.duration for task in tasks]
    for task in tasks:
        if task.duration < 0:
            raise NegativeDurationError(
                f"task {task.id!r} has duration {task.duration}; durations must be >= 0"
            )
    count = len(ids)
    successors: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    waiting_on = [0] * count
    for dependency in dependencies:
        try:
            before = position[dependency.predecessor]
            after = position[dependency.successor]
        except KeyError as missing:
            raise UnknownTaskError(
                f"dependency {dependency.predecessor!r} -> {dependency.successor!r} "
                f"names unknown task {missing.args[0]!r}"
            ) from None
        if before == after:
            raise SelfDependencyError(f"task {dependency.predecessor!r} cannot depend on itself")
        try:
            adds_predecessor, subtracts_successor = _DURATIONS_IN_OFFSET[dependency.type]
        except KeyError:
            raise ScheduleInputError(
                f"dependency type must be one of FS, SS, FF, SF, got {dependency.type!r}"
            ) from None
        offset = dependency.lag
        if adds_predecessor:
            offset += durations[before]
        if subtracts_successor:
            offset -= durations[after]
        successors[before].append((after, offset))
        waiting_on[after] += 1

    early = [max(0, task.not_before or 0) for task in tasks]
    pinned = [task.fixed_start for task in tasks]
    any_pinned = any(start is not None for start in pinned)
    order = [number for number in range(count) if not waiting_on[number]]
    # Kahn's algorithm and the forward pass in one sweep: a task's early start is final once it
    # is dequeued. Iterating a list that grows as tasks become ready is the queue.
    for before in order:
        if any_pinned and pinned[before] is not None:
            early[before] = pinned[before]
        start = early[before]
        for after, offset in successors[before]:
            earliest = start + offset
            if earliest > early[after]:
                early[after] = earliest
            waiting_on[after] -= 1
            if not waiting_on[after]:
                order.append(after)
    if len(order) < count:
        raise CycleError([ids[number] for number in _find_cycle(successors, waiting_on)])
    if any_pinned:
        # From here on the links into a pinned task do not bind: drop them.
        successors = [
            [(after, offset) for after, offset in links if pinned[after] is None]
            for links in successors
        ]

    project_finish = max((early[n] + durations[n] for n in range(count)), default=0)
    late = [project_finish - duration for duration in durations]
    free = [0] * count
    for before in reversed(order):
        start = early[before]
        latest = late[before]
        slack = project_finish - start - durations[before]
        for after, offset in successors[before]:
            bound = late[after] - offset
            if bound < latest:
                latest = bound
            gap = early[after] - start - offset
            if gap < slack:
                slack = gap
        late[before] = latest
        free[before] = slack

    scheduled = {
        ids[n]: ScheduledTask(
            ids[n],
            durations[n],
            early[n],
            early[n] + durations[n],
            late[n],
            late[n] + durations[n],
            late[n] - early[n],
            free[n],
            late[n] == early[n],
        )
        for n in range(count)
    }
    path = _critical_path(order, successors, early, late, durations, project_finish)
    return Schedule(scheduled, project_finish, [ids[n] for n in path])


def _first_duplicate(ids: list[TaskId]) -> TaskId:
    seen = set()
    for task_id in ids:
        if task_id in seen:
            return task_id
        seen.add(task_id)
    raise AssertionError("no duplicate id")


def _find_cycle(successors: list[list[tuple[int, int]]], waiting_on: list[int]) -> list[int]:
    """One cycle among the tasks Kahn's algorithm could not release, in dependency order,
    starting from the task given first."""
    stuck = {number for number, count in enumerate(waiting_on) if count}
    # Every stuck task has a stuck predecessor, so walking predecessors must revisit a task.
    stuck_predecessor: dict[int, int] = {}
    for before in stuck:
        for after, _ in successors[before]:
            if after in stuck:
                stuck_predecessor.setdefault(after, before)
    walk: list[int] = []
    seen: dict[int, int] = {}
    current = min(stuck)
    while current not in seen:
        seen[current] = len(walk)
        walk.append(current)
        current = stuck_predecessor[current]
    cycle = list(reversed(walk[seen[current] :]))
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def _critical_path(
    order: list[int],
    successors: list[list[tuple[int, int]]],
    early: list[int],
    late: list[int],
    durations: list[int],
    project_finish: int,
) -> list[int]:
    """The chain of driving critical tasks that ends at the project finish, first to last.

    It ends at the last finisher in dependency order, so a closing milestone is on it."""
    finishers = [
        n for n in order if early[n] == late[n] and early[n] + durations[n] == project_finish
    ]
    if not finishers:
        return []
    driver: dict[int, int] = {}
    for before in order:
        if early[before] != late[before]:
            continue
        for after, offset in successors[before]:
            # A predecessor drives a task when the dependency alone fixes its early start.
            if (
                after not in driver
                and early[after] == late[after]
                and early[before] + offset == early[after]
            ):
                driver[after] = before
    path = [finishers[-1]]
    while path[-1] in driver:
        path.append(driver[path[-1]])
    path.reverse()
    return path


def index_span_to_dates(calendar: WorkCalendar, start: int, finish: int) -> tuple[date, date]:
    """Inclusive calendar dates of a task running from ``start`` to exclusive ``finish``.

    A task's last working day is index ``finish - 1``. A milestone (start == finish) marks the
    end of the working day before its index, like the finish of the task it follows; a
    milestone at the project start falls on the first working day. Raises
    :class:`ScheduleRangeError` for a task ending after :data:`LATEST_SCHEDULED_DAY`.
    """
    try:
        if finish > start:
            dates = calendar.to_date(start), calendar.to_date(finish - 1)
        else:
            day = calendar.to_date(finish - 1 if finish > 0 else finish)
            dates = day, day
    except (ValueError, OverflowError):  # beyond year 9999 (or before year 1)
        dates = None
    if dates is None or dates[1] > LATEST_SCHEDULED_DAY:
        raise ScheduleRangeError(f"it would run past {LATEST_SCHEDULED_DAY}")
    return dates


def dates_to_index_span(calendar: WorkCalendar, start: date, finish: date) -> tuple[int, int]:
    """The ``(start, exclusive finish)`` indices of a task worked from ``start`` to ``finish``."""
    return calendar.to_index(start), calendar.to_index(finish + timedelta(days=1))

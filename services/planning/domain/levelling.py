"""Resource loading and levelling: find over-allocated days and move tasks out of them.

Days are working-day indices as in :mod:`.scheduling`; a task loads its resources on every day
from its early start up to (not including) its early finish. Resources without a capacity are
unlimited. Two modes (:class:`LevellingMode`):

``within_float`` (:func:`level_resources`)
    Delays a non-critical task by giving it a "not before" start and rescheduling the whole
    network, so every dependency still holds. A delay is kept only when it stays within the
    task's total float (the project finish and every critical task stay where they were),
    lowers the total excess load and over-allocates no (resource, day) that was not already
    over-allocated: a move never creates the clash it then reports. What float cannot absorb
    is reported as unresolved.

``extend_finish`` (:func:`level_to_capacity`)
    Resource-constrained scheduling by the serial schedule generation scheme. Tasks are taken
    in a precedence-feasible order, each time the eligible task (every predecessor placed) of
    highest priority: critical first, then least total float, then the order given (WBS
    order). Each is placed at the earliest start that its predecessors allow (every link type
    and lag, as the scheduler reads them) and its "not before" allows, on which every resource
    it uses has room for its whole duration next to what is already placed and the load from
    other plans. The finish may move; the delays are reported per task and for the plan.
    Guarantees: every dependency holds; on no (resource, day) does the load exceed the
    capacity unless a single allocation alone exceeds it (placed where nothing else loads that
    resource, and reported) or the load from other plans already did; the result is exactly
    what the scheduler gives with the imposed "not before" starts.

Levelling is bounded: ``stop`` is asked between steps and ``progress`` told how far it got
(0 to 1). Within float, every step leaves a valid plan with less excess load, so a run told to
stop returns the best plan so far (``complete`` false, the rest reported as unresolved). The
serial scheme is one pass (O(n log n) placements) and always runs to its end.

In both modes a pinned task (one with actual dates: work that happened or has started is a
fact; given by id, or pinned for the scheduler with ``fixed_start``) never moves: it keeps the
start the scheduler gives it, its load is booked first, and the links into it no longer bind it
(the links out of it do). Unresolved over-allocations are only
the (resource, day) pairs this plan's own tasks load.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from services.planning.domain.scheduling import (
    Dependency,
    DependencyType,
    Schedule,
    Task,
    TaskId,
    schedule,
)

ResourceId = Hashable

# Loads are sums of fractional hours; a hair above capacity is rounding, not over-allocation.
_TOLERANCE = 1e-9


class LevellingMode(StrEnum):
    """Whether levelling keeps the finish (``within_float``) or may extend it."""

    WITHIN_FLOAT = "within_float"
    EXTEND_FINISH = "extend_finish"


@dataclass(frozen=True)
class Allocation:
    """``resource_id`` works ``hours_per_day`` on ``task_id`` on each of its working days."""

    task_id: TaskId
    resource_id: ResourceId
    hours_per_day: float


@dataclass(frozen=True)
class OverAllocation:
    """A resource booked beyond its capacity on one working day."""

    resource_id: ResourceId
    day: int
    load: float
    capacity: float


@dataclass(frozen=True)
class Move:
    """A task whose early start levelling changed."""

    task_id: TaskId
    old_start: int
    new_start: int

    @property
    def delay(self) -> int:
        """Working days the task moved."""
        return self.new_start - self.old_start


@dataclass(frozen=True)
class LevellingResult:
    """The levelled schedule, the tasks it moved, what it could not resolve, and the delays.

    ``not_before`` holds the start constraints levelling imposed, so that a caller can store
    them and reschedule to the same result; ``original_finish`` is the project finish before.
    """

    schedule: Schedule
    moves: list[Move]
    unresolved: list[OverAllocation]
    not_before: dict[TaskId, int]
    original_finish: int
    complete: bool = True  # False: told to stop, this is the best result found by then

    @property
    def finish_extension(self) -> int:
        """Working days the project finish moved (0 within float)."""
        return self.schedule.project_finish - self.original_finish


Load = dict[ResourceId, dict[int, float]]


def _never() -> bool:
    return False


def _ignore(_done: float) -> None:
    return None


@dataclass(frozen=True)
class Bounds:
    """When a levelling run should stop (asked between steps) and whom it tells its progress."""

    stop: Callable[[], bool] = _never
    progress: Callable[[float], None] = _ignore


UNBOUNDED = Bounds()


def daily_load(
    planned: Schedule,
    allocations: Iterable[Allocation],
    existing_load: Mapping[ResourceId, Mapping[int, float]] | None = None,
) -> Load:
    """Hours booked per resource per day: this plan's allocations plus load from other plans."""
    load: Load = defaultdict(lambda: defaultdict(float))
    for resource_id, days in (existing_load or {}).items():
        for day, hours in days.items():
            load[resource_id][day] += hours
    for allocation in allocations:
        task = planned.tasks[allocation.task_id]
        for day in range(task.early_start, task.early_finish):
            load[allocation.resource_id][day] += allocation.hours_per_day
    return {resource_id: dict(days) for resource_id, days in load.items()}


def over_allocations(load: Load, capacities: Mapping[ResourceId, float]) -> list[OverAllocation]:
    """Every (resource, day) loaded beyond capacity, by day; resources without one are unlimited."""
    found = [
        OverAllocation(resource_id, day, hours, capacities[resource_id])
        for resource_id, days in load.items()
        if resource_id in capacities
        for day, hours in days.items()
        if hours > capacities[resource_id] + _TOLERANCE
    ]
    found.sort(key=lambda over: (over.day, str(over.resource_id)))
    return found


def level(
    mode: LevellingMode,
    tasks: Sequence[Task],
    dependencies: Sequence[Dependency],
    allocations: Sequence[Allocation],
    capacities: Mapping[ResourceId, float],
    existing_load: Mapping[ResourceId, Mapping[int, float]] | None = None,
    pinned: Collection[TaskId] = frozenset(),
    bounds: Bounds = UNBOUNDED,
) -> LevellingResult:
    """Level in ``mode``: :func:`level_resources` or :func:`level_to_capacity`."""
    leveller = level_resources if mode == LevellingMode.WITHIN_FLOAT else level_to_capacity
    return leveller(tasks, dependencies, allocations, capacities, existing_load, pinned, bounds)


def level_resources(
    tasks: Sequence[Task],
    dependencies: Sequence[Dependency],
    allocations: Sequence[Allocation],
    capacities: Mapping[ResourceId, float],
    existing_load: Mapping[ResourceId, Mapping[int, float]] | None = None,
    pinned: Collection[TaskId] = frozenset(),
    bounds: Bounds = UNBOUNDED,
) -> LevellingResult:
    """Delay non-critical, unpinned tasks within their total float to remove over-allocations.

    Over-allocated days are handled earliest first. For each, the non-critical tasks of that
    resource working on that day are tried at each later start within their float, and the delay
    that lowers the total excess load most without over-allocating a new (resource, day) is
    kept. Days no delay can relieve are returned as unresolved.
    """
    leveller = _Leveller(tasks, dependencies, allocations, capacities, existing_load, pinned)
    return leveller.run(bounds)


class _Leveller:
    """The state of one levelling run: the original plan and the current, levelled one."""

    def __init__(
        self,
        tasks: Sequence[Task],
        dependencies: Sequence[Dependency],
        allocations: Sequence[Allocation],
        capacities: Mapping[ResourceId, float],
        existing_load: Mapping[ResourceId, Mapping[int, float]] | None,
        pinned: Collection[TaskId],
    ) -> None:
        self.given_tasks = list(tasks)
        self.dependencies = dependencies
        self.allocations = allocations
        self.capacities = capacities
        self.existing_load = existing_load
        self.original = schedule(tasks, dependencies)
        pinned = pinned_tasks(tasks, pinned)
        # Critical and pinned tasks keep their start; only the others are candidates to move.
        self.fixed_starts = {
            task_id: task.early_start
            for task_id, task in self.original.tasks.items()
            if task.critical or task_id in pinned
        }
        self.tasks_of: dict[ResourceId, list[TaskId]] = defaultdict(list)
        self.hours_of: dict[TaskId, dict[ResourceId, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        for allocation in allocations:
            self.tasks_of[allocation.resource_id].append(allocation.task_id)
            if allocation.resource_id in capacities:
                self.hours_of[allocation.task_id][allocation.resource_id] += (
                    allocation.hours_per_day
                )
        self._load: tuple[Schedule, Load] | None = None
        # What a delay pushes: each link as the least gap between the two starts; links into
        # a pinned task do not bind it.
        self.pinned = pinned
        durations = {task.id: task.duration for task in tasks}
        self.pushes: dict[TaskId, list[tuple[TaskId, int]]] = defaultdict(list)
        for dependency in dependencies:
            if dependency.successor not in pinned:
                self.pushes[dependency.predecessor].append(
                    (dependency.successor, start_offset(dependency, durations))
                )
        self.position = {task.id: number for number, task in enumerate(tasks)}

    def run(self, bounds: Bounds = UNBOUNDED) -> LevellingResult:
        tasks, current = self.given_tasks, self.original
        excess, overs = self._excess(current)
        given_up: set[tuple[ResourceId, int]] = set()
        complete, most = True, len(overs)
        while pending := [over for over in overs if (over.resource_id, over.day) not in given_up]:
            most = max(most, len(pending))
            bounds.progress(1 - len(pending) / most)
            if bounds.stop():
                complete = False
                break
            target = pending[0]
            improved = self._best_delay(target, tasks, current, excess, overs, bounds.stop)
            if improved is None:
                given_up.add((target.resource_id, target.day))
            else:
                tasks, current, excess, overs = improved
        imposed = {
            task.id: task.not_before
            for task, given in zip(tasks, self.given_tasks, strict=True)
            if task.not_before != given.not_before
        }
        return LevellingResult(
            current,
            moves_between(self.original, current),
            _own(overs, current, self.allocations),
            imposed,
            self.original.project_finish,
            complete,
        )

    def _excess(self, planned: Schedule) -> tuple[float, list[OverAllocation]]:
        load = daily_load(planned, self.allocations, self.existing_load)
        overs = over_allocations(load, self.capacities)
        return sum(over.load - over.capacity for over in overs), overs

    def _keeps_plan_shape(self, planned: Schedule) -> bool:
        return planned.project_finish == self.original.project_finish and all(
            planned.tasks[task_id].early_start == start
            for task_id, start in self.fixed_starts.items()
        )

    def _best_delay(
        self,
        target: OverAllocation,
        tasks: list[Task],
        current: Schedule,
        excess: float,
        overs: list[OverAllocation],
        stop: Callable[[], bool] = _never,
    ) -> tuple[list[Task], Schedule, float, list[OverAllocation]] | None:
        """The delay of a task loading ``target`` that lowers the excess most, if any does
        without over-allocating a (resource, day) that is not over-allocated now (the best
        found so far once told to ``stop``).

        Ties go to the task with more float, then to the earlier start.
        """
        clashing = {(over.resource_id, over.day) for over in overs}
        candidates = [
            current.tasks[task_id]
            for task_id in dict.fromkeys(self.tasks_of[target.resource_id])
            if task_id not in self.fixed_starts
            and current.tasks[task_id].total_float > 0
            and current.tasks[task_id].early_start
            <= target.day
            < current.tasks[task_id].early_finish
        ]
        candidates.sort(key=lambda task: -task.total_float)
        load = self._load_of(current)
        best = None
        for candidate in candidates:
            number = self.position[candidate.id]
            latest_start = candidate.early_start + candidate.total_float
            for new_start in range(target.day + 1, latest_start + 1):
                if stop():
                    return self._materialised(best, tasks, clashing)
                starts = self._pushed(current, candidate.id, new_start)
                if starts is None:  # it would move a critical or pinned task, or the finish
                    continue
                trial_excess, fits = self._moved(load, current, starts, excess, clashing)
                if (
                    fits
                    and trial_excess < excess - _TOLERANCE
                    and (best is None or trial_excess < best[2])
                ):
                    best = (number, new_start, trial_excess)
        return self._materialised(best, tasks, clashing)

    def _materialised(self, best, tasks: list[Task], clashing: set):
        """The best trial as (tasks, schedule, excess, over-allocations): scheduled now, once,
        the trials having been judged by the starts they push and the load they shift."""
        if best is None:
            return None
        number, new_start, _ = best
        trial_tasks = list(tasks)
        trial_tasks[number] = replace(tasks[number], not_before=new_start)
        trial = schedule(trial_tasks, self.dependencies)
        trial_excess, trial_overs = self._excess(trial)
        if not self._keeps_plan_shape(trial) or not all(
            (over.resource_id, over.day) in clashing for over in trial_overs
        ):
            return None  # what the judgement promised, checked on the real schedule
        return trial_tasks, trial, trial_excess, trial_overs

    def _load_of(self, current: Schedule) -> Load:
        if self._load is None or self._load[0] is not current:
            self._load = current, daily_load(current, self.allocations, self.existing_load)
        return self._load[1]

    def _pushed(self, current: Schedule, task_id: TaskId, new_start: int) -> dict | None:
        """The early starts that change when ``task_id`` may start no earlier than
        ``new_start`` (a forward pass over what it pushes, as the scheduler would give), or
        None if that moves a critical or pinned task or the project finish."""
        starts = {task_id: new_start}
        waiting = [task_id]
        while waiting:
            before = waiting.pop()
            for after, offset in self.pushes.get(before, ()):
                bound = starts[before] + offset
                if bound > starts.get(after, current.tasks[after].early_start):
                    if after in self.fixed_starts:
                        return None
                    starts[after] = bound
                    waiting.append(after)
        finish = current.project_finish
        if any(start + current.tasks[moved].duration > finish for moved, start in starts.items()):
            return None
        return starts

    def _moved(
        self,
        load: Load,
        current: Schedule,
        starts: Mapping[TaskId, int],
        excess: float,
        clashing: set[tuple[ResourceId, int]],
    ) -> tuple[float, bool]:
        """The total excess once the tasks of ``starts`` start there, and whether that
        over-allocates no (resource, day) that is not over-allocated now."""
        change: dict[tuple[ResourceId, int], float] = defaultdict(float)
        for task_id, start in starts.items():
            planned = current.tasks[task_id]
            shift = start - planned.early_start
            for resource_id, hours in self.hours_of.get(task_id, {}).items():
                for day in range(planned.early_start, planned.early_finish):
                    change[resource_id, day] -= hours
                    change[resource_id, day + shift] += hours
        fits = True
        for (resource_id, day), delta in change.items():
            capacity = self.capacities[resource_id]
            before = load.get(resource_id, {}).get(day, 0.0)
            after = before + delta
            excess += _over(after, capacity) - _over(before, capacity)
            if after > capacity + _TOLERANCE and (resource_id, day) not in clashing:
                fits = False
        return excess, fits


def _over(load: float, capacity: float) -> float:
    """What a day's load adds to the excess: as over_allocations counts it."""
    return load - capacity if load > capacity + _TOLERANCE else 0.0


def level_to_capacity(
    tasks: Sequence[Task],
    dependencies: Sequence[Dependency],
    allocations: Sequence[Allocation],
    capacities: Mapping[ResourceId, float],
    existing_load: Mapping[ResourceId, Mapping[int, float]] | None = None,
    pinned: Collection[TaskId] = frozenset(),
    bounds: Bounds = UNBOUNDED,
) -> LevellingResult:
    """Resource-constrained levelling that may extend the finish (serial schedule generation).

    Raises what :func:`.scheduling.schedule` raises for a network it cannot schedule.
    """
    original = schedule(tasks, dependencies)
    pinned = pinned_tasks(tasks, pinned)
    durations = {task.id: task.duration for task in tasks}
    demands: dict[TaskId, dict[ResourceId, float]] = defaultdict(lambda: defaultdict(float))
    for allocation in allocations:
        if allocation.resource_id in capacities:
            demands[allocation.task_id][allocation.resource_id] += allocation.hours_per_day
    booked = _Profile(capacities, existing_load)

    starts: dict[TaskId, int] = {}
    for task_id in pinned:
        starts[task_id] = original.tasks[task_id].early_start
        booked.add(demands.get(task_id, {}), starts[task_id], durations[task_id])

    predecessors: dict[TaskId, list[tuple[TaskId, int]]] = defaultdict(list)
    successors: dict[TaskId, list[TaskId]] = defaultdict(list)
    waiting_on = dict.fromkeys(durations, 0)
    for dependency in dependencies:
        after = dependency.successor
        if after in pinned:
            continue
        offset = start_offset(dependency, durations)
        predecessors[after].append((dependency.predecessor, offset))
        if dependency.predecessor not in pinned:
            successors[dependency.predecessor].append(after)
            waiting_on[after] += 1

    def priority(number: int, task: Task) -> tuple[bool, int, int, TaskId]:
        planned = original.tasks[task.id]
        return (not planned.critical, planned.total_float, number, task.id)

    ready = [
        priority(number, task)
        for number, task in enumerate(tasks)
        if task.id not in pinned and not waiting_on[task.id]
    ]
    heapq.heapify(ready)
    numbers = {task.id: number for number, task in enumerate(tasks)}
    by_id = {task.id: task for task in tasks}
    while ready:
        if len(starts) % 100 == 0:
            bounds.progress(len(starts) / len(tasks))
        task_id = heapq.heappop(ready)[-1]
        task = by_id[task_id]
        earliest = max(
            [0, task.not_before or 0]
            + [starts[before] + offset for before, offset in predecessors[task_id]]
        )
        starts[task_id] = booked.first_fit(demands.get(task_id, {}), earliest, task.duration)
        booked.add(demands.get(task_id, {}), starts[task_id], task.duration)
        for after in successors[task_id]:
            waiting_on[after] -= 1
            if not waiting_on[after]:
                heapq.heappush(ready, priority(numbers[after], by_id[after]))

    imposed = {
        task_id: start
        for task_id, start in starts.items()
        if task_id not in pinned and start != original.tasks[task_id].early_start
    }
    levelled_tasks = [
        replace(task, not_before=imposed[task.id]) if task.id in imposed else task for task in tasks
    ]
    # Links into a pinned task no longer bind it; pinning it with "not before" its start keeps
    # it there unless a link pushed it there in the first place.
    kept_links = [dependency for dependency in dependencies if dependency.successor not in pinned]
    levelled_tasks = [
        replace(task, not_before=starts[task.id]) if task.id in pinned else task
        for task in levelled_tasks
    ]
    levelled = schedule(levelled_tasks, kept_links)
    load = daily_load(levelled, allocations, existing_load)
    return LevellingResult(
        levelled,
        moves_between(original, levelled),
        _own(over_allocations(load, capacities), levelled, allocations),
        imposed,
        original.project_finish,
    )


class _Profile:
    """Hours booked per resource per day, and where a task's demands fit next to them."""

    def __init__(
        self,
        capacities: Mapping[ResourceId, float],
        existing_load: Mapping[ResourceId, Mapping[int, float]] | None,
    ) -> None:
        self.capacities = capacities
        self.load: dict[ResourceId, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for resource_id, days in (existing_load or {}).items():
            for day, hours in days.items():
                self.load[resource_id][day] += hours

    def first_fit(self, demand: Mapping[ResourceId, float], earliest: int, duration: int) -> int:
        """The first start from ``earliest`` at which ``demand`` fits for ``duration`` days.

        An allocation above the capacity alone fits only where nothing else loads its resource.
        The load is finite, so there is always such a start.
        """
        start = earliest
        while True:
            blocked = self._first_blocked_day(demand, start, duration)
            if blocked is None:
                return start
            # Every start up to the blocked day would work on it too.
            start = blocked + 1

    def _first_blocked_day(
        self, demand: Mapping[ResourceId, float], start: int, duration: int
    ) -> int | None:
        """The last day of the window on which some resource has no room, if any."""
        blocked = None
        for resource_id, hours in demand.items():
            limit = max(self.capacities[resource_id], hours) + _TOLERANCE
            days = self.load[resource_id]
            for day in range(start + duration - 1, start - 1, -1):
                if days.get(day, 0.0) + hours > limit:
                    if blocked is None or day > blocked:
                        blocked = day
                    break
        return blocked

    def add(self, demand: Mapping[ResourceId, float], start: int, duration: int) -> None:
        for resource_id, hours in demand.items():
            days = self.load[resource_id]
            for day in range(start, start + duration):
                days[day] += hours


def pinned_tasks(tasks: Iterable[Task], pinned: Collection[TaskId]) -> set[TaskId]:
    """The tasks named in ``pinned`` and those the scheduler pins (``fixed_start``)."""
    return {task.id for task in tasks if task.id in pinned or task.fixed_start is not None}


def start_offset(dependency: Dependency, durations: Mapping[TaskId, int]) -> int:
    """The least gap between the predecessor's and the successor's start the link demands."""
    offset = dependency.lag
    if dependency.type in (DependencyType.FS, DependencyType.FF):
        offset += durations[dependency.predecessor]
    if dependency.type in (DependencyType.FF, DependencyType.SF):
        offset -= durations[dependency.successor]
    return offset


def moves_between(before: Schedule, after: Schedule) -> list[Move]:
    """The tasks whose early start differs, in the order of ``before``."""
    return [
        Move(task_id, planned.early_start, after.tasks[task_id].early_start)
        for task_id, planned in before.tasks.items()
        if after.tasks[task_id].early_start != planned.early_start
    ]


def _own(
    overs: list[OverAllocation], planned: Schedule, allocations: Iterable[Allocation]
) -> list[OverAllocation]:
    """The over-allocations on (resource, day) pairs that this plan's tasks load."""
    loaded = set()
    for allocation in allocations:
        task = planned.tasks[allocation.task_id]
        loaded.update(
            (allocation.resource_id, day) for day in range(task.early_start, task.early_finish)
        )
    return [over for over in overs if (over.resource_id, over.day) in loaded]

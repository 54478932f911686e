"""Resource loading and levelling: find over-allocated days and delay tasks within their float.

Days are working-day indices as in :mod:`.scheduling`; a task loads its resources on every day
from its early start up to (not including) its early finish. Levelling delays a non-critical
task by giving it a "not before" start and rescheduling the whole network, so every dependency
still holds. A delay is kept only when it stays within the task's total float (the project
finish and every critical task stay where they were) and lowers the total excess load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from services.planning.domain.scheduling import Dependency, Schedule, Task, TaskId, schedule

ResourceId = Hashable

# Loads are sums of fractional hours; a hair above capacity is rounding, not over-allocation.
_TOLERANCE = 1e-9


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


@dataclass(frozen=True)
class LevellingResult:
    """The levelled schedule, the tasks it moved, what it could not resolve, and the delays.

    ``not_before`` holds the start constraints levelling imposed, so that a caller can store
    them and reschedule to the same result.
    """

    schedule: Schedule
    moves: list[Move]
    unresolved: list[OverAllocation]
    not_before: dict[TaskId, int]


Load = dict[ResourceId, dict[int, float]]


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


def level_resources(
    tasks: Sequence[Task],
    dependencies: Sequence[Dependency],
    allocations: Sequence[Allocation],
    capacities: Mapping[ResourceId, float],
    existing_load: Mapping[ResourceId, Mapping[int, float]] | None = None,
) -> LevellingResult:
    """Delay non-critical tasks within their total float to remove over-allocations.

    Over-allocated days are handled earliest first. For each, the non-critical tasks of that
    resource working on that day are tried at each later start within their float, and the delay
    that lowers the total excess load most is kept. Days no delay can relieve are returned as
    unresolved.
    """
    return _Leveller(tasks, dependencies, allocations, capacities, existing_load).run()


class _Leveller:
    """The state of one levelling run: the original plan and the current, levelled one."""

    def __init__(
        self,
        tasks: Sequence[Task],
        dependencies: Sequence[Dependency],
        allocations: Sequence[Allocation],
        capacities: Mapping[ResourceId, float],
        existing_load: Mapping[ResourceId, Mapping[int, float]] | None,
    ) -> None:
        self.given_tasks = list(tasks)
        self.dependencies = dependencies
        self.allocations = allocations
        self.capacities = capacities
        self.existing_load = existing_load
        self.original = schedule(tasks, dependencies)
        self.critical_starts = {
            task_id: task.early_start
            for task_id, task in self.original.tasks.items()
            if task.critical
        }
        self.tasks_of: dict[ResourceId, list[TaskId]] = defaultdict(list)
        for allocation in allocations:
            self.tasks_of[allocation.resource_id].append(allocation.task_id)
        self.position = {task.id: number for number, task in enumerate(tasks)}

    def run(self) -> LevellingResult:
        tasks, current = self.given_tasks, self.original
        excess, overs = self._excess(current)
        given_up: set[tuple[ResourceId, int]] = set()
        while pending := [over for over in overs if (over.resource_id, over.day) not in given_up]:
            target = pending[0]
            improved = self._best_delay(target, tasks, current, excess)
            if improved is None:
                given_up.add((target.resource_id, target.day))
            else:
                tasks, current, excess, overs = improved
        moves = [
            Move(task_id, before.early_start, current.tasks[task_id].early_start)
            for task_id, before in self.original.tasks.items()
            if current.tasks[task_id].early_start != before.early_start
        ]
        imposed = {
            task.id: task.not_before
            for task, given in zip(tasks, self.given_tasks, strict=True)
            if task.not_before != given.not_before
        }
        return LevellingResult(current, moves, overs, imposed)

    def _excess(self, planned: Schedule) -> tuple[float, list[OverAllocation]]:
        load = daily_load(planned, self.allocations, self.existing_load)
        overs = over_allocations(load, self.capacities)
        return sum(over.load - over.capacity for over in overs), overs

    def _keeps_plan_shape(self, planned: Schedule) -> bool:
        return planned.project_finish == self.original.project_finish and all(
            planned.tasks[task_id].early_start == start
            for task_id, start in self.critical_starts.items()
        )

    def _best_delay(
        self, target: OverAllocation, tasks: list[Task], current: Schedule, excess: float
    ) -> tuple[list[Task], Schedule, float, list[OverAllocation]] | None:
        """The delay of a task loading ``target`` that lowers the excess most, if any does.

        Ties go to the task with more float, then to the earlier start.
        """
        candidates = [
            current.tasks[task_id]
            for task_id in dict.fromkeys(self.tasks_of[target.resource_id])
            if task_id not in self.critical_starts
            and current.tasks[task_id].total_float > 0
            and current.tasks[task_id].early_start
            <= target.day
            < current.tasks[task_id].early_finish
        ]
        candidates.sort(key=lambda task: -task.total_float)
        best = None
        for candidate in candidates:
            number = self.position[candidate.id]
            latest_start = candidate.early_start + candidate.total_float
            for new_start in range(target.day + 1, latest_start + 1):
                trial_tasks = list(tasks)
                trial_tasks[number] = replace(tasks[number], not_before=new_start)
                trial = schedule(trial_tasks, self.dependencies)
                if not self._keeps_plan_shape(trial):
                    continue
                trial_excess, trial_overs = self._excess(trial)
                if trial_excess < excess - _TOLERANCE and (best is None or trial_excess < best[2]):
                    best = trial_tasks, trial, trial_excess, trial_overs
        return best

"""Small PSPLIB-style instances and their optimal makespan by branch and bound.

An instance is a single-mode resource-constrained project: tasks with durations, finish-to-start
predecessors (always earlier tasks, so the index order is a topological order), a demand per
task and renewable resource, and a capacity per resource no single demand exceeds. Instances are
made from a seed, as PSPLIB's generator makes them from its parameters: durations 1-6, one to
three predecessors, each task using each resource with probability 0.6 (the resource factor)
and capacities tight enough that tasks compete.

:func:`optimal_makespan` enumerates activity lists depth first, each decoded by its own serial
schedule generation (every task at the earliest start its predecessors and the resources left
allow). The schedules so decoded are the active schedules, among which is an optimal one, so
the least makespan found is the optimum. It prunes a partial schedule already decoded the same
way by another list and one whose lower bound (the longest remaining path from where its
predecessors let each task start) reaches the best makespan found; small instances (8-10
tasks) take well under a second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from services.planning.domain.levelling import Allocation
from services.planning.domain.scheduling import Dependency, Task


@dataclass(frozen=True)
class Instance:
    """Task ``j`` runs ``durations[j]`` days after every task in ``predecessors[j]`` and uses
    ``demands[j][r]`` of resource ``r``'s ``capacities[r]`` on each of them."""

    durations: list[int]
    predecessors: list[list[int]]
    demands: list[list[int]]
    capacities: list[int]

    def as_network(self) -> tuple[list[Task], list[Dependency], list[Allocation], dict]:
        """Tasks, FS links, allocations and capacities as the levelling domain takes them."""
        tasks = [Task(f"J{j}", duration) for j, duration in enumerate(self.durations)]
        links = [
            Dependency(f"J{before}", f"J{j}")
            for j, before_all in enumerate(self.predecessors)
            for before in before_all
        ]
        allocations = [
            Allocation(f"J{j}", f"R{r}", demand)
            for j, row in enumerate(self.demands)
            for r, demand in enumerate(row)
            if demand
        ]
        capacities = {f"R{r}": capacity for r, capacity in enumerate(self.capacities)}
        return tasks, links, allocations, capacities


def make_instance(seed: int, task_count: int = 8, resource_count: int = 2) -> Instance:
    """A seeded random instance of ``task_count`` tasks over ``resource_count`` resources."""
    rng = random.Random(seed)
    capacities = [rng.randint(4, 8) for _ in range(resource_count)]
    durations = [rng.randint(1, 6) for _ in range(task_count)]
    predecessors = [
        sorted(rng.sample(range(j), min(j, rng.randint(1, 3)))) if j else []
        for j in range(task_count)
    ]
    demands = [
        [rng.randint(1, capacity) if rng.random() < 0.6 else 0 for capacity in capacities]
        for _ in range(task_count)
    ]
    return Instance(durations, predecessors, demands, capacities)


def optimal_makespan(instance: Instance) -> int:
    """The least makespan of any resource- and precedence-feasible schedule of ``instance``."""
    count = len(instance.durations)
    durations = instance.durations
    successors: list[list[int]] = [[] for _ in range(count)]
    for j, before_all in enumerate(instance.predecessors):
        for before in before_all:
            successors[before].append(j)
    tail = list(durations)  # the longest path from a task's start to the end
    for j in reversed(range(count)):
        tail[j] = durations[j] + max((tail[after] for after in successors[j]), default=0)
    horizon = sum(durations) + 1
    used = [[0] * horizon for _ in instance.capacities]
    starts: list[int | None] = [None] * count
    best = [sum(durations)]
    seen: set[tuple] = set()

    def fits(j: int, start: int) -> bool:
        return all(
            used[r][day] + instance.demands[j][r] <= capacity
            for r, capacity in enumerate(instance.capacities)
            if instance.demands[j][r]
            for day in range(start, start + durations[j])
        )

    def book(j: int, start: int, sign: int) -> None:
        for r, demand in enumerate(instance.demands[j]):
            for day in range(start, start + durations[j]):
                used[r][day] += sign * demand

    def lower_bound(makespan: int) -> int:
        earliest = [0] * count
        bound = makespan
        for j in range(count):
            ready = max(
                (
                    starts[b] + durations[b]
                    if starts[b] is not None
                    else earliest[b] + durations[b]
                    for b in instance.predecessors[j]
                ),
                default=0,
            )
            earliest[j] = ready
            if starts[j] is None:
                bound = max(bound, ready + tail[j])
        return bound

    def search(makespan: int) -> None:
        state = tuple(starts)
        if state in seen:
            return
        seen.add(state)
        if all(start is not None for start in starts):
            best[0] = min(best[0], makespan)
            return
        if lower_bound(makespan) >= best[0]:
            return
        for j in range(count):
            if starts[j] is not None or any(starts[b] is None for b in instance.predecessors[j]):
                continue
            start = max((starts[b] + durations[b] for b in instance.predecessors[j]), default=0)
            while not fits(j, start):
                start += 1
            starts[j] = start
            book(j, start, 1)
            search(max(makespan, start + durations[j]))
            book(j, start, -1)
            starts[j] = None

    search(0)
    return best[0]


def makespan_is_feasible(instance: Instance, starts: list[int]) -> bool:
    """Whether ``starts`` keep every predecessor and every capacity."""
    durations = instance.durations
    for j, before_all in enumerate(instance.predecessors):
        if any(starts[j] < starts[b] + durations[b] for b in before_all):
            return False
    end = max((s + d for s, d in zip(starts, durations, strict=True)), default=0)
    for r, capacity in enumerate(instance.capacities):
        for day in range(end):
            load = sum(
                instance.demands[j][r]
                for j in range(len(durations))
                if starts[j] <= day < starts[j] + durations[j]
            )
            if load > capacity:
                return False
    return True

"""Benchmark: levelling 500 tasks on 20 resources to capacity, against levelling within float.

Run with ``python tests/bench/bench_levelling.py``. Builds a seeded random network (durations
1-10 working days, each task linked FS/SS/FF/SF with a lag of -1..2 to up to two of the eight
tasks before it, each on one or two of 20 resources at 2-8 hours a day, 8 hours of capacity
each), then in the same process times the within-float levelling (the baseline, once: it takes
a minute or more) and the serial-SGS levelling that may extend the finish (best of 5), and
prints both times with their ratio, the finish extension and the remaining conflicts. Last, the mean
gap of the serial SGS to the optimum (branch and bound) on small PSPLIB-style instances.
"""

from __future__ import annotations

import gc
import math
import platform
import random
import sys
import time
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "unit" / "planning"))

from psplib_instances import make_instance, optimal_makespan  # noqa: E402

from services.planning.domain.levelling import (  # noqa: E402
    Allocation,
    daily_load,
    level_resources,
    level_to_capacity,
    over_allocations,
)
from services.planning.domain.scheduling import (  # noqa: E402
    Dependency,
    DependencyType,
    Task,
    schedule,
)

TASKS, RESOURCES, WINDOW = 500, 20, 8
CAPACITY = 8.0
REPEATS = 5  # the within-float baseline takes a minute or more: it runs once
SEED = 20261201
SMALL_INSTANCES = 60


def loaded_network(seed: int) -> tuple[list[Task], list[Dependency], list[Allocation], dict]:
    """Each task waits on up to two of the eight before it (a plan of long, interleaved chains),
    by a random link type and lag, and uses one or two resources."""
    rng = random.Random(seed)
    tasks = [Task(f"T{number}", rng.randint(1, 10)) for number in range(TASKS)]
    edges = {
        (rng.randint(max(0, after - WINDOW), after - 1), after)
        for after in range(1, TASKS)
        for _ in range(2)
    }
    links = [
        Dependency(f"T{before}", f"T{after}", rng.choice(list(DependencyType)), rng.randint(-1, 2))
        for before, after in sorted(edges)
    ]
    resources = [f"R{number}" for number in range(RESOURCES)]
    allocations = [
        Allocation(task.id, resource, float(rng.choice([2, 4, 6, 8])))
        for task in tasks
        for resource in rng.sample(resources, rng.randint(1, 2))
    ]
    return tasks, links, allocations, dict.fromkeys(resources, CAPACITY)


def best_of(repeats: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    print(f"python {platform.python_version()}, extend finish best of {REPEATS}")
    tasks, links, allocations, capacities = loaded_network(SEED)
    planned = schedule(tasks, links)
    before = over_allocations(daily_load(planned, allocations), capacities)
    print(
        f"{TASKS} tasks, {len(links)} links, {RESOURCES} resources, "
        f"{len(allocations)} allocations: "
        f"finish {planned.project_finish}, {len(before)} over-allocated resource-days"
    )
    within_seconds, within = best_of(
        1, lambda: level_resources(tasks, links, allocations, capacities)
    )
    extend_seconds, extended = best_of(
        REPEATS, lambda: level_to_capacity(tasks, links, allocations, capacities)
    )
    remaining = over_allocations(daily_load(extended.schedule, allocations), capacities)
    print(
        f"within float (baseline): {within_seconds:.3f} s, {len(within.moves)} moves, "
        f"finish extension {within.finish_extension}, remaining conflicts {len(within.unresolved)}"
    )
    print(
        f"extend finish (serial SGS): {extend_seconds:.3f} s, {len(extended.moves)} moves, "
        f"finish {extended.schedule.project_finish} (extension {extended.finish_extension} "
        f"working days, {extended.finish_extension / planned.project_finish:.0%}), "
        f"remaining conflicts {len(remaining)}"
    )
    durations = {task.id: task.duration for task in tasks}
    work: dict[str, float] = {}
    for allocation in allocations:
        hours = allocation.hours_per_day * durations[allocation.task_id]
        work[allocation.resource_id] = work.get(allocation.resource_id, 0.0) + hours
    bound = max(planned.project_finish, *(math.ceil(hours / CAPACITY) for hours in work.values()))
    print(
        f"lower bound on the finish (network, or the busiest resource's hours / capacity): "
        f"{bound}; the levelled finish is {extended.schedule.project_finish / bound:.2f}x it"
    )
    print(
        f"time ratio within float / extend finish: {within_seconds / extend_seconds:,.0f} "
        f"(extend finish takes {extend_seconds / within_seconds:.5f} of the baseline's time)"
    )

    gaps = []
    began = time.perf_counter()
    for seed in range(SMALL_INSTANCES):
        instance = make_instance(seed, task_count=8 + seed % 3)
        network = instance.as_network()
        heuristic = level_to_capacity(*network).schedule.project_finish
        optimum = optimal_makespan(instance)
        gaps.append((heuristic - optimum) / optimum)
    optimal = sum(gap == 0 for gap in gaps)
    print(
        f"{SMALL_INSTANCES} PSPLIB-style instances (8-10 tasks, 2 resources): mean gap to "
        f"optimum {mean(gaps):.1%}, max {max(gaps):.1%}, optimal in {optimal} "
        f"({time.perf_counter() - began:.1f} s with the brute force)"
    )


if __name__ == "__main__":
    main()

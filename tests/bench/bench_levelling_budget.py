"""Benchmark: levelling 500 and 2,000 tasks on 20 resources within a time budget.

Run with ``python tests/bench/bench_levelling_budget.py [budget_seconds]`` (default 8, the
ORDO_LEVELLING_BUDGET_SECONDS default). The networks are bench_levelling.py's seeded random
plans. For each size, in the same run: within-float levelling bounded by the budget (as the
worker runs a job: it stops with the best plan so far) and the serial SGS (extend_finish, one
pass). Quality is the over-allocated resource-days and excess hours left, against the plan
before levelling.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "unit" / "planning"))

import bench_levelling  # noqa: E402

from services.planning.domain.levelling import (  # noqa: E402
    Bounds,
    LevellingMode,
    daily_load,
    level,
    over_allocations,
)
from services.planning.domain.scheduling import schedule  # noqa: E402


def excess(planned, allocations, capacities) -> tuple[int, float]:
    overs = over_allocations(daily_load(planned, allocations), capacities)
    return len(overs), sum(over.load - over.capacity for over in overs)


def main(budget: float) -> None:
    for size in (500, 2000):
        bench_levelling.TASKS = size
        tasks, links, allocations, capacities = bench_levelling.loaded_network(bench_levelling.SEED)
        planned = schedule(tasks, links)
        days, hours = excess(planned, allocations, capacities)
        print(
            f"{size} tasks, {len(links)} links, 20 resources: {days} over-allocated "
            f"resource-days ({hours:,.0f} h over), finish {planned.project_finish}"
        )
        for mode in LevellingMode:
            started = time.perf_counter()
            bounds = Bounds(stop=lambda began=started: time.perf_counter() - began > budget)
            result = level(mode, tasks, links, allocations, capacities, bounds=bounds)
            took = time.perf_counter() - started
            left_days, left_hours = excess(result.schedule, allocations, capacities)
            print(
                f"  {mode:<13} {took:6.2f} s ({took / budget:4.2f}x the {budget:g} s budget, "
                f"{'complete' if result.complete else 'stopped at the budget'}): "
                f"{len(result.moves)} moves, {left_days} resource-days left "
                f"({left_days / max(days, 1):.0%}), {left_hours:,.0f} h over "
                f"({left_hours / max(hours, 1):.0%}), finish +{result.finish_extension} days"
            )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 8.0)

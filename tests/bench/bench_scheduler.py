"""Benchmark: the critical-path scheduler against networkx's dag_longest_path on the same DAGs.

Run with ``python tests/bench/bench_scheduler.py``. Builds seeded random DAGs, times networkx
``dag_longest_path`` (edge weight = predecessor duration, which is the FS longest path) and the
full two-pass :func:`schedule` with floats in the same process, and prints both and the ratio.
"""

from __future__ import annotations

import gc
import platform
import random
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.planning.domain.scheduling import (  # noqa: E402
    Dependency,
    DependencyType,
    Task,
    schedule,
)

SIZES = [(10_000, 20_000), (100_000, 200_000)]
REPEATS = 3
SEED = 20261126


def random_network(
    task_count: int, dependency_count: int, seed: int, mixed_types: bool = False
) -> tuple[list[Task], list[Dependency]]:
    """Tasks with 0-10 working days and distinct forward edges in a random topological order."""
    rng = random.Random(seed)
    tasks = [Task(f"T{number}", rng.randint(0, 10)) for number in range(task_count)]
    rank = list(range(task_count))
    rng.shuffle(rank)
    edges: set[tuple[int, int]] = set()
    while len(edges) < dependency_count:
        first, second = rng.randrange(task_count), rng.randrange(task_count)
        if first != second:
            edges.add((first, second) if rank[first] < rank[second] else (second, first))
    types = list(DependencyType) if mixed_types else [DependencyType.FS]
    dependencies = [
        Dependency(
            tasks[before].id,
            tasks[after].id,
            rng.choice(types),
            rng.randint(-2, 3) if mixed_types else 0,
        )
        for before, after in sorted(edges)
    ]
    return tasks, dependencies


def best_of(repeats: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        gc.collect()
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    print(f"python {platform.python_version()}, networkx {nx.__version__}, best of {REPEATS}")
    for task_count, dependency_count in SIZES:
        tasks, dependencies = random_network(task_count, dependency_count, SEED)
        durations = {task.id: task.duration for task in tasks}
        graph = nx.DiGraph()
        graph.add_nodes_from(durations)
        graph.add_weighted_edges_from(
            (dep.predecessor, dep.successor, durations[dep.predecessor]) for dep in dependencies
        )
        networkx_seconds, longest = best_of(
            REPEATS, lambda graph=graph: nx.dag_longest_path(graph, weight="weight")
        )
        ours_seconds, result = best_of(
            REPEATS, lambda tasks=tasks, deps=dependencies: schedule(tasks, deps)
        )
        longest_finish = sum(durations[task_id] for task_id in longest)
        assert result.project_finish >= longest_finish
        mixed_tasks, mixed_deps = random_network(task_count, dependency_count, SEED, True)
        mixed_seconds, _ = best_of(REPEATS, lambda t=mixed_tasks, d=mixed_deps: schedule(t, d))
        print(
            f"{task_count:>7,} tasks {dependency_count:>7,} deps: "
            f"networkx dag_longest_path {networkx_seconds:.3f} s, "
            f"schedule (FS) {ours_seconds:.3f} s, ratio {ours_seconds / networkx_seconds:.2f}, "
            f"schedule (mixed types and lags) {mixed_seconds:.3f} s, "
            f"project finish {result.project_finish}, critical path {len(result.critical_path)}"
        )


if __name__ == "__main__":
    main()

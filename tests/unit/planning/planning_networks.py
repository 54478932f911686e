"""Hypothesis strategies and an independent dependency check shared by the planning unit tests."""

from __future__ import annotations

from hypothesis import strategies as st

from services.planning.domain.scheduling import Dependency, DependencyType, Schedule, Task


@st.composite
def networks(draw, max_tasks: int = 10) -> tuple[list[Task], list[Dependency]]:
    """Small acyclic networks with every dependency type, leads, lags and start constraints."""
    count = draw(st.integers(1, max_tasks))
    tasks = [
        Task(
            f"T{number}",
            draw(st.integers(0, 6)),
            draw(st.one_of(st.none(), st.integers(0, 8))),
        )
        for number in range(count)
    ]
    pairs = [(before, after) for after in range(count) for before in range(after)]
    chosen = []
    if pairs:
        chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2 * count))
    dependencies = [
        Dependency(
            tasks[before].id,
            tasks[after].id,
            draw(st.sampled_from(list(DependencyType))),
            draw(st.integers(-3, 3)),
        )
        for before, after in chosen
    ]
    return tasks, dependencies


def violated(dependencies: list[Dependency], starts: dict, finishes: dict) -> list[Dependency]:
    """Dependencies that the given start and finish indices break, checked from the definitions."""
    broken = []
    for dep in dependencies:
        source = starts[dep.predecessor] if dep.type[0] == "S" else finishes[dep.predecessor]
        target = starts[dep.successor] if dep.type[1] == "S" else finishes[dep.successor]
        if target < source + dep.lag:
            broken.append(dep)
    return broken


def early_violations(planned: Schedule, dependencies: list[Dependency]) -> list[Dependency]:
    starts = {task_id: task.early_start for task_id, task in planned.tasks.items()}
    finishes = {task_id: task.early_finish for task_id, task in planned.tasks.items()}
    return violated(dependencies, starts, finishes)

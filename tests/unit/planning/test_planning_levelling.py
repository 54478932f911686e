"""Resource loading and levelling within float."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from planning_networks import early_violations, networks

from services.planning.domain.levelling import (
    Allocation,
    Move,
    OverAllocation,
    daily_load,
    level_resources,
    over_allocations,
)
from services.planning.domain.scheduling import Dependency, Task, schedule


def test_daily_load_adds_this_plan_to_the_load_from_other_plans():
    planned = schedule([Task("A", 2), Task("B", 1)], [])
    load = daily_load(
        planned,
        [Allocation("A", "ann", 4), Allocation("B", "ann", 2), Allocation("B", "bob", 8)],
        existing_load={"ann": {1: 3.5}},
    )
    assert load == {"ann": {0: 6.0, 1: 7.5}, "bob": {0: 8.0}}
    assert over_allocations(load, {"ann": 7, "bob": 8}) == [OverAllocation("ann", 1, 7.5, 7)]


def test_a_non_critical_task_is_delayed_out_of_the_clash_within_its_float():
    tasks = [Task("A", 4), Task("B", 2), Task("C", 2)]
    deps = [Dependency("A", "C")]
    allocations = [Allocation("A", "ann", 8), Allocation("B", "ann", 8)]
    result = level_resources(tasks, deps, allocations, {"ann": 8})
    assert result.moves == [Move("B", 0, 4)]
    assert result.unresolved == []
    assert result.not_before == {"B": 4}
    assert result.schedule.project_finish == 6


def test_what_float_cannot_absorb_is_reported_after_the_best_partial_delay():
    tasks = [Task("A", 4), Task("B", 2), Task("C", 1)]
    allocations = [Allocation("A", "ann", 8), Allocation("B", "ann", 8)]
    result = level_resources(tasks, [Dependency("A", "C")], allocations, {"ann": 8})
    assert result.moves == [Move("B", 0, 3)]
    assert result.unresolved == [OverAllocation("ann", 3, 16, 8)]


def test_successors_follow_a_delayed_task_and_critical_tasks_stay_put():
    tasks = [Task("A", 6), Task("B", 2), Task("B2", 1), Task("C", 3)]
    deps = [Dependency("A", "C"), Dependency("B", "B2")]
    allocations = [Allocation("A", "ann", 6), Allocation("B", "ann", 6)]
    result = level_resources(tasks, deps, allocations, {"ann": 8})
    assert result.moves == [Move("B", 0, 6), Move("B2", 2, 8)]
    assert result.unresolved == []
    assert result.schedule.tasks["A"].early_start == 0
    assert early_violations(result.schedule, deps) == []


def test_a_clash_between_critical_tasks_is_reported_not_resolved():
    tasks = [Task("A", 2), Task("B", 2)]
    allocations = [Allocation("A", "ann", 8), Allocation("B", "ann", 8)]
    result = level_resources(tasks, [], allocations, {"ann": 8})
    assert result.moves == []
    assert result.unresolved == [OverAllocation("ann", 0, 16, 8), OverAllocation("ann", 1, 16, 8)]


def test_load_from_other_plans_is_levelled_around():
    tasks = [Task("A", 2), Task("X", 5)]
    result = level_resources(
        tasks, [], [Allocation("A", "ann", 4)], {"ann": 8}, existing_load={"ann": {0: 6, 1: 6}}
    )
    assert result.moves == [Move("A", 0, 2)]
    assert result.unresolved == []


@st.composite
def loaded_networks(draw):
    tasks, deps = draw(networks(max_tasks=8))
    resources = ["ann", "bob"]
    allocations = [
        Allocation(task.id, resource, draw(st.sampled_from([2, 4, 6, 8])))
        for task in tasks
        for resource in resources
        if draw(st.booleans())
    ]
    capacities = {resource: draw(st.sampled_from([4, 8])) for resource in resources}
    return tasks, deps, allocations, capacities


@settings(max_examples=150, deadline=None)
@given(loaded_networks())
def test_levelling_never_moves_a_critical_task_and_never_breaks_a_dependency(network):
    tasks, deps, allocations, capacities = network
    before = schedule(tasks, deps)
    result = level_resources(tasks, deps, allocations, capacities)
    after = result.schedule
    assert early_violations(after, deps) == []
    assert after.project_finish == before.project_finish
    for task_id, task in before.tasks.items():
        if task.critical:
            assert after.tasks[task_id].early_start == task.early_start
        assert task.early_start <= after.tasks[task_id].early_start <= task.late_start
    for move in result.moves:
        assert move.new_start > move.old_start
    excess = [
        sum(over.load - over.capacity for over in overs)
        for overs in (
            over_allocations(daily_load(before, allocations), capacities),
            result.unresolved,
        )
    ]
    assert excess[1] <= excess[0]

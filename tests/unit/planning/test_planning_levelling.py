"""Resource loading and levelling, within float and to capacity (extending the finish)."""

from __future__ import annotations

from dataclasses import replace
from statistics import mean

from hypothesis import given, settings
from hypothesis import strategies as st
from planning_networks import early_violations, networks
from psplib_instances import make_instance, makespan_is_feasible, optimal_makespan

from services.planning.domain.levelling import (
    Allocation,
    LevellingMode,
    Move,
    OverAllocation,
    daily_load,
    level,
    level_resources,
    level_to_capacity,
    over_allocations,
)
from services.planning.domain.scheduling import Dependency, DependencyType, Task, schedule


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


def test_a_delay_that_would_only_shift_the_clash_to_another_day_is_not_made():
    tasks = [Task("A", 4), Task("B", 2), Task("C", 1)]
    allocations = [Allocation("A", "ann", 8), Allocation("B", "ann", 8)]
    result = level_resources(tasks, [Dependency("A", "C")], allocations, {"ann": 8})
    assert result.moves == []
    assert result.unresolved == [OverAllocation("ann", 0, 16, 8), OverAllocation("ann", 1, 16, 8)]


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


@settings(max_examples=150, deadline=None)
@given(loaded_networks())
def test_levelling_within_float_never_over_allocates_a_day_that_was_not_over_allocated(network):
    tasks, deps, allocations, capacities = network
    before = over_allocations(daily_load(schedule(tasks, deps), allocations), capacities)
    result = level_resources(tasks, deps, allocations, capacities)
    clashing = {(over.resource_id, over.day) for over in before}
    assert {(over.resource_id, over.day) for over in result.unresolved} <= clashing


def test_levelling_within_float_never_moves_a_task_with_actual_dates():
    tasks = [Task("A", 4), Task("B", 2), Task("C", 2)]
    deps = [Dependency("A", "C")]
    allocations = [Allocation("A", "ann", 8), Allocation("B", "ann", 8)]
    result = level_resources(tasks, deps, allocations, {"ann": 8}, pinned={"B"})
    assert result.moves == []
    assert len(result.unresolved) == 2


# Levelling to capacity: the serial schedule generation scheme, extending the finish ---------


def test_a_clash_between_critical_tasks_is_resolved_by_extending_the_finish():
    tasks = [Task("A", 3), Task("B", 3)]
    allocations = [Allocation("A", "ann", 8), Allocation("B", "ann", 8)]
    result = level_to_capacity(tasks, [], allocations, {"ann": 8})
    # Both are critical; the WBS order breaks the tie, so A goes first.
    assert result.moves == [Move("B", 0, 3)]
    assert result.moves[0].delay == 3
    assert result.unresolved == []
    assert result.not_before == {"B": 3}
    assert result.schedule.project_finish == 6 and result.finish_extension == 3


def test_critical_work_goes_first_and_the_task_with_float_waits():
    tasks = [Task("Float", 2), Task("Long", 5), Task("After", 1)]
    deps = [Dependency("Long", "After")]
    allocations = [Allocation("Float", "ann", 6), Allocation("Long", "ann", 6)]
    result = level_to_capacity(tasks, deps, allocations, {"ann": 8})
    assert result.moves == [Move("Float", 0, 5)]
    assert result.finish_extension == 1


def test_the_successors_of_a_delayed_task_follow_it_with_their_link_types_and_lags():
    tasks = [Task("A", 3), Task("B", 3), Task("C", 2), Task("D", 2)]
    deps = [
        Dependency("B", "C", DependencyType.SS, 1),
        Dependency("B", "D", DependencyType.FF, -1),
    ]
    allocations = [Allocation("A", "ann", 8), Allocation("B", "ann", 8)]
    result = level_to_capacity(tasks, deps, allocations, {"ann": 8})
    starts = {task_id: task.early_start for task_id, task in result.schedule.tasks.items()}
    assert starts["A"] == 0 and starts["B"] == 3
    assert starts["C"] == 4  # B's start + 1
    assert starts["D"] == 3  # finishes at B's finish - 1 = 5
    assert early_violations(result.schedule, deps) == []


def test_a_task_with_actual_dates_never_moves_and_the_rest_is_placed_around_it():
    tasks = [Task("Planned", 3), Task("Started", 3)]
    allocations = [Allocation("Planned", "ann", 8), Allocation("Started", "ann", 8)]
    result = level_to_capacity(tasks, [], allocations, {"ann": 8}, pinned={"Started"})
    assert result.moves == [Move("Planned", 0, 3)]
    assert result.schedule.tasks["Started"].early_start == 0


def test_a_task_with_actual_dates_stays_put_even_after_a_delayed_predecessor():
    tasks = [Task("Other", 4), Task("Before", 2), Task("Started", 1)]
    deps = [Dependency("Before", "Started")]
    allocations = [Allocation("Other", "ann", 8), Allocation("Before", "ann", 8)]
    result = level_to_capacity(tasks, deps, allocations, {"ann": 8}, pinned={"Started"})
    assert result.moves == [Move("Before", 0, 4)]
    assert result.schedule.tasks["Started"].early_start == 2


def test_a_task_the_scheduler_pins_to_its_actual_start_is_never_moved_in_either_mode():
    tasks = [Task("Planned", 3), Task("Started", 3, fixed_start=1)]
    allocations = [Allocation("Planned", "ann", 8), Allocation("Started", "ann", 8)]
    extended = level_to_capacity(tasks, [], allocations, {"ann": 8})
    assert extended.moves == [Move("Planned", 0, 4)]
    assert extended.schedule.tasks["Started"].early_start == 1
    within = level_resources(tasks, [], allocations, {"ann": 8})
    assert within.schedule.tasks["Started"].early_start == 1


def test_load_from_other_plans_is_placed_around_and_never_moved():
    tasks = [Task("A", 2)]
    result = level_to_capacity(
        tasks, [], [Allocation("A", "ann", 4)], {"ann": 8}, existing_load={"ann": {0: 6, 2: 6}}
    )
    assert result.moves == [Move("A", 0, 3)]
    assert result.unresolved == []


def test_an_allocation_above_capacity_alone_gets_the_resource_to_itself_and_is_reported():
    tasks = [Task("Small", 2), Task("Huge", 1)]
    allocations = [Allocation("Small", "ann", 4), Allocation("Huge", "ann", 10)]
    result = level_to_capacity(tasks, [], allocations, {"ann": 8})
    assert result.moves == [Move("Huge", 0, 2)]
    assert result.unresolved == [OverAllocation("ann", 2, 10, 8)]


def test_the_mode_chooses_the_leveller():
    tasks = [Task("A", 2), Task("B", 2)]
    allocations = [Allocation("A", "ann", 8), Allocation("B", "ann", 8)]
    within = level(LevellingMode.WITHIN_FLOAT, tasks, [], allocations, {"ann": 8})
    extended = level(LevellingMode.EXTEND_FINISH, tasks, [], allocations, {"ann": 8})
    assert within.finish_extension == 0 and len(within.unresolved) == 2
    assert extended.finish_extension == 2 and extended.unresolved == []


@st.composite
def fitting_networks(draw):
    """Networks whose every allocation fits its resource alone, some tasks pinned."""
    tasks, deps, allocations, capacities = draw(loaded_networks())
    allocations = [
        replace(allocation, hours_per_day=min(allocation.hours_per_day, 4))
        for allocation in allocations
    ]
    pinned = draw(st.sets(st.sampled_from([task.id for task in tasks]), max_size=2))
    return tasks, deps, allocations, capacities, pinned


@settings(max_examples=300, deadline=None)
@given(fitting_networks())
def test_levelling_to_capacity_keeps_every_capacity_every_link_and_every_actual(network):
    tasks, deps, allocations, capacities, pinned = network
    before = schedule(tasks, deps)
    result = level_to_capacity(tasks, deps, allocations, capacities, pinned=pinned)
    after = result.schedule
    load = daily_load(after, allocations)
    pinned_overs = over_allocations(
        daily_load(after, [a for a in allocations if a.task_id in pinned]), capacities
    )
    if not pinned_overs:
        assert over_allocations(load, capacities) == [] == result.unresolved
    assert early_violations(after, [dep for dep in deps if dep.successor not in pinned]) == []
    for task_id, task in before.tasks.items():
        if task_id in pinned:
            assert after.tasks[task_id].early_start == task.early_start
        else:
            assert after.tasks[task_id].early_start >= task.early_start
    assert result.finish_extension >= 0
    assert all(move.delay > 0 for move in result.moves)
    # Storing the imposed starts and rescheduling gives the same plan.
    stored = [
        replace(task, not_before=result.not_before.get(task.id, task.not_before)) for task in tasks
    ]
    if not pinned:
        again = schedule(stored, deps)
        assert {i: t.early_start for i, t in again.tasks.items()} == {
            i: t.early_start for i, t in after.tasks.items()
        }


def test_levelling_to_capacity_is_feasible_and_never_beats_the_optimum_of_small_instances():
    gaps = []
    for seed in range(40):
        instance = make_instance(seed, task_count=8 + seed % 3)
        tasks, links, allocations, capacities = instance.as_network()
        result = level_to_capacity(tasks, links, allocations, capacities)
        starts = [result.schedule.tasks[task.id].early_start for task in tasks]
        assert makespan_is_feasible(instance, starts), seed
        optimum = optimal_makespan(instance)
        assert result.schedule.project_finish >= optimum, seed
        gaps.append((result.schedule.project_finish - optimum) / optimum)
    print(f"serial SGS vs optimum on 40 instances: mean gap {mean(gaps):.1%}, max {max(gaps):.1%}")
    assert mean(gaps) < 0.15

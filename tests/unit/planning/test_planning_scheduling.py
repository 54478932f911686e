"""Critical-path scheduling against hand-computed networks and general properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planning_networks import early_violations, networks, violated

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.scheduling import (
    CycleError,
    Dependency,
    DependencyType,
    DuplicateTaskError,
    NegativeDurationError,
    ScheduleRangeError,
    SelfDependencyError,
    Task,
    UnknownTaskError,
    dates_to_index_span,
    index_span_to_dates,
    schedule,
)

FS, SS, FF, SF = DependencyType


def dates(planned, task_id):
    task = planned.tasks[task_id]
    return (
        task.early_start,
        task.early_finish,
        task.late_start,
        task.late_finish,
        task.total_float,
        task.free_float,
    )


def test_textbook_network_gives_early_late_dates_floats_and_critical_path():
    tasks = [Task("A", 3), Task("B", 2), Task("C", 4), Task("D", 2)]
    deps = [Dependency("A", "B"), Dependency("A", "C"), Dependency("B", "D"), Dependency("C", "D")]
    planned = schedule(tasks, deps)
    assert planned.project_finish == 9
    assert dates(planned, "A") == (0, 3, 0, 3, 0, 0)
    assert dates(planned, "B") == (3, 5, 5, 7, 2, 2)
    assert dates(planned, "C") == (3, 7, 3, 7, 0, 0)
    assert dates(planned, "D") == (7, 9, 7, 9, 0, 0)
    assert planned.critical_path == ["A", "C", "D"]
    assert [t.critical for t in planned.tasks.values()] == [True, False, True, True]


def test_free_float_is_smaller_than_total_float_when_a_successor_has_float_too():
    tasks = [Task("A", 5), Task("B", 1), Task("C", 1), Task("D", 1)]
    deps = [Dependency("B", "C"), Dependency("C", "D", lag=1)]
    planned = schedule(tasks, deps)
    assert planned.project_finish == 5
    assert dates(planned, "B") == (0, 1, 1, 2, 1, 0)
    assert dates(planned, "C") == (1, 2, 2, 3, 1, 0)
    assert dates(planned, "D") == (3, 4, 4, 5, 1, 1)


def test_start_to_start_with_lag_starts_the_successor_after_the_lag():
    planned = schedule([Task("A", 5), Task("B", 4)], [Dependency("A", "B", SS, 2)])
    assert dates(planned, "B") == (2, 6, 2, 6, 0, 0)
    assert dates(planned, "A") == (0, 5, 0, 5, 0, 0)
    assert planned.critical_path == ["A", "B"]


def test_finish_to_finish_with_lag_ties_the_finishes():
    planned = schedule([Task("A", 5), Task("C", 2)], [Dependency("A", "C", FF, 1)])
    assert planned.project_finish == 6
    assert dates(planned, "C") == (4, 6, 4, 6, 0, 0)
    assert dates(planned, "A") == (0, 5, 0, 5, 0, 0)


def test_start_to_finish_lets_the_successor_finish_after_the_predecessor_starts():
    planned = schedule([Task("A", 5), Task("D", 3)], [Dependency("A", "D", SF, 4)])
    assert planned.project_finish == 5
    assert dates(planned, "D") == (1, 4, 2, 5, 1, 1)
    assert dates(planned, "A") == (0, 5, 0, 5, 0, 0)
    assert planned.critical_path == ["A"]


def test_a_lead_overlaps_the_successor_with_its_predecessor():
    planned = schedule([Task("A", 5), Task("E", 3)], [Dependency("A", "E", FS, -2)])
    assert dates(planned, "E") == (3, 6, 3, 6, 0, 0)
    assert planned.critical_path == ["A", "E"]


def test_no_task_starts_before_the_project_start_even_with_a_long_lead():
    planned = schedule([Task("A", 2), Task("E", 1)], [Dependency("A", "E", FS, -5)])
    assert planned.tasks["E"].early_start == 0


def test_not_before_holds_a_task_back():
    planned = schedule([Task("A", 2), Task("B", 1, not_before=5)], [Dependency("A", "B")])
    assert planned.tasks["B"].early_start == 5
    assert planned.critical_path == ["B"]


def test_zero_duration_milestone_starts_and_finishes_where_its_predecessor_finishes():
    tasks = [Task("A", 3), Task("M", 0), Task("B", 2)]
    planned = schedule(tasks, [Dependency("A", "M"), Dependency("M", "B")])
    assert dates(planned, "M") == (3, 3, 3, 3, 0, 0)
    assert planned.tasks["B"].early_start == 3
    assert planned.critical_path == ["A", "M", "B"]
    calendar = WorkCalendar(date(2026, 11, 2))
    assert index_span_to_dates(calendar, 0, 3) == (date(2026, 11, 2), date(2026, 11, 4))
    assert index_span_to_dates(calendar, 3, 3) == (date(2026, 11, 4), date(2026, 11, 4))
    assert index_span_to_dates(calendar, 3, 5) == (date(2026, 11, 5), date(2026, 11, 6))
    assert index_span_to_dates(calendar, 0, 0) == (date(2026, 11, 2), date(2026, 11, 2))


def test_dates_past_the_last_schedulable_day_are_refused():
    calendar = WorkCalendar(date(9990, 1, 1), working_weekdays=frozenset({0}))
    assert index_span_to_dates(calendar, 0, 1) == (date(9990, 1, 1), date(9990, 1, 1))
    for start, finish in ((0, 500), (0, 5000), (10**6, 10**6), (0, 10**30)):
        with pytest.raises(ScheduleRangeError, match="run past 9998-12-31"):
            index_span_to_dates(calendar, start, finish)


def test_holidays_push_calendar_dates_but_not_indices():
    calendar = WorkCalendar(
        date(2026, 12, 21), holidays=frozenset({date(2026, 12, 25), date(2026, 12, 28)})
    )
    planned = schedule([Task("A", 4), Task("B", 3)], [Dependency("A", "B")])
    a, b = planned.tasks["A"], planned.tasks["B"]
    assert index_span_to_dates(calendar, a.early_start, a.early_finish) == (
        date(2026, 12, 21),
        date(2026, 12, 24),
    )
    assert index_span_to_dates(calendar, b.early_start, b.early_finish) == (
        date(2026, 12, 29),
        date(2026, 12, 31),
    )
    assert dates_to_index_span(calendar, date(2026, 12, 29), date(2026, 12, 31)) == (4, 7)


def test_a_cycle_is_reported_with_its_tasks_in_order():
    tasks = [Task(name, 1) for name in "XABC"]
    deps = [Dependency("X", "A"), Dependency("A", "B"), Dependency("B", "C"), Dependency("C", "A")]
    with pytest.raises(CycleError) as raised:
        schedule(tasks, deps)
    cycle = raised.value.cycle
    assert sorted(cycle) == ["A", "B", "C"]
    start = cycle.index("A")
    assert cycle[start:] + cycle[:start] == ["A", "B", "C"]
    assert "A -> B -> C -> A" in str(raised.value)


def test_a_task_depending_on_itself_is_refused():
    with pytest.raises(SelfDependencyError, match="'A' cannot depend on itself"):
        schedule([Task("A", 1)], [Dependency("A", "A")])


def test_a_negative_duration_is_refused():
    with pytest.raises(NegativeDurationError, match="'A' has duration -1"):
        schedule([Task("A", -1)], [])


def test_unknown_tasks_and_duplicate_ids_are_refused_as_value_errors():
    with pytest.raises(UnknownTaskError, match="'Z'"):
        schedule([Task("A", 1)], [Dependency("A", "Z")])
    with pytest.raises(DuplicateTaskError, match="'A'"):
        schedule([Task("A", 1), Task("A", 2)], [])
    assert issubclass(CycleError, ValueError)


def test_an_empty_network_finishes_at_the_start():
    planned = schedule([], [])
    assert (planned.project_finish, planned.critical_path, planned.tasks) == (0, [], {})


@settings(max_examples=300, deadline=None)
@given(networks())
def test_no_successor_starts_before_its_dependency_allows(network):
    tasks, deps = network
    planned = schedule(tasks, deps)
    assert early_violations(planned, deps) == []
    for task in tasks:
        assert planned.tasks[task.id].early_start >= max(0, task.not_before or 0)


@settings(max_examples=300, deadline=None)
@given(networks())
def test_late_dates_also_respect_every_dependency_and_the_project_finish(network):
    tasks, deps = network
    planned = schedule(tasks, deps)
    starts = {task_id: task.late_start for task_id, task in planned.tasks.items()}
    finishes = {task_id: task.late_finish for task_id, task in planned.tasks.items()}
    assert violated(deps, starts, finishes) == []
    assert all(finish <= planned.project_finish for finish in finishes.values())


@settings(max_examples=300, deadline=None)
@given(networks())
def test_critical_tasks_have_zero_total_float_and_form_the_critical_path(network):
    tasks, deps = network
    planned = schedule(tasks, deps)
    for task in planned.tasks.values():
        assert task.critical == (task.total_float == 0)
    path = planned.critical_path
    assert path and all(planned.tasks[task_id].total_float == 0 for task_id in path)
    assert planned.tasks[path[-1]].early_finish == planned.project_finish
    linked = {(dep.predecessor, dep.successor) for dep in deps}
    assert all(pair in linked for pair in zip(path, path[1:], strict=False))


@settings(max_examples=300, deadline=None)
@given(networks())
def test_total_float_is_at_least_free_float_which_is_at_least_zero(network):
    tasks, deps = network
    planned = schedule(tasks, deps)
    for task in planned.tasks.values():
        assert task.total_float >= task.free_float >= 0


@settings(max_examples=200, deadline=None)
@given(networks())
def test_using_up_free_float_moves_no_other_task_and_total_float_keeps_the_finish(network):
    tasks, deps = network
    planned = schedule(tasks, deps)
    for number, task in enumerate(tasks):
        scheduled = planned.tasks[task.id]
        for slip, others_stay in ((scheduled.free_float, True), (scheduled.total_float, False)):
            delayed = list(tasks)
            delayed[number] = replace(task, not_before=scheduled.early_start + slip)
            again = schedule(delayed, deps)
            assert again.project_finish == planned.project_finish
            if others_stay:
                assert all(
                    again.tasks[other].early_start == planned.tasks[other].early_start
                    for other in planned.tasks
                    if other != task.id
                )


# Pinned tasks: work that has started is a fact ---------------------------------------------


def test_a_pinned_task_starts_on_its_fixed_start_whatever_its_predecessor_says():
    tasks = [Task("A", 5), Task("B", 2, fixed_start=1), Task("C", 1)]
    planned = schedule(tasks, [Dependency("A", "B"), Dependency("B", "C")])
    assert planned.tasks["B"].early_start == 1
    assert planned.tasks["C"].early_start == 3
    assert planned.project_finish == 5


def test_a_pinned_task_ignores_not_before_and_may_start_before_the_project_start():
    planned = schedule([Task("A", 2, not_before=4, fixed_start=-1)], [])
    assert planned.tasks["A"].early_start == -1


def test_a_cycle_through_a_pinned_task_is_still_refused():
    tasks = [Task("A", 1), Task("B", 1, fixed_start=0)]
    with pytest.raises(CycleError):
        schedule(tasks, [Dependency("A", "B"), Dependency("B", "A")])


@st.composite
def pinned_networks(draw):
    tasks, dependencies = draw(networks())
    pins = draw(
        st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=len(tasks), max_size=len(tasks))
    )
    return [
        replace(task, fixed_start=pin) for task, pin in zip(tasks, pins, strict=True)
    ], dependencies


@given(pinned_networks())
def test_pinned_tasks_never_move_and_no_float_is_negative(network):
    tasks, deps = network
    planned = schedule(tasks, deps)
    for task in tasks:
        result = planned.tasks[task.id]
        if task.fixed_start is not None:
            assert result.early_start == task.fixed_start
        assert result.total_float >= result.free_float >= 0
        assert result.late_finish <= planned.project_finish


@given(pinned_networks())
def test_links_out_of_pinned_tasks_still_bind(network):
    tasks, deps = network
    planned = schedule(tasks, deps)
    pinned = {task.id for task in tasks if task.fixed_start is not None}
    binding = [dep for dep in deps if dep.successor not in pinned]
    assert early_violations(planned, binding) == []

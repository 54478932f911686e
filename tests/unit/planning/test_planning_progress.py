"""The progress rules: what a report may say, when a task starts and finishes, which
milestones its predecessors reach, and when the plan's work is complete."""

from __future__ import annotations

from datetime import date

import pytest

from services.planning.domain.progress import (
    Leaf,
    ProgressReport,
    TaskState,
    check_status_date,
    completion_day,
    keeps_the_schedule,
    milestones_reached,
    report_progress,
)
from shared.errors import RuleViolation

MONDAY = date(2027, 1, 4)
WEDNESDAY = date(2027, 1, 6)
FRIDAY = date(2027, 1, 8)


def task(percent=0.0, *, start=None, finish=None, milestone=False, summary=False, planned=MONDAY):
    return TaskState(summary, milestone, percent, start, finish, planned)


def refusal(state, report) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        report_progress(state, report)
    return refused.value


def test_a_summary_tasks_progress_is_refused_because_it_is_rolled_up():
    refused = refusal(task(summary=True), ProgressReport(50, WEDNESDAY))
    assert refused.errors == {"percent_complete": "A summary task's progress is rolled up."}
    assert refused.detail == "A summary task's progress is rolled up."


def test_a_milestone_is_reached_or_not_and_nothing_in_between():
    refused = refusal(task(milestone=True), ProgressReport(50, WEDNESDAY))
    assert "percent_complete" in refused.errors
    assert report_progress(task(milestone=True), ProgressReport(100, WEDNESDAY)).milestone_reached


def test_only_a_finished_task_has_an_actual_finish():
    refused = refusal(task(), ProgressReport(60, WEDNESDAY, actual_finish=WEDNESDAY))
    assert refused.errors == {"actual_finish": "Only a finished task (100 %) has an actual finish."}


def test_a_finish_before_the_start_already_recorded_is_refused():
    refused = refusal(task(50, start=FRIDAY), ProgressReport(100, FRIDAY, actual_finish=MONDAY))
    assert refused.errors == {"actual_finish": "The actual finish is before the actual start."}


def test_the_first_progress_starts_the_task_on_its_scheduled_start_or_the_report_if_earlier():
    started = report_progress(task(planned=MONDAY), ProgressReport(20, WEDNESDAY))
    assert (started.actual_start, started.actual_finish, started.action) == (MONDAY, None, "start")
    early = report_progress(task(planned=FRIDAY), ProgressReport(20, WEDNESDAY))
    assert early.actual_start == WEDNESDAY


def test_a_reported_start_wins_and_zero_percent_forgets_the_start():
    given = report_progress(
        task(planned=MONDAY), ProgressReport(20, FRIDAY, actual_start=WEDNESDAY)
    )
    assert given.actual_start == WEDNESDAY
    back = report_progress(
        task(20, start=MONDAY), ProgressReport(0, FRIDAY, reason="reported on the wrong task")
    )
    assert (back.actual_start, back.action) == (None, "reopen")


def test_a_hundred_percent_finishes_the_task_on_the_reported_day_by_default():
    done = report_progress(task(50, start=MONDAY), ProgressReport(100, FRIDAY))
    assert (done.actual_start, done.actual_finish, done.action) == (MONDAY, FRIDAY, "finish")
    kept = report_progress(task(100, start=MONDAY, finish=WEDNESDAY), ProgressReport(100, FRIDAY))
    assert (kept.actual_finish, kept.action) == (WEDNESDAY, None)


def test_a_task_finished_at_once_starts_when_it_finishes():
    done = report_progress(task(planned=None), ProgressReport(100, FRIDAY, actual_start=None))
    assert done.actual_start == done.actual_finish == FRIDAY


def test_progress_below_a_hundred_on_a_finished_task_resumes_it_without_a_finish():
    resumed = report_progress(
        task(100, start=MONDAY, finish=WEDNESDAY),
        ProgressReport(80, FRIDAY, reason="the test found a defect"),
    )
    assert (resumed.actual_start, resumed.actual_finish, resumed.action) == (MONDAY, None, "resume")
    assert not resumed.milestone_reached


def test_a_milestone_is_reached_when_its_predecessors_are_done_on_the_last_ones_finish():
    leaves = [
        Leaf("a", False, True, MONDAY),
        Leaf("b", False, True, WEDNESDAY),
        Leaf("gate", True, False, None),
        Leaf("ship", True, False, None),
    ]
    waiting_on = {"gate": {"a", "b"}, "ship": {"gate"}}
    assert milestones_reached(leaves, waiting_on, FRIDAY) == {"gate": WEDNESDAY, "ship": WEDNESDAY}


def test_a_milestone_waits_while_a_predecessor_is_unfinished_and_one_without_any_waits_too():
    leaves = [
        Leaf("a", False, True, MONDAY),
        Leaf("b", False, False, None),
        Leaf("gate", True, False, None),
        Leaf("alone", True, False, None),
    ]
    assert milestones_reached(leaves, {"gate": {"a", "b"}}, FRIDAY) == {}


def test_the_plan_is_complete_on_the_last_finish_once_every_leaf_is_done():
    leaves = [Leaf("a", False, True, MONDAY), Leaf("b", False, True, None)]
    assert completion_day(leaves, FRIDAY) == FRIDAY
    assert completion_day([Leaf("a", False, True, WEDNESDAY)], FRIDAY) == WEDNESDAY
    assert completion_day([*leaves, Leaf("c", False, False, None)], FRIDAY) is None
    assert completion_day([], FRIDAY) is None


def test_progress_going_backwards_without_a_reason_is_refused():
    refused = refusal(task(60, start=MONDAY), ProgressReport(40, FRIDAY))
    assert list(refused.errors) == ["reason"]
    assert "60 % to 40 %" in refused.detail
    refused = refusal(task(60, start=MONDAY), ProgressReport(40, FRIDAY, reason="  "))
    assert list(refused.errors) == ["reason"]


def test_progress_going_forwards_or_staying_needs_no_reason():
    assert (
        report_progress(task(60, start=MONDAY), ProgressReport(60, FRIDAY)).percent_complete == 60
    )
    assert (
        report_progress(task(60, start=MONDAY), ProgressReport(70, FRIDAY)).percent_complete == 70
    )


def test_a_status_date_lies_between_the_plan_start_and_tomorrow():
    check_status_date(MONDAY, MONDAY, WEDNESDAY)
    check_status_date(date(2027, 1, 7), MONDAY, WEDNESDAY)
    with pytest.raises(RuleViolation) as before:
        check_status_date(date(2027, 1, 3), MONDAY, WEDNESDAY)
    assert list(before.value.errors) == ["status_date"]
    with pytest.raises(RuleViolation) as beyond:
        check_status_date(FRIDAY, MONDAY, WEDNESDAY)
    assert "in the future" in beyond.value.detail


def test_a_report_keeps_the_schedule_when_a_started_task_keeps_its_days_left():
    started = task(50.0, start=MONDAY)
    # 4 working days: 2 left at 50 % and at 60 %, 1 left at 80 %
    assert keeps_the_schedule(started, report_progress(started, ProgressReport(60, FRIDAY)), 4)
    assert not keeps_the_schedule(started, report_progress(started, ProgressReport(80, FRIDAY)), 4)
    moved_start = ProgressReport(60, FRIDAY, actual_start=WEDNESDAY)
    assert not keeps_the_schedule(started, report_progress(started, moved_start), 4)
    assert not keeps_the_schedule(started, report_progress(started, ProgressReport(100, FRIDAY)), 4)
    not_started = task(0.0)
    assert not keeps_the_schedule(
        not_started, report_progress(not_started, ProgressReport(10, FRIDAY)), 4
    )

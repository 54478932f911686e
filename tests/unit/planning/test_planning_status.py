"""Plan and task statuses: what each status allows and the 409 a refused action gets."""

from __future__ import annotations

import pytest

from services.planning.domain.status import (
    OPEN_PLAN_STATUSES,
    PLAN_STATUS,
    RISK_STATUS,
    TASK_STATUS,
    require_plan_allows,
    task_status,
)
from shared.errors import TransitionNotAllowed


def test_a_draft_plan_is_activated_edited_or_levelled_but_takes_no_progress():
    assert PLAN_STATUS.next_status("draft", "activate") == "active"
    assert {"edit", "level", "activate"} <= set(PLAN_STATUS.allowed_actions("draft"))
    assert not PLAN_STATUS.allows("draft", "report_progress")
    assert not PLAN_STATUS.allows("draft", "rebaseline")


def test_an_active_plan_takes_progress_and_baselines_and_completes():
    assert {"edit", "report_progress", "rebaseline", "level"} <= set(
        PLAN_STATUS.allowed_actions("active")
    )
    assert PLAN_STATUS.next_status("active", "complete") == "completed"


def test_a_completed_plan_is_reopened_by_unfinished_work_and_a_cancelled_one_is_final():
    assert PLAN_STATUS.next_status("completed", "reopen") == "active"
    assert PLAN_STATUS.final_statuses == ("cancelled",)
    assert PLAN_STATUS.allowed_actions("cancelled") == []
    assert OPEN_PLAN_STATUSES == ("draft", "active")


def test_a_refused_plan_action_names_the_status_and_the_allowed_actions():
    with pytest.raises(TransitionNotAllowed) as refused:
        require_plan_allows("completed", "report_progress")
    assert refused.value.detail == "A completed plan cannot be changed (report progress)."
    assert refused.value.extra == {
        "current_status": "completed",
        "allowed_actions": PLAN_STATUS.allowed_actions("completed"),
    }


def test_editors_activate_and_reporters_report_progress():
    assert set(PLAN_STATUS.roles_for("activate")) == {"planner", "manager"}
    assert "engineer" in PLAN_STATUS.roles_for("report_progress")
    assert PLAN_STATUS.roles_for("cancel") == ()


def test_a_tasks_status_follows_its_percent_complete():
    assert [task_status(p) for p in (0, 0.01, 99.99, 100)] == [
        "not_started",
        "in_progress",
        "in_progress",
        "done",
    ]
    assert TASK_STATUS.action_to("in_progress", "done") == "finish"
    assert TASK_STATUS.action_to("done", "not_started") == "reopen"


def test_a_risk_moves_between_any_two_of_its_statuses():
    for source in RISK_STATUS.statuses:
        for target in RISK_STATUS.statuses:
            if source != target:
                assert (
                    RISK_STATUS.next_status(source, RISK_STATUS.action_to(source, target)) == target
                )

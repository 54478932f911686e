"""Status reports as rules: RAG and its reasons, milestones done and due, changes since the
previous report, and the narrative required to publish; the issue log's resolution rule."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.planning.domain.issues import ISSUE_STATUS, SEVERITIES, check_resolution
from services.planning.domain.status_reports import (
    RAG_ORDER,
    STATUS_REPORT_STATUS,
    changes_since,
    check_publishable,
    judge_rag,
    milestones_done_between,
    milestones_due_after,
    slipped_milestones,
)
from shared.errors import RuleViolation, TransitionNotAllowed

HEALTHS = ("on_track", "at_risk", "off_track")
STATUS_DATE = date(2027, 1, 15)


def milestone(name, finish, reached=None, baseline=None):
    return {"name": name, "finish_date": finish, "reached_on": reached, "baseline_date": baseline}


def test_a_healthy_plan_with_nothing_open_is_green_without_reasons():
    assert judge_rag("on_track", [], [], 0, ["low", "medium"]) == judge_rag(None, [], [], 0, [])
    assert judge_rag("on_track", [], [], 0, []).colour == "green"
    assert judge_rag("on_track", [], [], 0, []).reasons == ()


def test_each_communication_reason_is_said_and_sets_the_colour_it_warrants():
    rag = judge_rag("on_track", [], ["Design approved (3 d)"], 2, ["high", "critical", "low"])
    assert rag.colour == "red"
    assert rag.reasons == (
        "1 milestone forecast after its baseline: Design approved (3 d)",
        "2 action items overdue",
        "2 open issues of high severity (1 critical)",
    )
    assert judge_rag("on_track", [], [], 1, []).colour == "amber"
    assert judge_rag("on_track", [], [], 0, ["high"]).colour == "amber"


def test_the_plan_health_and_its_reasons_come_first():
    rag = judge_rag("off_track", ["CPI 0.80 is below 0.85"], [], 1, [])
    assert rag.colour == "red" and rag.reasons[0] == "CPI 0.80 is below 0.85"


@given(
    st.sampled_from(HEALTHS),
    st.lists(st.text(min_size=1), max_size=3),
    st.integers(min_value=0, max_value=5),
    st.lists(st.sampled_from(SEVERITIES), max_size=5),
)
def test_communication_can_only_make_the_colour_worse_and_always_says_why(
    health, slipped, overdue, severities
):
    plain = judge_rag(health, [], [], 0, [])
    judged = judge_rag(health, [], slipped, overdue, severities)
    assert RAG_ORDER.index(judged.colour) >= RAG_ORDER.index(plain.colour)
    if judged.colour != plain.colour:
        assert judged.reasons


def test_milestones_done_since_the_last_report_and_due_in_the_next_two_weeks():
    milestones = [
        milestone("Kick-off", date(2027, 1, 4), reached=date(2027, 1, 4)),
        milestone("Design", date(2027, 1, 12), reached=date(2027, 1, 12)),
        milestone("Build", date(2027, 1, 29)),
        milestone("Ship", date(2027, 1, 30)),
    ]
    since_last = milestones_done_between(milestones, date(2027, 1, 8), STATUS_DATE)
    assert [m["name"] for m in since_last] == ["Design"]
    first = milestones_done_between(milestones, None, STATUS_DATE)
    assert [m["name"] for m in first] == ["Kick-off", "Design"]
    assert [m["name"] for m in milestones_due_after(milestones, STATUS_DATE)] == ["Build"]


def test_a_milestone_forecast_after_its_baseline_is_named_with_its_slip():
    late = milestone("Build", date(2027, 1, 29), baseline=date(2027, 1, 26))
    on_time = milestone("Ship", date(2027, 1, 30), baseline=date(2027, 1, 30))
    done_late = milestone("Design", date(2027, 1, 14), date(2027, 1, 14), date(2027, 1, 12))
    assert slipped_milestones([late, on_time, done_late]) == ["Build (3 d)"]


def test_the_next_report_lists_each_figure_that_moved():
    before = {"rag": "amber", "percent_complete": 20.0, "spi": 0.9, "open_issues": 2}
    now = {"rag": "green", "percent_complete": 35.0, "spi": 0.9, "open_issues": 2}
    assert changes_since(None, now) == []
    assert changes_since(before, now) == [
        {"figure": "rag", "label": "RAG", "before": "amber", "now": "green"},
        {"figure": "percent_complete", "label": "progress %", "before": 20.0, "now": 35.0},
    ]


def test_a_report_is_published_once_with_a_narrative():
    for narrative in (None, "", "   \n"):
        with pytest.raises(RuleViolation) as refused:
            check_publishable(narrative)
        assert "narrative" in refused.value.errors
    check_publishable("On plan.")
    assert STATUS_REPORT_STATUS.next_status("draft", "publish") == "published"
    with pytest.raises(TransitionNotAllowed):
        STATUS_REPORT_STATUS.require("published", "edit")
    assert STATUS_REPORT_STATUS.roles_for("publish") == ("manager",)


def test_an_issue_is_resolved_with_a_resolution_and_may_be_reopened():
    with pytest.raises(RuleViolation) as refused:
        check_resolution("resolved", " ")
    assert "resolution" in refused.value.errors
    check_resolution("resolved", "Second supplier")
    check_resolution("open", None)
    assert ISSUE_STATUS.action_to("resolved", "open") == "reopen"

"""Unit tests of the feedback service's status machines and the rules moved out of its views."""

from datetime import UTC, datetime, timedelta

import pytest

from services.feedback.domain.follow_through import (
    improvement_action_status,
    status_after_closing_follow_up,
)
from services.feedback.domain.kpis import FOLDED_EVENTS
from services.feedback.domain.lessons import lesson_body, lesson_text, opened_on, require_open
from services.feedback.domain.scores import follow_up_reason
from services.feedback.domain.status import (
    FOLLOW_UP_STATUS,
    IMPROVEMENT_ACTION_STATUS,
    RETROSPECTIVE_STATUS,
    SURVEY_STATUS,
)
from services.feedback.domain.survey_window import (
    require_answerable,
    require_resendable,
    survey_status,
)
from shared.errors import Gone, RuleViolation, TransitionNotAllowed
from shared.events.contracts import CATALOG

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=14)


def test_every_event_the_kpi_fold_reads_is_in_the_catalog():
    assert FOLDED_EVENTS.issubset(CATALOG)


def test_a_survey_is_sent_then_reminded_then_answered_or_expired():
    assert survey_status(None, None, LATER, NOW) == "sent"
    assert survey_status(None, NOW, LATER, NOW) == "reminded"
    assert survey_status(NOW, NOW, LATER, LATER) == "answered"
    assert survey_status(None, NOW, LATER, LATER) == "expired"
    assert SURVEY_STATUS.allowed_actions("sent") == ["answer", "expire", "remind", "resend"]
    assert SURVEY_STATUS.allowed_actions("reminded") == ["answer", "expire", "resend"]
    assert SURVEY_STATUS.final_statuses == ("answered", "expired")


def test_an_answered_survey_is_gone_and_so_is_an_expired_one():
    require_answerable(None, NOW, LATER, NOW)
    with pytest.raises(Gone, match="already answered"):
        require_answerable(NOW, None, LATER, NOW)
    with pytest.raises(Gone, match="expired"):
        require_answerable(None, None, LATER, LATER)


def test_a_link_a_newer_one_replaced_is_gone_but_says_why():
    with pytest.raises(Gone, match="A newer link replaced this one"):
        require_answerable(None, None, LATER, NOW, current_link=False)
    with pytest.raises(Gone, match="already answered"):
        require_answerable(NOW, None, LATER, NOW, current_link=False)


def test_staff_may_resend_an_unanswered_surveys_link_until_it_expires():
    assert require_resendable(None, None, LATER, NOW) == "sent"
    assert require_resendable(None, NOW, LATER, NOW) == "reminded"
    assert SURVEY_STATUS.roles_for("resend") == ("manager", "sales")
    for answered_at, now in ((NOW, NOW), (None, LATER)):
        with pytest.raises(TransitionNotAllowed) as refused:
            require_resendable(answered_at, None, LATER, now)
        assert refused.value.extra["allowed_actions"] == []


def test_a_retrospective_takes_lessons_and_archive_only_while_open_but_actions_always():
    assert RETROSPECTIVE_STATUS.allowed_actions("open") == [
        "archive_document",
        "complete",
        "plan_action",
        "record_lesson",
    ]
    assert RETROSPECTIVE_STATUS.allowed_actions("completed") == ["plan_action"]
    assert RETROSPECTIVE_STATUS.roles_for("complete") == ("manager",)


def test_a_refused_lesson_names_the_status_and_the_allowed_actions():
    with pytest.raises(TransitionNotAllowed) as refused:
        require_open("completed", "archive_document")
    assert refused.value.detail == "The retrospective is completed; it takes no more."
    assert refused.value.extra["current_status"] == "completed"
    assert refused.value.extra["allowed_actions"] == ["plan_action"]


@pytest.mark.parametrize(
    ("order_status", "expected"),
    [("accepted", "accepted"), ("closed", "accepted"), ("cancelled", "cancelled")],
)
def test_an_accepted_closed_or_cancelled_order_opens_its_retrospective(order_status, expected):
    assert opened_on(order_status) == expected


@pytest.mark.parametrize("order_status", ["draft", "confirmed", "in_progress", "delivered", None])
def test_an_order_still_under_way_opens_no_retrospective(order_status):
    assert opened_on(order_status) is None


def test_a_lesson_with_nothing_but_blanks_is_refused():
    with pytest.raises(RuleViolation) as refused:
        lesson_text({"went_well": "  ", "problem": None})
    assert refused.value.detail.startswith("A lesson needs at least one of")
    assert list(refused.value.errors) == ["_schema"]


def test_a_lesson_is_stripped_and_filed_with_one_labelled_line_per_part():
    text = lesson_text({"problem": " Late motors ", "suggestion": "Order early", "x": "ignored"})
    assert text == {
        "went_well": None,
        "problem": "Late motors",
        "root_cause": None,
        "suggestion": "Order early",
    }
    assert lesson_body(text) == "Problem: Late motors\nSuggestion: Order early"


def test_a_follow_up_is_closed_once():
    assert status_after_closing_follow_up("open") == "closed"
    with pytest.raises(TransitionNotAllowed, match="already closed") as refused:
        status_after_closing_follow_up("closed")
    assert refused.value.extra == {"current_status": "closed", "allowed_actions": []}
    assert FOLLOW_UP_STATUS.roles_for("close") == ("manager",)


@pytest.mark.parametrize("start", IMPROVEMENT_ACTION_STATUS.statuses)
@pytest.mark.parametrize("wanted", IMPROVEMENT_ACTION_STATUS.statuses)
def test_an_improvement_action_moves_between_any_two_of_its_statuses(start, wanted):
    assert improvement_action_status(start, wanted) == wanted


def test_an_improvement_action_status_outside_the_machine_is_refused():
    with pytest.raises(TransitionNotAllowed):
        improvement_action_status("open", "archived")


def test_a_detractors_follow_up_names_the_order_both_scores_and_the_whole_comment():
    assert follow_up_reason("ORD-1", 2, 5, "Late\nand noisy") == (
        "Detractor on ORD-1 (CSAT 2, NPS 5): Late\nand noisy"
    )
    assert follow_up_reason("ORD-1", None, 3) == "Detractor on ORD-1 (CSAT None, NPS 3)"

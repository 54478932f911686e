"""Unit tests of the survey questionnaire, answer validation and the reminder rule."""

from datetime import UTC, datetime, timedelta

import pytest

from services.feedback.domain.questionnaire import (
    QUESTIONNAIRE,
    InvalidAnswers,
    QuestionKind,
    validate_answers,
)
from services.feedback.domain.survey_window import reminder_due

SENT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DELAY = timedelta(days=5)


def test_the_questionnaire_asks_csat_nps_four_ratings_and_a_comment():
    kinds = {question.id: question.kind for question in QUESTIONNAIRE}
    assert kinds == {
        "csat": QuestionKind.SCALE_1_5,
        "nps": QuestionKind.SCALE_0_10,
        "quality": QuestionKind.SCALE_1_5,
        "schedule": QuestionKind.SCALE_1_5,
        "communication": QuestionKind.SCALE_1_5,
        "service": QuestionKind.SCALE_1_5,
        "comment": QuestionKind.FREE_TEXT,
    }
    assert {question.id for question in QUESTIONNAIRE if question.required} == {"csat", "nps"}


def test_question_ids_are_unique_and_every_question_has_text():
    assert len({question.id for question in QUESTIONNAIRE}) == len(QUESTIONNAIRE)
    assert all(question.text.endswith("?") for question in QUESTIONNAIRE)


def test_a_complete_answer_is_returned_with_the_comment_stripped():
    answers = {"csat": 4, "nps": 9, "quality": 5, "schedule": 3, "comment": "  Great team. "}
    assert validate_answers(answers) == {
        "csat": 4,
        "nps": 9,
        "quality": 5,
        "schedule": 3,
        "comment": "Great team.",
    }


def test_only_the_required_questions_must_be_answered():
    assert validate_answers({"csat": 1, "nps": 0}) == {"csat": 1, "nps": 0}


def test_null_and_blank_answers_count_as_not_given():
    assert validate_answers({"csat": 3, "nps": 7, "service": None, "comment": "   "}) == {
        "csat": 3,
        "nps": 7,
    }


def test_unknown_questions_are_refused():
    with pytest.raises(InvalidAnswers) as raised:
        validate_answers({"csat": 3, "nps": 7, "price": 2})
    assert raised.value.errors == {"price": ["Unknown question."]}


def test_missing_required_answers_are_refused():
    with pytest.raises(InvalidAnswers) as raised:
        validate_answers({"quality": 4})
    assert raised.value.errors == {
        "csat": ["An answer is required."],
        "nps": ["An answer is required."],
    }


def test_every_problem_is_reported_at_once_per_field():
    with pytest.raises(InvalidAnswers) as raised:
        validate_answers({"csat": 0, "nps": 11, "quality": "5", "comment": 42, "extra": 1})
    assert raised.value.errors == {
        "extra": ["Unknown question."],
        "csat": ["Must be a whole number from 1 to 5."],
        "nps": ["Must be a whole number from 0 to 10."],
        "quality": ["Must be a whole number from 1 to 5."],
        "comment": ["Must be text."],
    }
    assert isinstance(raised.value, ValueError)


def test_an_overlong_comment_is_refused():
    with pytest.raises(InvalidAnswers) as raised:
        validate_answers({"csat": 5, "nps": 10, "comment": "x" * 4001})
    assert list(raised.value.errors) == ["comment"]


def test_a_reminder_is_due_once_the_delay_has_passed_without_an_answer():
    assert reminder_due(SENT, None, None, DELAY, SENT + DELAY)


def test_no_reminder_before_the_delay_has_passed():
    assert not reminder_due(SENT, None, None, DELAY, SENT + DELAY - timedelta(seconds=1))


def test_no_reminder_for_an_answered_survey():
    assert not reminder_due(SENT, SENT + timedelta(days=1), None, DELAY, SENT + 2 * DELAY)


def test_a_survey_is_reminded_only_once():
    assert not reminder_due(SENT, None, SENT + DELAY, DELAY, SENT + 3 * DELAY)


def test_no_reminder_for_a_survey_not_yet_sent():
    assert not reminder_due(None, None, None, DELAY, SENT)

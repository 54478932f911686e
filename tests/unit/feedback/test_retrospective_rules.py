"""Unit tests of the retrospective rules, knowledge-base search terms and the status history."""

from datetime import UTC, datetime

import pytest

from services.feedback.domain.kpis import OrderFacts, status_history
from services.feedback.domain.lessons import (
    completed_status,
    lesson_title,
    normalise_tags,
    require_open,
)
from services.feedback.domain.search import MAX_TERMS, search_terms
from shared.errors import TransitionNotAllowed


def at(day: int) -> datetime:
    return datetime(2026, 3, day, tzinfo=UTC)


def test_a_retrospective_with_a_lesson_can_be_completed():
    assert completed_status("open", 1) == "completed"


def test_a_retrospective_without_lessons_cannot_be_completed():
    with pytest.raises(TransitionNotAllowed, match="at least one lesson") as refused:
        completed_status("open", 0)
    assert refused.value.status == "open"
    assert refused.value.extra["lesson_count"] == 0


def test_a_completed_retrospective_takes_nothing_more():
    with pytest.raises(TransitionNotAllowed, match="completed"):
        require_open("completed", "record_lesson")
    with pytest.raises(TransitionNotAllowed):
        completed_status("completed", 3)


def test_tags_are_lower_cased_deduplicated_and_sorted():
    assert normalise_tags([" Motors", "supply", "motors"]) == ["motors", "supply"]


@pytest.mark.parametrize("tag", ["two words", "", "-dash-first", "x" * 41, "percent%"])
def test_a_malformed_tag_is_refused(tag):
    with pytest.raises(ValueError, match="Tag"):
        normalise_tags([tag])


def test_more_than_ten_tags_are_refused():
    with pytest.raises(ValueError, match="At most 10"):
        normalise_tags([f"t{n}" for n in range(11)])


def test_a_lesson_is_titled_by_its_problem_first_and_shortened_on_one_line():
    assert lesson_title("Motor\n  overheated", "Demos", None) == "Motor overheated"
    assert lesson_title(None, "Demos", "Ask") == "Demos"
    assert lesson_title(None, None, None) == "Lesson"
    long = lesson_title("word " * 50, None, None, limit=20)
    assert len(long) == 20 and long.endswith("…")


def test_search_terms_are_the_distinct_lower_case_words():
    assert search_terms("Motor, motor; PEAK-load 100%") == ["motor", "peak", "load", "100"]
    assert search_terms("?!") == []
    assert len(search_terms(" ".join(f"w{n}" for n in range(20)))) == MAX_TERMS


def test_the_status_history_follows_the_stage_times_with_rework():
    facts = OrderFacts(
        "o",
        created_at=at(1),
        confirmed_at=at(2),
        activated_at=at(3),
        delivered_at=at(10),
        last_submitted_at=at(14),
        rejected_at={at(12)},
        accepted_at=at(15),
        closed_at=at(20),
    )
    assert status_history(facts) == [
        ("draft", at(1)),
        ("confirmed", at(2)),
        ("in_progress", at(3)),
        ("delivered", at(10)),
        ("in_progress", at(12)),
        ("delivered", at(14)),
        ("accepted", at(15)),
        ("closed", at(20)),
    ]


def test_an_order_known_only_by_a_late_event_has_a_short_history():
    assert status_history(OrderFacts("o", cancelled_at=at(5))) == [("cancelled", at(5))]
    assert status_history(OrderFacts("o")) == []

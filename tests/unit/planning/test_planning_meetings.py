"""Meetings as rules: weekly recurrence, attendees, action item owners, overdue and on time,
what a cancellation takes."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.planning.domain.meetings import (
    ACTION_ITEM_STATUS,
    MAX_OCCURRENCES,
    MEETING_STATUS,
    Attendee,
    cancelled_with,
    check_attendees,
    check_owner,
    closed_on_time,
    for_customer,
    is_overdue,
    occurrences,
)
from shared.errors import RuleViolation, TransitionNotAllowed

MONDAY = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
STAFF = Attendee("staff", user_id="alice", role="manager")
CONTACT = Attendee("customer", name="Li Wei", email="li.wei@example.com")


def test_a_single_meeting_has_one_occurrence():
    assert occurrences(MONDAY, None) == [MONDAY]


@given(st.integers(min_value=1, max_value=MAX_OCCURRENCES))
def test_a_weekly_rule_gives_one_meeting_a_week_at_the_same_time(count):
    days = occurrences(MONDAY, f"FREQ=WEEKLY;COUNT={count}")
    assert len(days) == count
    assert all(
        later - earlier == timedelta(weeks=1)
        for earlier, later in zip(days, days[1:], strict=False)
    )


def test_a_rule_may_end_by_until_and_carry_the_rrule_prefix():
    days = occurrences(MONDAY, "RRULE:FREQ=WEEKLY;UNTIL=20270125T090000Z")
    assert [day.day for day in days] == [4, 11, 18, 25]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;COUNT=3",
        "FREQ=WEEKLY",
        f"FREQ=WEEKLY;COUNT={MAX_OCCURRENCES + 1}",
        "FREQ=WEEKLY;COUNT=banana",
    ],
)
def test_rules_that_are_not_weekly_do_not_end_or_cannot_be_read_are_refused(rule):
    with pytest.raises(RuleViolation) as refused:
        occurrences(MONDAY, rule)
    assert "recurrence" in refused.value.errors


def test_attendees_are_named_as_their_kind_requires_and_invited_once():
    check_attendees([STAFF, CONTACT])
    for people, field in (
        ([], "attendees"),
        ([Attendee("staff", user_id="bob")], "attendees.0"),
        ([Attendee("customer", name="No mail")], "attendees.0"),
        ([STAFF, Attendee("staff", user_id="alice", role="planner")], "attendees.1"),
    ):
        with pytest.raises(RuleViolation) as refused:
            check_attendees(people)
        assert field in refused.value.errors


def test_an_action_item_is_owned_by_an_attendee_only():
    assert check_owner("alice", [STAFF, CONTACT], "owner") == "alice"
    assert check_owner("Li.Wei@Example.com", [STAFF, CONTACT], "owner") == "li.wei@example.com"
    with pytest.raises(RuleViolation) as refused:
        check_owner("mallory", [STAFF, CONTACT], "action_items.0.owner")
    assert "action_items.0.owner" in refused.value.errors


def test_an_open_item_is_overdue_the_day_after_its_due_day():
    due = date(2027, 1, 8)
    assert not is_overdue("open", due, due)
    assert is_overdue("open", due, due + timedelta(days=1))
    assert not is_overdue("done", due, due + timedelta(days=9))
    assert not is_overdue("open", None, due)


def test_an_item_is_closed_on_time_when_done_by_its_due_day():
    due = date(2027, 1, 8)
    assert closed_on_time("done", due, due)
    assert not closed_on_time("done", due, due + timedelta(days=1))
    assert not closed_on_time("cancelled", due, due)
    assert closed_on_time("done", None, due)


def test_minutes_are_edited_until_published_and_items_move_open_to_done_or_cancelled():
    assert MEETING_STATUS.next_status("scheduled", "publish_minutes") == "held"
    with pytest.raises(TransitionNotAllowed):
        MEETING_STATUS.require("held", "edit_minutes")
    assert ACTION_ITEM_STATUS.action_to("open", "done") == "complete"
    with pytest.raises(TransitionNotAllowed):
        ACTION_ITEM_STATUS.action_to("done", "cancelled")


def test_a_cancellation_takes_the_meeting_and_with_following_the_later_scheduled_ones():
    week = [MONDAY + timedelta(weeks=n) for n in range(5)]
    statuses = ["held", "scheduled", "scheduled", "cancelled", "scheduled"]
    series = list(zip("abcde", week, statuses, strict=True))[::-1]  # in any order
    assert cancelled_with("b", series, following=False) == ["b"]
    assert cancelled_with("b", series, following=True) == ["b", "c", "e"]
    assert cancelled_with("e", series, following=True) == ["e"]
    for taken in ("a", "d"):  # held, or cancelled already
        with pytest.raises(TransitionNotAllowed):
            cancelled_with(taken, series, following=True)
    with pytest.raises(TransitionNotAllowed):
        MEETING_STATUS.require("cancelled", "edit_minutes")


def test_a_customer_reads_nothing_marked_internal():
    items = [{"text": "a"}, {"text": "b", "internal": True}, {"text": "c", "internal": False}]
    assert [item["text"] for item in for_customer(items)] == ["a", "c"]

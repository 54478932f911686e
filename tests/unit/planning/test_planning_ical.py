"""The meeting as iCalendar: the invitation (one event, the series' RRULE, attendees with
mail) and the cancellation (METHOD:CANCEL, the same UID, one event per cancelled occurrence
named by its RECURRENCE-ID)."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from services.planning.render.ical import CalendarMeeting, cancellation, invitation

FIRST = datetime(2027, 1, 5, 9, tzinfo=UTC)
WEEKLY = CalendarMeeting(
    uid=uuid.uuid4(),
    title="周例会 Weekly status",
    description="Progress\nRisks",
    starts_at=FIRST,
    duration_minutes=45,
    place=None,
    call_url="https://meet.example.com/weekly",
    recurrence="FREQ=WEEKLY;COUNT=8",
    attendees=[
        {"kind": "customer", "name": "李伟", "email": "li.wei@example.com"},
        {"kind": "staff", "user_id": "bob", "role": "engineer"},
    ],
    stamp=datetime(2027, 1, 1, tzinfo=UTC),
)
KICK_OFF = replace(WEEKLY, uid=uuid.uuid4(), title="Kick-off", recurrence=None)


def test_an_invitation_carries_the_meeting_its_recurrence_and_its_attendees():
    calendar = Calendar.from_ical(invitation(WEEKLY))
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{WEEKLY.uid}@ordo"
    assert str(event["summary"]) == "周例会 Weekly status"
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 45 * 60
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["COUNT"] == [8]
    assert str(event["location"]) == "https://meet.example.com/weekly"
    assert event["sequence"] == 0 and "status" not in event
    [attendee] = [event["attendee"]]
    assert str(attendee) == "mailto:li.wei@example.com"
    assert attendee.params["CN"] == "李伟" and attendee.params["RSVP"] == "TRUE"


def test_a_cancelled_meeting_is_cancelled_whole_with_the_same_uid_and_a_higher_sequence():
    calendar = Calendar.from_ical(cancellation(replace(KICK_OFF, sequence=1)))
    assert str(calendar["method"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{KICK_OFF.uid}@ordo"
    assert event["sequence"] == 1 and str(event["status"]) == "CANCELLED"
    assert "recurrence-id" not in event and "rrule" not in event
    assert event.decoded("dtstart") == FIRST
    assert str(event["attendee"]) == "mailto:li.wei@example.com"
    assert "RSVP" not in event["attendee"].params


def test_occurrences_of_a_series_are_cancelled_one_event_each_by_recurrence_id():
    dropped = [FIRST + timedelta(weeks=2), FIRST + timedelta(weeks=3)]
    calendar = Calendar.from_ical(cancellation(replace(WEEKLY, sequence=2), dropped))
    assert str(calendar["method"]) == "CANCEL"
    events = calendar.walk("VEVENT")
    assert [event.decoded("recurrence-id") for event in events] == dropped
    assert [event.decoded("dtstart") for event in events] == dropped
    assert {str(event["uid"]) for event in events} == {f"{WEEKLY.uid}@ordo"}
    assert {event["sequence"] for event in events} == {2}
    assert all(str(event["status"]) == "CANCELLED" for event in events)
    assert all("rrule" not in event for event in events)


def test_the_invitation_after_cancelling_says_what_was_cancelled():
    [whole] = Calendar.from_ical(invitation(replace(KICK_OFF, sequence=1), cancelled=True)).walk(
        "VEVENT"
    )
    assert str(whole["status"]) == "CANCELLED" and whole["sequence"] == 1
    dropped = [FIRST + timedelta(weeks=7)]
    master, occurrence = Calendar.from_ical(
        invitation(replace(WEEKLY, sequence=1), cancelled_occurrences=dropped)
    ).walk("VEVENT")
    assert "status" not in master and master["rrule"]["COUNT"] == [8]
    assert occurrence.decoded("recurrence-id") == dropped[0]
    assert str(occurrence["status"]) == "CANCELLED"

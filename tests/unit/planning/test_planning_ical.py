"""The meeting invitation as iCalendar: one event, the series' RRULE, attendees with mail."""

import uuid
from datetime import UTC, datetime

from icalendar import Calendar

from services.planning.render.ical import invitation


def test_an_invitation_carries_the_meeting_its_recurrence_and_its_attendees():
    uid = uuid.uuid4()
    ics = invitation(
        uid=uid,
        title="周例会 Weekly status",
        description="Progress\nRisks",
        starts_at=datetime(2027, 1, 5, 9, tzinfo=UTC),
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
    calendar = Calendar.from_ical(ics)
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{uid}@ordo"
    assert str(event["summary"]) == "周例会 Weekly status"
    assert (event.decoded("dtend") - event.decoded("dtstart")).total_seconds() == 45 * 60
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["COUNT"] == [8]
    assert str(event["location"]) == "https://meet.example.com/weekly"
    [attendee] = [event["attendee"]]
    assert str(attendee) == "mailto:li.wei@example.com"
    assert attendee.params["CN"] == "李伟"

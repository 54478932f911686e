"""A meeting as an iCalendar invitation or cancellation (RFC 5545/5546), written with the
`icalendar` library.

One VEVENT per meeting; a meeting of a weekly series is the series' first occurrence with its
RRULE, so one invitation puts every occurrence in the attendee's calendar. Its UID is the
series' (or the meeting's) id, so a later message about it updates the same calendar entry.

A cancellation (METHOD:CANCEL) keeps that UID and raises the SEQUENCE: a meeting alone is
cancelled whole; occurrences of a series are cancelled one VEVENT each, named by their
RECURRENCE-ID (the occurrence's original start), so a calendar drops exactly those. The
invitation read afterwards says the same: STATUS:CANCELLED on the meeting once nothing of it
is left, and a cancelled VEVENT per cancelled occurrence of a series that goes on.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vRecur, vText

PRODID = "-//Ordo//Meetings//EN"


@dataclass(frozen=True)
class CalendarMeeting:
    """What the calendar entry says of a meeting (a series: of its first occurrence)."""

    uid: uuid.UUID
    title: str
    description: str
    starts_at: datetime
    duration_minutes: int
    place: str | None
    call_url: str | None
    recurrence: str | None
    attendees: Sequence[dict]
    stamp: datetime
    sequence: int = 0


def invitation(
    meeting: CalendarMeeting,
    *,
    cancelled: bool = False,
    cancelled_occurrences: Sequence[datetime] = (),
) -> bytes:
    """The invitation as `.ics` bytes (METHOD:REQUEST), attendees with an e-mail listed;
    `cancelled` when nothing of the meeting is left, `cancelled_occurrences` the original
    starts of a series' cancelled occurrences."""
    master = _event(meeting, meeting.starts_at, rsvp=not cancelled)
    if meeting.description:
        master.add("description", meeting.description)
    if meeting.recurrence:
        master.add("rrule", vRecur.from_ical(meeting.recurrence.strip().removeprefix("RRULE:")))
    if cancelled:
        master.add("status", "CANCELLED")
    events = [master]
    if meeting.recurrence:
        events += [_cancelled_occurrence(meeting, start) for start in cancelled_occurrences]
    return _calendar("REQUEST", events)


def cancellation(meeting: CalendarMeeting, occurrences: Sequence[datetime] = ()) -> bytes:
    """The cancellation as `.ics` bytes (METHOD:CANCEL): the meeting alone, or one VEVENT per
    cancelled occurrence of a series (`occurrences`: their original starts)."""
    if not meeting.recurrence:
        whole = _event(meeting, meeting.starts_at)
        whole.add("status", "CANCELLED")
        return _calendar("CANCEL", [whole])
    return _calendar("CANCEL", [_cancelled_occurrence(meeting, start) for start in occurrences])


def _cancelled_occurrence(meeting: CalendarMeeting, start: datetime) -> Event:
    event = _event(meeting, start)
    event.add("recurrence-id", start)
    event.add("status", "CANCELLED")
    return event


def _event(meeting: CalendarMeeting, start: datetime, rsvp: bool = False) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@ordo")
    event.add("dtstamp", meeting.stamp)
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    location = meeting.place or meeting.call_url
    if location:
        event.add("location", location)
    if meeting.call_url:
        event.add("url", meeting.call_url)
    for person in meeting.attendees:
        if not person.get("email"):
            continue
        address = vCalAddress(f"mailto:{person['email']}")
        address.params["cn"] = vText(person.get("name") or person["email"])
        address.params["role"] = vText("REQ-PARTICIPANT")
        if rsvp:
            address.params["rsvp"] = vText("TRUE")
        event.add("attendee", address, encode=0)
    return event


def _calendar(method: str, events: Sequence[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()

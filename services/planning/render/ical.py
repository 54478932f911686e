"""A meeting as an iCalendar invitation (RFC 5545), written with the `icalendar` library.

One VEVENT per meeting; a meeting of a weekly series is the series' first occurrence with its
RRULE, so one invitation puts every occurrence in the attendee's calendar. Its UID is the
series' (or the meeting's) id, so a re-sent invitation updates the same calendar entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vRecur, vText

PRODID = "-//Ordo//Meetings//EN"


def invitation(
    *,
    uid: uuid.UUID,
    title: str,
    description: str,
    starts_at: datetime,
    duration_minutes: int,
    place: str | None,
    call_url: str | None,
    recurrence: str | None,
    attendees: Sequence[dict],
    stamp: datetime,
    sequence: int = 0,
) -> bytes:
    """The invitation as `.ics` bytes (METHOD:REQUEST), attendees with an e-mail listed."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"{uid}@ordo")
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("summary", title)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=duration_minutes))
    if description:
        event.add("description", description)
    location = place or call_url
    if location:
        event.add("location", location)
    if call_url:
        event.add("url", call_url)
    if recurrence:
        event.add("rrule", vRecur.from_ical(recurrence.strip().removeprefix("RRULE:")))
    for person in attendees:
        if not person.get("email"):
            continue
        address = vCalAddress(f"mailto:{person['email']}")
        address.params["cn"] = vText(person.get("name") or person["email"])
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["rsvp"] = vText("TRUE")
        event.add("attendee", address, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()

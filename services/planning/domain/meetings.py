"""Meetings, their minutes and the action items they leave.

A meeting is scheduled with its attendees (staff by user id and role, customer contacts by
name and e-mail) and agenda; a weekly meeting may recur by an RRULE, which is expanded into
one meeting per occurrence (at most MAX_OCCURRENCES, so a rule must end by COUNT or UNTIL),
each to be minuted on its own. Minutes are a draft until published, then never change.

A scheduled meeting may be cancelled, with its reason (alone, or with the later scheduled
occurrences of its series); a held or cancelled one stays as it is, and a cancelled meeting
takes no minutes.

Every decision and action item may be marked internal: a customer reads the minutes without
them. An action item's owner is one of the meeting's attendees (a staff user id or a customer
contact's e-mail); it is `open` until `done` or `cancelled`, and it is overdue once its due day
has passed while open — said once per item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.rrule import WEEKLY, rrulestr

from shared.errors import RuleViolation
from shared.status_machine import StatusMachine

MEETING_KINDS = ("kick_off", "status", "design_review", "acceptance", "retrospective", "other")
ATTENDEE_KINDS = ("staff", "customer")
MAX_OCCURRENCES = 52

MEETING_STATUS = StatusMachine(
    "meeting",
    ("scheduled", "held", "cancelled"),
    moves={"publish_minutes": {"scheduled": "held"}, "cancel": {"scheduled": "cancelled"}},
    keeps={"edit_minutes": ("scheduled",)},
)

ACTION_ITEM_STATUS = StatusMachine(
    "action_item",
    ("open", "done", "cancelled"),
    moves={
        "complete": {"open": "done"},
        "cancel": {"open": "cancelled"},
        "reopen": {"done": "open", "cancelled": "open"},
    },
)


def _refused(field: str, message: str) -> RuleViolation:
    return RuleViolation({field: message}, detail=message)


def occurrences(starts_at: datetime, recurrence: str | None) -> list[datetime]:
    """The start of every occurrence: the meeting alone, or each week its RRULE gives.

    RuleViolation (field `recurrence`) for a rule that is not weekly, does not end (no COUNT
    or UNTIL), cannot be read, or gives more than MAX_OCCURRENCES meetings."""
    if not recurrence:
        return [starts_at]
    text = recurrence.strip().removeprefix("RRULE:")
    try:
        rule = rrulestr(text, dtstart=starts_at)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise _refused("recurrence", f"The RRULE cannot be read: {error}.") from None
    parts = {part.split("=", 1)[0].upper() for part in text.split(";") if "=" in part}
    if rule._freq != WEEKLY:
        raise _refused("recurrence", "Only a weekly recurrence (FREQ=WEEKLY) is offered.")
    if not parts & {"COUNT", "UNTIL"}:
        raise _refused("recurrence", "A recurrence must end: give COUNT or UNTIL.")
    days = []
    try:
        for day in rule:
            days.append(day)
            if len(days) > MAX_OCCURRENCES:
                raise _refused(
                    "recurrence", f"A recurrence may hold at most {MAX_OCCURRENCES} meetings."
                )
    except (ValueError, OverflowError) as error:  # UNTIL of another time zone kind, year 9999
        raise _refused("recurrence", f"The RRULE cannot be followed: {error}.") from None
    if not days:
        raise _refused("recurrence", "The recurrence gives no meeting at all.")
    return days


@dataclass(frozen=True)
class Attendee:
    kind: str
    name: str | None = None
    user_id: str | None = None
    role: str | None = None
    email: str | None = None
    locale: str | None = None

    @property
    def key(self) -> str | None:
        """What names the attendee as an action item's owner: user id or e-mail."""
        return self.user_id if self.kind == "staff" else (self.email or "").lower() or None


def check_attendees(attendees: Sequence[Attendee]) -> None:
    """RuleViolation unless there is an attendee, staff by user id and role, customer
    contacts by name and e-mail, each once."""
    if not attendees:
        raise _refused("attendees", "A meeting needs at least one attendee.")
    seen = set()
    for number, attendee in enumerate(attendees):
        field = f"attendees.{number}"
        if attendee.kind == "staff" and not (attendee.user_id and attendee.role):
            raise _refused(field, "A staff attendee is named by user_id and role.")
        if attendee.kind == "customer" and not (attendee.name and attendee.email):
            raise _refused(field, "A customer contact is named by name and email.")
        if attendee.key in seen:
            raise _refused(field, f"{attendee.key} is invited twice.")
        seen.add(attendee.key)


def check_owner(owner: str, attendees: Iterable[Attendee], field: str) -> str:
    """The owner as its attendee key; RuleViolation unless an attendee of this meeting owns it
    (people of another order cannot)."""
    keys = {attendee.key for attendee in attendees}
    key = owner.strip()
    key = key.lower() if "@" in key else key
    if key not in keys:
        raise _refused(field, f"{owner} is not an attendee of this meeting of the order.")
    return key


def cancelled_with(
    meeting_id: object, series: Sequence[tuple[object, datetime, str]], following: bool
) -> list[object]:
    """The ids of the meetings a cancellation takes, by start: the meeting, and with
    `following` the later occurrences of its series still scheduled (held and cancelled ones
    stay as they are). `series` is every occurrence of the meeting's series (or the meeting
    alone) as (id, start, status); TransitionNotAllowed unless the meeting is scheduled."""
    [(_, starts_at, status)] = [row for row in series if row[0] == meeting_id]
    MEETING_STATUS.require(status, "cancel")
    return [
        row_id
        for row_id, start, row_status in sorted(series, key=lambda row: row[1])
        if row_id == meeting_id or (following and start > starts_at and row_status == "scheduled")
    ]


def is_overdue(status: str, due: date | None, today: date) -> bool:
    """An open action item whose due day has passed."""
    return status == "open" and due is not None and due < today


def closed_on_time(status: str, due: date | None, closed_on: date | None) -> bool:
    """Done on or before its due day (one without a due day is on time when done)."""
    return status == "done" and (due is None or (closed_on is not None and closed_on <= due))


def for_customer(items: Iterable[dict]) -> list[dict]:
    """The decisions or action items a customer may read: none marked internal."""
    return [item for item in items if not item.get("internal")]

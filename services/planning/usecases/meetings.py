"""Meetings of an order, their minutes and the action items they leave.

Scheduling writes one meeting per occurrence, publishes ``ordo.meeting.scheduled`` and mails
each attendee with an address the invitation (with its iCalendar); publishing the minutes
makes the action items, publishes ``ordo.meeting.minutes_published`` and mails the minutes
(a customer contact's copy without the internal items). Cancelling a meeting (and with it,
if asked, the later occurrences of its series) stores when and why, publishes
``ordo.meeting.cancelled`` and mails each attendee the reason with the iCalendar
cancellation; an order's cancellation does the same to its meetings to come. The worker's
daily look publishes ``ordo.action_item.overdue`` once per item.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.meetings import (
    ACTION_ITEM_STATUS,
    MEETING_STATUS,
    Attendee,
    cancelled_with,
    check_attendees,
    check_owner,
    closed_on_time,
    for_customer,
    occurrences,
)
from services.planning.models import ActionItem, Issue, Meeting, Plan, Risk, Task
from services.planning.render.ical import CalendarMeeting, cancellation, invitation
from services.planning.render.mail import meeting_cancellation, meeting_invitation, meeting_minutes
from services.planning.usecases import publish_about
from shared.db import new_id, utcnow
from shared.errors import NotFound, RuleViolation, TransitionNotAllowed
from shared.events.contracts.planning import (
    ActionItemClosed,
    ActionItemOverdue,
    MeetingCancelled,
    MeetingScheduled,
    MinutesPublished,
)
from shared.mail import Attachment, queue_mail
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal, find

LINKS = (("task_id", Task, "task"), ("risk_id", Risk, "risk"), ("issue_id", Issue, "issue"))


def plan_holding_meetings(session: Session, plan_id: uuid.UUID) -> Plan:
    """The plan, unless its order was cancelled (a cancelled order holds no meetings)."""
    plan = find(session, Plan, plan_id, "plan")
    if plan.status == "cancelled":
        raise TransitionNotAllowed(
            "plan", "hold_meeting", plan.status, [], detail="A cancelled order holds no meetings."
        )
    return plan


def attendees_of(meeting: Meeting) -> list[Attendee]:
    return [Attendee(**person) for person in meeting.attendees]


def schedule_meeting(session: Session, plan_id: uuid.UUID, fields: dict[str, Any]) -> Meeting:
    """Schedule a meeting, or a weekly series (one meeting per occurrence); return the first."""
    plan = plan_holding_meetings(session, plan_id)
    people = [Attendee(**person) for person in fields["attendees"]]
    check_attendees(people)
    starts = occurrences(fields["starts_at"], fields.get("recurrence"))
    series_id = new_id() if len(starts) > 1 else None
    attendees = [
        {**person, "email": person["email"].lower()} if person.get("email") else person
        for person in fields["attendees"]
    ]
    meetings = [
        Meeting(
            id=new_id(),
            plan_id=plan.id,
            series_id=series_id,
            kind=fields["kind"],
            title=fields["title"],
            starts_at=start,
            duration_minutes=fields["duration_minutes"],
            place=fields.get("place"),
            call_url=fields.get("call_url"),
            recurrence=fields.get("recurrence") if series_id else None,
            attendees=attendees,
            agenda=fields["agenda"],
        )
        for start in starts
    ]
    session.add_all(meetings)
    session.flush()
    first = meetings[0]
    publish_about(
        session,
        plan,
        MeetingScheduled,
        meeting_id=first.id,
        kind=first.kind,
        title=first.title,
        starts_at=first.starts_at,
        recurrence=first.recurrence,
        occurrences=[{"meeting_id": row.id, "starts_at": row.starts_at} for row in meetings],
        staff_attendees=sum(person.kind == "staff" for person in people),
        customer_attendees=sum(person.kind == "customer" for person in people),
    )
    ics = Attachment("invitation.ics", "text/calendar", meeting_ics(first))
    for person in attendees:
        _mail_attendee(
            session,
            plan,
            person,
            meeting_invitation,
            title=first.title,
            when=_when(first.starts_at),
            duration_minutes=first.duration_minutes,
            occurrences=[_when(row.starts_at) for row in meetings],
            place=first.place,
            call_url=first.call_url,
            agenda=first.agenda,
            attachments=(ics,),
        )
    return first


def _when(moment) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _locale_of(plan: Plan, person: dict) -> str | None:
    return person.get("locale") or (plan.customer_locale if person["kind"] == "customer" else None)


def meeting_ics(meeting: Meeting, series: list[Meeting] | None = None) -> bytes:
    """The meeting's iCalendar invitation (a series' whole recurrence from its first day,
    `series` its occurrences by start); what was cancelled says so."""
    occurrences = series or [meeting]
    cancelled = [row.starts_at for row in occurrences if row.status == "cancelled"]
    return invitation(
        calendar_meeting(meeting, occurrences),
        cancelled=len(cancelled) == len(occurrences),
        cancelled_occurrences=cancelled,
    )


def calendar_meeting(first: Meeting, occurrences: list[Meeting]) -> CalendarMeeting:
    """What the calendar entry says of the meeting (`first`: a series' first occurrence).

    Its SEQUENCE counts the cancellations it has had (each cancels its occurrences at one
    moment) and its DTSTAMP is the latest of them, so every cancellation supersedes what the
    attendee's calendar holds."""
    cancellations = {row.cancelled_at for row in occurrences if row.cancelled_at is not None}
    return CalendarMeeting(
        uid=first.series_id or first.id,
        title=first.title,
        description="\n".join(first.agenda),
        starts_at=first.starts_at,
        duration_minutes=first.duration_minutes,
        place=first.place,
        call_url=first.call_url,
        recurrence=first.recurrence,
        attendees=first.attendees,
        stamp=max(cancellations, default=None) or first.created_at or utcnow(),
        sequence=len(cancellations),
    )


def invitation_of(session: Session, meeting_id: uuid.UUID, actor: Principal = SYSTEM) -> bytes:
    """The `.ics` of a meeting the actor may read (a series from its first occurrence)."""
    meeting = read_meeting_row(session, meeting_id, actor)
    series = occurrences_of(session, meeting)
    return meeting_ics(series[0], series)


def occurrences_of(session: Session, meeting: Meeting) -> list[Meeting]:
    """Every occurrence of the meeting's series by start (the meeting alone if not a series)."""
    if meeting.series_id is None:
        return [meeting]
    query = sa.select(Meeting).where(Meeting.series_id == meeting.series_id)
    return list(session.scalars(query.order_by(Meeting.starts_at)))


def cancel_meeting(
    session: Session, meeting_id: uuid.UUID, fields: dict[str, Any], if_match: IfMatch
) -> Meeting:
    """Cancel a scheduled meeting (with `following`, the later scheduled occurrences of its
    series too): when and why are stored, ``ordo.meeting.cancelled`` is published and every
    attendee with an address is mailed the reason and the iCalendar cancellation. 409 for a
    meeting held or already cancelled."""
    meeting = meeting_to_change(session, meeting_id, if_match)
    plan = session.get(Plan, meeting.plan_id)
    _cancel(session, plan, meeting, fields["reason"], fields["following"])
    return meeting


#: Stored as the reason of the meetings an order's cancellation takes; their mails say it in
#: the attendee's language.
ORDER_CANCELLED = "The order was cancelled."


def cancel_meetings_of_cancelled_order(session: Session, order_id: uuid.UUID) -> None:
    """The order was cancelled: its meetings still to come are cancelled as a user would
    (each series from its next occurrence on), so no attendee keeps them in a calendar.
    Heard again, it finds nothing left to cancel."""
    plan = session.scalar(sa.select(Plan).where(Plan.order_id == order_id))
    if plan is None:
        return
    coming = session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.plan_id == plan.id,
            Meeting.status == "scheduled",
            Meeting.starts_at > utcnow(),
        )
        .order_by(Meeting.starts_at)
    )
    next_of_each: dict[uuid.UUID, Meeting] = {}
    for meeting in coming:
        next_of_each.setdefault(meeting.series_id or meeting.id, meeting)
    for meeting in next_of_each.values():
        _cancel(session, plan, meeting, ORDER_CANCELLED, following=True, order_cancelled=True)


def _cancel(
    session: Session,
    plan: Plan,
    meeting: Meeting,
    reason: str,
    following: bool,
    order_cancelled: bool = False,
) -> None:
    series = occurrences_of(session, meeting)
    rows = [(row.id, row.starts_at, row.status) for row in series]
    taken = set(cancelled_with(meeting.id, rows, following))
    cancelled = [row for row in series if row.id in taken]
    now = utcnow()
    for row in cancelled:
        row.status = MEETING_STATUS.next_status(row.status, "cancel")
        row.cancelled_at = now
        row.cancellation_reason = reason
    session.flush()
    publish_about(
        session,
        plan,
        MeetingCancelled,
        meeting_id=meeting.id,
        kind=meeting.kind,
        title=meeting.title,
        series_id=meeting.series_id,
        occurrences=[{"meeting_id": row.id, "starts_at": row.starts_at} for row in cancelled],
    )
    ics = cancellation(calendar_meeting(series[0], series), [row.starts_at for row in cancelled])
    attachment = Attachment("cancellation.ics", "text/calendar", ics)
    for person in meeting.attendees:
        _mail_attendee(
            session,
            plan,
            person,
            meeting_cancellation,
            title=meeting.title,
            occurrences=[_when(row.starts_at) for row in cancelled],
            reason=reason,
            order_cancelled=order_cancelled,
            attachments=(attachment,),
        )


def read_meeting_row(session: Session, meeting_id: uuid.UUID, actor: Principal) -> Meeting:
    """The meeting; a customer reads only the meetings of its orders its contacts attend
    (any other is not found, so nothing internal is told)."""
    meeting = find(session, Meeting, meeting_id, "meeting")
    if actor.is_customer:
        plan = session.get(Plan, meeting.plan_id)
        if str(plan.customer_id) != str(actor.customer_id) or not _customer_attended(meeting):
            raise NotFound("meeting", meeting_id)
    return meeting


def _customer_attended(meeting: Meeting) -> bool:
    return any(person["kind"] == "customer" for person in meeting.attendees)


def read_meeting(session: Session, meeting_id: uuid.UUID, actor: Principal = SYSTEM) -> dict:
    """The meeting as the actor may see it (see `meeting_view`)."""
    meeting = read_meeting_row(session, meeting_id, actor)
    return meeting_view(session, meeting, actor)


def plan_meetings(session: Session, plan_id: uuid.UUID, actor: Principal = SYSTEM) -> list[dict]:
    """The plan's meetings by start; a customer's: those of its order its contacts attend."""
    plan = find(session, Plan, plan_id, "plan")
    actor.require_access(plan.customer_id)
    rows = session.scalars(
        sa.select(Meeting).where(Meeting.plan_id == plan.id).order_by(Meeting.starts_at)
    ).all()
    if actor.is_customer:
        rows = [meeting for meeting in rows if _customer_attended(meeting)]
    items = _action_items_by_meeting(session, [meeting.id for meeting in rows])
    return [meeting_view(session, meeting, actor, items.get(meeting.id, [])) for meeting in rows]


def _action_items_by_meeting(session: Session, meeting_ids) -> dict:
    found: dict[uuid.UUID, list[ActionItem]] = {}
    if not meeting_ids:
        return found
    query = sa.select(ActionItem).where(ActionItem.meeting_id.in_(meeting_ids))
    for item in session.scalars(query.order_by(ActionItem.created_at)):
        found.setdefault(item.meeting_id, []).append(item)
    return found


def meeting_view(
    session: Session, meeting: Meeting, actor: Principal, items: list | None = None
) -> dict:
    """Staff see everything (draft minutes too); a customer sees the meeting it attends and,
    once published, the minutes without internal decisions and action items, attendees by
    name and role only."""
    if items is None:
        items = _action_items_by_meeting(session, [meeting.id]).get(meeting.id, [])
    view = {
        column: getattr(meeting, column)
        for column in (
            "id",
            "plan_id",
            "series_id",
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "place",
            "call_url",
            "recurrence",
            "agenda",
            "status",
            "minutes_published_at",
            "cancelled_at",
            "cancellation_reason",
            "version",
        )
    }
    published = meeting.status == "held"
    action_items = [action_item_view(item) for item in items]
    if not actor.is_customer:
        return {
            **view,
            "attendees": meeting.attendees,
            "minutes": meeting.minutes,
            "decisions": meeting.decisions,
            "action_items": action_items if published else meeting.draft_action_items,
        }
    view.pop("version")
    view["attendees"] = [
        {"kind": person["kind"], "name": person.get("name"), "role": person.get("role")}
        for person in meeting.attendees
    ]
    if published:
        view["minutes"] = meeting.minutes
        view["decisions"] = for_customer(meeting.decisions)
        view["action_items"] = [
            {key: item[key] for key in ("id", "title", "owner", "due_date", "status")}
            for item in for_customer(action_items)
        ]
    return view


def action_item_view(item: ActionItem) -> dict:
    return {
        column: getattr(item, column)
        for column in (
            "id",
            "plan_id",
            "meeting_id",
            "title",
            "owner",
            "due_date",
            "status",
            "internal",
            "task_id",
            "risk_id",
            "issue_id",
            "closed_on",
            "version",
        )
    }


def meeting_to_change(session: Session, meeting_id: uuid.UUID, if_match: IfMatch) -> Meeting:
    meeting = find(session, Meeting, meeting_id, "meeting")
    plan_holding_meetings(session, meeting.plan_id)
    if_match.check(meeting.version)
    return meeting


def write_minutes(
    session: Session, meeting_id: uuid.UUID, fields: dict[str, Any], if_match: IfMatch
) -> Meeting:
    """Draft (or redraft) the minutes, decisions and action items; 409 once published."""
    meeting = meeting_to_change(session, meeting_id, if_match)
    MEETING_STATUS.require(meeting.status, "edit_minutes")
    drafted = [
        checked_action_item(session, meeting, item, f"action_items.{number}")
        for number, item in enumerate(fields["action_items"])
    ]
    meeting.minutes = fields["minutes"]
    meeting.decisions = [dict(decision) for decision in fields["decisions"]]
    meeting.draft_action_items = drafted
    session.flush()
    return meeting


def checked_action_item(session: Session, meeting: Meeting, item: dict, field: str) -> dict:
    """The drafted item as stored; RuleViolation naming the field when its owner is not an
    attendee, or its task, risk or issue is of another order."""
    owner = check_owner(item["owner"], attendees_of(meeting), f"{field}.owner")
    for key, model, what in LINKS:
        linked = item.get(key)
        if linked is None:
            continue
        row = session.get(model, linked)
        if row is None or row.plan_id != meeting.plan_id:
            message = f"The {what} {linked} is not of this order."
            raise RuleViolation({f"{field}.{key}": message}, detail=message)
    return {
        "title": item["title"],
        "owner": owner,
        "due_date": str(item["due_date"]) if item.get("due_date") else None,
        "internal": item.get("internal", False),
        **{key: str(item[key]) if item.get(key) else None for key, _, _ in LINKS},
    }


def publish_minutes(
    session: Session, meeting_id: uuid.UUID, if_match: IfMatch = ANY_VERSION
) -> dict:
    """Publish the minutes: the action items are made, the event and the mails go out."""
    meeting = meeting_to_change(session, meeting_id, if_match)
    MEETING_STATUS.require(meeting.status, "publish_minutes")
    if not meeting.minutes.strip():
        message = "Minutes are published with their text: write what was discussed."
        raise RuleViolation({"minutes": message}, detail=message)
    plan = session.get(Plan, meeting.plan_id)
    items = []
    for number, drafted in enumerate(meeting.draft_action_items):
        checked = checked_action_item(session, meeting, drafted, f"action_items.{number}")
        items.append(
            ActionItem(
                id=new_id(),
                plan_id=meeting.plan_id,
                meeting_id=meeting.id,
                title=checked["title"],
                owner=checked["owner"],
                due_date=date.fromisoformat(checked["due_date"]) if checked["due_date"] else None,
                internal=checked["internal"],
                **{key: uuid.UUID(checked[key]) if checked[key] else None for key, _, _ in LINKS},
            )
        )
    session.add_all(items)
    meeting.status = MEETING_STATUS.next_status(meeting.status, "publish_minutes")
    meeting.minutes_published_at = utcnow()
    session.flush()
    publish_about(
        session,
        plan,
        MinutesPublished,
        meeting_id=meeting.id,
        kind=meeting.kind,
        title=meeting.title,
        held_at=meeting.starts_at,
        # The event reaches the order's timeline, which the customer reads: internal
        # decisions stay out, internal action items are there without their words.
        decisions=[
            {"text": decision["text"], "internal": False}
            for decision in for_customer(meeting.decisions)
        ],
        action_items=[
            {
                "action_item_id": item.id,
                "title": _public_title(item),
                "owner": item.owner,
                "due_date": item.due_date,
                "internal": item.internal,
            }
            for item in items
        ],
    )
    _mail_minutes(session, plan, meeting, items)
    return meeting_view(session, meeting, SYSTEM, items)


def _mail_minutes(session: Session, plan: Plan, meeting: Meeting, items: list[ActionItem]):
    every_item = [
        {
            "title": item.title,
            "owner": item.owner,
            "due_date": item.due_date,
            "internal": item.internal,
        }
        for item in items
    ]
    for person in meeting.attendees:
        customer = person["kind"] == "customer"
        _mail_attendee(
            session,
            plan,
            person,
            meeting_minutes,
            title=meeting.title,
            when=_when(meeting.starts_at),
            minutes=meeting.minutes,
            decisions=for_customer(meeting.decisions) if customer else meeting.decisions,
            action_items=for_customer(every_item) if customer else every_item,
        )


def _mail_attendee(session: Session, plan: Plan, person: dict, render, **context) -> None:
    """Queue the mail `render` makes for an attendee with an address, in their language."""
    if not person.get("email"):
        return
    queue_mail(
        session,
        render(
            to=person["email"],
            to_name=person.get("name"),
            locale=_locale_of(plan, person),
            order_id=plan.order_id,
            order_number=plan.order_number,
            order_title=plan.title,
            **context,
        ),
    )


def plan_action_items(session: Session, plan_id: uuid.UUID, status: str | None = None) -> sa.Select:
    """The plan's action items, earliest due first."""
    find(session, Plan, plan_id, "plan")
    query = sa.select(ActionItem).where(ActionItem.plan_id == plan_id)
    if status is not None:
        query = query.where(ActionItem.status == status)
    return query.order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.created_at)


def read_action_item(session: Session, item_id: uuid.UUID) -> ActionItem:
    return find(session, ActionItem, item_id, "action item")


def change_action_item(
    session: Session,
    item_id: uuid.UUID,
    changes: dict[str, Any],
    today: date,
    if_match: IfMatch = ANY_VERSION,
) -> ActionItem:
    """Mark an action item done or cancelled (or reopen it), move its due day or owner;
    closing it publishes ``ordo.action_item.closed``."""
    item = find(session, ActionItem, item_id, "action item")
    plan = plan_holding_meetings(session, item.plan_id)
    if_match.check(item.version)
    if "owner" in changes:
        meeting = session.get(Meeting, item.meeting_id)
        item.owner = check_owner(changes["owner"], attendees_of(meeting), "owner")
    if "due_date" in changes:
        item.due_date = changes["due_date"]
    target = changes.get("status", item.status)
    moved = target != item.status
    if moved:
        ACTION_ITEM_STATUS.action_to(item.status, target)
        item.status = target
        item.closed_on = None if target == "open" else today
    session.flush()
    if moved and target != "open":
        publish_about(
            session,
            plan,
            ActionItemClosed,
            action_item_id=item.id,
            meeting_id=item.meeting_id,
            title=_public_title(item),
            due_date=item.due_date,
            status=item.status,
            closed_on=item.closed_on,
            on_time=closed_on_time(item.status, item.due_date, item.closed_on),
        )
    return item


def _public_title(item: ActionItem) -> str:
    """Events reach the order's timeline, which the customer reads: internal titles stay in."""
    return "(internal action item)" if item.internal else item.title


def overdue_action_item_ids(session: Session, today: date) -> list[uuid.UUID]:
    """Open items past their due day not yet said to be overdue."""
    query = sa.select(ActionItem.id).where(
        ActionItem.status == "open",
        ActionItem.due_date < today,
        ActionItem.overdue_published_at.is_(None),
    )
    return list(session.scalars(query))


def publish_overdue(session: Session, item_id: uuid.UUID, today: date) -> bool:
    """Publish ``ordo.action_item.overdue`` for the item, once: the row is locked and the
    time stamped in the same transaction, so two workers never both say it."""
    item = session.scalars(
        sa.select(ActionItem).where(ActionItem.id == item_id).with_for_update(skip_locked=True)
    ).first()
    if (
        item is None
        or item.overdue_published_at is not None
        or item.status != "open"
        or item.due_date is None
        or item.due_date >= today
    ):
        return False
    plan = session.get(Plan, item.plan_id)
    if plan.status == "cancelled":
        return False
    item.overdue_published_at = utcnow()
    publish_about(
        session,
        plan,
        ActionItemOverdue,
        action_item_id=item.id,
        meeting_id=item.meeting_id,
        title=_public_title(item),
        due_date=item.due_date,
        owner=item.owner,
    )
    return True

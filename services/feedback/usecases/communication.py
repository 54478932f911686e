"""The communication read model, folded from the planning service's events, and its KPIs.

Each fold is idempotent: a row is keyed by the meeting, action item or report id, so a
redelivered event changes nothing; the counts are SQL aggregates over those rows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain.communication import (
    ActiveSpan,
    CommunicationKpis,
    active_order_weeks,
    communication_kpis,
)
from services.feedback.models import ActionItemFact, MeetingFact, Order, StatusReportFact
from services.feedback.usecases.orders import facts_of


def record_meetings_scheduled(session: Session, data: dict) -> None:
    for occurrence in data["occurrences"]:
        if session.get(MeetingFact, occurrence["meeting_id"]) is None:
            session.add(
                MeetingFact(
                    meeting_id=occurrence["meeting_id"],
                    order_id=data["order_id"],
                    starts_at=occurrence["starts_at"],
                )
            )


def record_meetings_cancelled(session: Session, data: dict, occurred_at: datetime) -> None:
    """The cancelled occurrences are no longer planned (heard before their scheduling, they
    are kept as cancelled, and the scheduling then adds nothing)."""
    for occurrence in data["occurrences"]:
        meeting = session.get(MeetingFact, occurrence["meeting_id"])
        if meeting is None:
            meeting = MeetingFact(
                meeting_id=occurrence["meeting_id"],
                order_id=data["order_id"],
                starts_at=occurrence["starts_at"],
            )
            session.add(meeting)
        meeting.cancelled_at = meeting.cancelled_at or occurred_at


def record_minutes_published(session: Session, data: dict, occurred_at: datetime) -> None:
    meeting = session.get(MeetingFact, data["meeting_id"])
    if meeting is None:
        meeting = MeetingFact(
            meeting_id=data["meeting_id"], order_id=data["order_id"], starts_at=data["held_at"]
        )
        session.add(meeting)
    meeting.held_at = meeting.held_at or occurred_at
    for item in data["action_items"]:
        if session.get(ActionItemFact, item["action_item_id"]) is None:
            session.add(
                ActionItemFact(
                    action_item_id=item["action_item_id"],
                    order_id=data["order_id"],
                    due_date=item["due_date"],
                )
            )


def _item(session: Session, data: dict) -> ActionItemFact:
    item = session.get(ActionItemFact, data["action_item_id"])
    if item is None:  # heard before the minutes (events may overtake each other)
        item = ActionItemFact(
            action_item_id=data["action_item_id"],
            order_id=data["order_id"],
            due_date=data.get("due_date"),
        )
        session.add(item)
    return item


def record_action_item_overdue(session: Session, data: dict) -> None:
    _item(session, data).overdue = True


def record_action_item_closed(session: Session, data: dict) -> None:
    item = _item(session, data)
    item.status, item.closed_on, item.on_time = data["status"], data["closed_on"], data["on_time"]


def record_status_report_published(session: Session, data: dict, occurred_at: datetime) -> None:
    if session.get(StatusReportFact, data["status_report_id"]) is None:
        session.add(
            StatusReportFact(
                status_report_id=data["status_report_id"],
                order_id=data["order_id"],
                status_date=data["status_date"],
                published_at=occurred_at,
            )
        )


def communication_report(
    session: Session, today: date, customer_id: uuid.UUID | None = None
) -> CommunicationKpis:
    """The communication KPIs as of `today` (of one customer's orders, if given)."""
    until = datetime.combine(today, time.max, tzinfo=UTC)
    orders = sa.select(Order.id)
    if customer_id is not None:
        orders = orders.where(Order.customer_id == customer_id)
    meetings = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(MeetingFact.held_at),
        ).where(
            MeetingFact.starts_at <= until,
            MeetingFact.cancelled_at.is_(None),
            _of(MeetingFact, orders, customer_id),
        )
    ).one()
    due = sa.or_(ActionItemFact.due_date <= today, ActionItemFact.closed_on.is_not(None))
    items = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(ActionItemFact.on_time.is_(True)),
            sa.func.count().filter(
                ActionItemFact.status == "open", ActionItemFact.due_date < today
            ),
        ).where(due, ActionItemFact.status != "cancelled", _of(ActionItemFact, orders, customer_id))
    ).one()
    reports = session.scalar(
        sa.select(sa.func.count()).where(
            StatusReportFact.published_at <= until, _of(StatusReportFact, orders, customer_id)
        )
    )
    query = sa.select(Order)
    if customer_id is not None:
        query = query.where(Order.customer_id == customer_id)
    spans = []
    for order in session.scalars(query):
        facts = facts_of(order)
        if facts.activated_at is not None:
            ended = facts.accepted_at or facts.closed_at or facts.cancelled_at
            spans.append(ActiveSpan(facts.activated_at, ended))
    weeks = active_order_weeks(spans, until)
    return communication_kpis(
        meetings[0], meetings[1], items[0], items[1], items[2], reports, weeks
    )


def _of(model, orders: sa.Select, customer_id: uuid.UUID | None):
    return sa.true() if customer_id is None else model.order_id.in_(orders)

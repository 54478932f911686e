"""The order timeline: every event about an order, with a one-line summary for people."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from services.orders.models import TimelineEntry
from shared.events.contracts import contract_for
from shared.events.envelope import Envelope, to_primitives
from shared.events.outbox import record

OWN_SOURCE = contract_for("ordo.order.created").source

SUMMARIES = {
    "ordo.order.created": "Order {number} created",
    "ordo.order.submitted": "Order {number} submitted for review with {requirement_count} "
    "requirements",
    "ordo.order.confirmed": "Order {number} confirmed with {requirement_total} approved "
    "requirements",
    "ordo.order.change_approved": "Change approved: {change_total} requirement changes, "
    "{schedule_impact_days} days schedule impact",
    "ordo.order.cancelled": "Order cancelled while {previous_status}: {reason}",
    "ordo.order.closed": "Order closed by {closed_by}",
    "ordo.plan.created": "Draft plan created, finishing {finish_date}",
    "ordo.plan.activated": "Plan activated: work starts {start_date}, finish {finish_date}",
    "ordo.plan.rebaselined": "Plan rebaselined: finish {finish_date} ({slip_days} days slip)",
    "ordo.plan.status_changed": "Plan is {status}",
    "ordo.milestone.reached": "Milestone reached: {name}",
    "ordo.risk.raised": "Risk raised: {title} (score {score})",
    "ordo.plan.completed": "All planned work completed",
    "ordo.quality_check.failed": "Quality check failed on {failed_criteria_count}",
    "ordo.delivery.submitted": "Delivery package v{package_version} submitted for acceptance",
    "ordo.delivery.accepted": "Delivery accepted ({decision}) by {signed_by}",
    "ordo.delivery.rejected": "Delivery rejected: {reason_list}",
    "ordo.survey.sent": "Satisfaction survey sent",
    "ordo.feedback.received": "Feedback received (CSAT {csat}, NPS {nps})",
    "ordo.retrospective.completed": "Retrospective completed with {lessons}",
}


def summary(event: Envelope) -> str:
    data = to_primitives(event.data)
    data["failed_criteria_count"] = counted(
        len(data.get("failed_criteria", [])), "criterion", "criteria"
    )
    data["lessons"] = counted(data.get("lesson_count", 0), "lesson", "lessons")
    data["reason_list"] = "; ".join(data.get("reasons", []))
    data["requirement_total"] = len(data.get("requirements", []))
    data["change_total"] = len(data.get("changes", []))
    template = SUMMARIES.get(event.type, event.type)
    return " ".join(template.format_map(_Blank(data)).split())[:500]


def counted(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


class _Blank(dict):
    def __missing__(self, key):
        return "?"


def record_on_timeline(event: Envelope, session: Session) -> None:
    """Add another service's event to its order's timeline, once.

    The orders service's own events are added when they are recorded (`publish`); their
    copies coming back through the `ordo.#` binding add nothing.
    """
    order_id = event.data.get("order_id")
    if order_id is None or event.source == OWN_SOURCE:
        return
    if session.get(TimelineEntry, event.id) is None:
        session.add(timeline_entry(event, order_id))


def timeline_entry(event: Envelope, order_id) -> TimelineEntry:
    return TimelineEntry(
        event_id=event.id,
        order_id=uuid.UUID(str(order_id)),
        type=event.type,
        source=event.source,
        occurred_at=event.occurred_at,
        summary=summary(event),
        data=to_primitives(event.data),
    )


def publish(session: Session, type: str, data: dict[str, Any]) -> Envelope:
    """Record an event in the outbox and on the order's timeline at once."""
    envelope = record(session, type, data)
    if "order_id" in envelope.data:
        session.add(timeline_entry(envelope, envelope.data["order_id"]))
    return envelope

"""What the orders service does with the events it hears."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from services.orders.models import TimelineEntry
from shared.events.envelope import Envelope, to_primitives
from shared.events.inbox import dispatcher

SUMMARIES = {
    "ordo.order.created": "Order {number} created",
    "ordo.order.submitted": "Order {number} submitted for review",
    "ordo.order.confirmed": "Order {number} confirmed",
    "ordo.order.change_approved": "Change approved: {schedule_impact_days} days schedule impact",
    "ordo.order.cancelled": "Order cancelled: {reason}",
    "ordo.order.closed": "Order closed",
    "ordo.plan.created": "Draft plan created, finishing {finish_date}",
    "ordo.plan.activated": "Plan activated: work starts {start_date}, finish {finish_date}",
    "ordo.plan.rebaselined": "Plan rebaselined: finish {finish_date} ({slip_days} days slip)",
    "ordo.plan.status_changed": "Plan is {status}",
    "ordo.milestone.reached": "Milestone reached: {name}",
    "ordo.risk.raised": "Risk raised: {title} (score {score})",
    "ordo.plan.completed": "All planned work completed",
    "ordo.quality_check.failed": "Quality check failed on {failed_count} criteria",
    "ordo.delivery.submitted": "Delivery package v{package_version} submitted for acceptance",
    "ordo.delivery.accepted": "Delivery accepted ({decision}) by {signed_by}",
    "ordo.delivery.rejected": "Delivery rejected: {reason_list}",
    "ordo.survey.sent": "Satisfaction survey sent",
    "ordo.feedback.received": "Feedback received (CSAT {csat}, NPS {nps})",
    "ordo.retrospective.completed": "Retrospective completed with {lesson_count} lessons",
}


def summary(event: Envelope) -> str:
    data = to_primitives(event.data)
    data["failed_count"] = len(data.get("failed_criteria", []))
    data["reason_list"] = "; ".join(data.get("reasons", []))
    template = SUMMARIES.get(event.type, event.type)
    return template.format_map(_Blank(data))[:500]


class _Blank(dict):
    def __missing__(self, key):
        return "?"


def record_on_timeline(event: Envelope, session: Session) -> None:
    order_id = event.data.get("order_id")
    if order_id is None or session.get(TimelineEntry, event.id) is not None:
        return
    session.add(
        TimelineEntry(
            event_id=event.id,
            order_id=order_id,
            type=event.type,
            source=event.source,
            occurred_at=_parse_time(event.time),
            summary=summary(event),
            data=to_primitives(event.data),
        )
    )


def _parse_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


handle = dispatcher({}, every_event=record_on_timeline)

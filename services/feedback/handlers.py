"""What the feedback service does with the events it hears.

Every event about an order is folded into the order's row (the KPI read model); then, whatever
order the events came in, an accepted order gets its survey and an accepted or cancelled order
its retrospective, each exactly once. Survey links are signed with the service's settings,
which every session carries.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from services.feedback.models import Order
from services.feedback.readmodel import fold, order_row, remember_customer
from services.feedback.retrospectives import open_retrospective
from services.feedback.surveys import open_customer_surveys, open_survey
from shared.db import settings_of
from shared.events.envelope import Envelope
from shared.events.inbox import dispatcher


def on_customer_registered(event: Envelope, session: Session) -> None:
    """Keep the customer; the surveys of its accepted orders that waited for it go out."""
    remember_customer(session, event.data)
    session.flush()
    open_customer_surveys(
        session, event.data["customer_id"], settings_of(session), datetime.now(UTC)
    )


def on_order_event(event: Envelope, session: Session) -> Order:
    """Fold any event about an order into the read model."""
    order = fold(session, event.type, event.data, event.occurred_at)
    requirements = event.data.get("requirements")
    if requirements:
        order.requirement_kinds = {
            **order.requirement_kinds,
            **{str(item["requirement_id"]): item["kind"] for item in requirements},
        }
    for change in event.data.get("changes") or ():
        if change.get("requirement"):
            kinds = dict(order.requirement_kinds)
            kinds[str(change["requirement_id"])] = change["requirement"]["kind"]
            order.requirement_kinds = kinds
    return order


def on_plan_status_changed(event: Envelope, session: Session) -> None:
    """The newest plan health wins; an older report arriving late changes nothing."""
    order = order_row(session, event.data["order_id"])
    time = event.occurred_at
    if order.plan_health_at is None or time >= order.plan_health_at:
        order.plan_health, order.plan_health_at = event.data["status"], time


def on_plan_completed(event: Envelope, session: Session) -> None:
    order_row(session, event.data["order_id"]).work_completed_on = event.data["completed_on"]


def on_quality_check_failed(event: Envelope, session: Session) -> None:
    order = order_row(session, event.data["order_id"])
    check_id = str(event.data["check_id"])
    if check_id not in order.failed_check_ids:
        order.failed_check_ids = [*order.failed_check_ids, check_id]


def on_lifecycle_event(event: Envelope, session: Session) -> None:
    order = on_order_event(event, session)
    open_survey(session, order, settings_of(session), datetime.now(UTC))
    open_retrospective(session, order)


def on_order_facts(event: Envelope, session: Session) -> None:
    on_order_event(event, session)


handle = dispatcher(
    {
        "ordo.customer.registered": on_customer_registered,
        "ordo.order.created": on_lifecycle_event,
        "ordo.order.confirmed": on_lifecycle_event,
        "ordo.order.change_approved": on_order_facts,
        "ordo.order.cancelled": on_lifecycle_event,
        "ordo.order.closed": on_lifecycle_event,
        "ordo.plan.activated": on_lifecycle_event,
        "ordo.plan.rebaselined": on_order_facts,
        "ordo.plan.status_changed": on_plan_status_changed,
        "ordo.plan.completed": on_plan_completed,
        "ordo.quality_check.failed": on_quality_check_failed,
        "ordo.delivery.submitted": on_lifecycle_event,
        "ordo.delivery.accepted": on_lifecycle_event,
        "ordo.delivery.rejected": on_lifecycle_event,
    }
)

"""Bringing an order to where the other services' events say it is.

An order cannot follow a delivery while it is on hold (or confirmed, its plan activation still
on the way), nor a retrospective before it is accepted. Those events are remembered: the
delivery state on the order, the retrospective on its timeline. Whenever the order's status
changes (resume, plan activation, a delivery event), `settle` applies what they still ask for.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.domain.deliveries import DeliveryState, catch_up
from services.orders.domain.status import TRANSITIONS
from services.orders.models import Order, TimelineEntry
from services.orders.timeline import publish

logger = logging.getLogger(__name__)

RETROSPECTIVE_COMPLETED = "ordo.retrospective.completed"


def settle(session: Session, order: Order) -> None:
    """Follow the remembered deliveries; close an accepted order whose retrospective is done."""
    state = DeliveryState(order.delivery_package_version, order.delivery_decision)
    for action, _, target in catch_up(order.status, state):
        logger.info("order %s catches up: %s (%s)", order.number, action, target)
        order.status = target
    if order.status == "accepted" and retrospective_heard(session, order):
        close_after_retrospective(session, order)


def retrospective_heard(session: Session, order: Order) -> bool:
    query = sa.select(TimelineEntry.event_id).where(
        TimelineEntry.order_id == order.id, TimelineEntry.type == RETROSPECTIVE_COMPLETED
    )
    return session.scalar(query.limit(1)) is not None


def close_after_retrospective(session: Session, order: Order) -> bool:
    """accepted -> closed, publishing `ordo.order.closed` (`retrospective`); False otherwise."""
    target = TRANSITIONS["close"].get(order.status)
    if target is None:
        return False
    order.status = target
    order.closed_at = datetime.now(UTC)
    order.status_reason = "Retrospective completed"
    session.flush()
    publish(
        session,
        "ordo.order.closed",
        {"order_id": order.id, "version": order.version, "closed_by": "retrospective"},
    )
    return True

"""Bringing an order to where the other services' events say it is.

An order cannot follow a delivery while it is on hold (or confirmed, its plan activation still
on the way), nor a retrospective before it is accepted. Those events are remembered: the
delivery state on the order, the retrospective on its timeline. Whenever the order's status
changes (resume, plan activation, a delivery event), `catch_up` applies what they still ask for.
Each use case looks at the order's status and the event's version first, so repeated, re-sent
and late events change nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from services.orders.domain.deliveries import DeliveryState, catch_up_moves, react
from services.orders.domain.status import ORDER_STATUS
from services.orders.domain.tracking import is_at_risk, is_newer_health
from services.orders.models import Order
from services.orders.usecases import publish
from services.orders.usecases.timeline import has_heard
from shared.events.contracts.feedback import RetrospectiveCompleted
from shared.events.contracts.orders import OrderClosed
from shared.events.envelope import to_primitives

logger = logging.getLogger(__name__)


def heard_order(session: Session, order_id, event_type: str) -> Order | None:
    """The order an event names; None (logged) when this service does not know it."""
    order = session.get(Order, order_id)
    if order is None:
        logger.warning("%s names an unknown order %s; ignored", event_type, order_id)
    return order


def catch_up(session: Session, order: Order) -> None:
    """Follow the remembered deliveries; close an accepted order whose retrospective is done."""
    state = DeliveryState(order.delivery_package_version, order.delivery_decision)
    for action, _, target in catch_up_moves(order.status, state):
        logger.info("order %s catches up: %s (%s)", order.number, action, target)
        order.status = target
    if order.status == "accepted" and has_heard(session, order.id, RetrospectiveCompleted.type):
        close_after_retrospective(session, order)


def close_after_retrospective(session: Session, order: Order) -> bool:
    """accepted -> closed, publishing OrderClosed (`retrospective`); False otherwise (only
    final acceptance lets the retrospective close an order)."""
    if order.status != "accepted":
        return False
    order.status = ORDER_STATUS.next_status(order.status, "close")
    order.closed_at = datetime.now(UTC)
    order.status_reason = "Retrospective completed"
    session.flush()
    publish(
        session,
        OrderClosed,
        {"order_id": order.id, "version": order.version, "closed_by": "retrospective"},
    )
    return True


def start_work(session: Session, order_id) -> None:
    """Baseline 1 taken: a confirmed order goes in progress (and on, if delivered already)."""
    order = heard_order(session, order_id, "plan activation")
    if order is None:
        return
    if not ORDER_STATUS.allows(order.status, "start"):
        logger.info("plan activation leaves order %s %s", order.number, order.status)
        return
    order.status = ORDER_STATUS.next_status(order.status, "start")
    catch_up(session, order)


def record_plan_health(session: Session, order_id, health: str, version: int | None) -> None:
    """Keep the plan's health on the order and flag it at risk; older versions are ignored."""
    order = heard_order(session, order_id, "plan health")
    version = version or 0
    if order is None or not is_newer_health(version, order.plan_health_version):
        return
    order.plan_health = health
    order.plan_health_version = version or order.plan_health_version
    order.at_risk = is_at_risk(health)


def record_feedback(session: Session, order_id, csat: int, nps: int, detractor: bool) -> None:
    """The customer's satisfaction, shown on the order."""
    order = heard_order(session, order_id, "feedback")
    if order is not None:
        order.csat, order.nps, order.detractor = csat, nps, detractor


def close_on_retrospective(session: Session, order_id) -> None:
    """The retrospective closes an accepted order.

    One heard before the order is accepted (on hold, or the acceptance still on its way) stays
    on the timeline, and `catch_up` closes the order once it is accepted.
    """
    order = heard_order(session, order_id, "retrospective")
    if order is not None and not close_after_retrospective(session, order):
        logger.info("retrospective leaves order %s %s", order.number, order.status)


def follow_delivery(
    session: Session,
    order_id,
    kind: str,
    package_version: int,
    final: bool = True,
    progress: dict | None = None,
) -> bool:
    """Move the order by a delivery event of `kind` unless it is stale; True when fresh.
    A partial delivery (not `final`) keeps its counts on the order instead of moving it."""
    order = heard_order(session, order_id, f"delivery {kind}")
    if order is None:
        return False
    if progress is not None:
        order.delivery_progress = to_primitives({"p": progress})["p"]
    state = DeliveryState(order.delivery_package_version, order.delivery_decision)
    reaction = react(order.status, state, kind, package_version, final)
    if not reaction.fresh:
        logger.info("stale delivery %s for order %s ignored", kind, order.number)
        return False
    order.delivery_package_version = reaction.state.package_version
    order.delivery_decision = reaction.state.decision
    if reaction.final_status is not None:
        order.status = reaction.final_status
        catch_up(session, order)
    else:
        logger.info("delivery %s leaves order %s %s (remembered)", kind, order.number, order.status)
    return True

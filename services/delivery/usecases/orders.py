"""The orders delivery knows (from ordo.order.confirmed): who may see them, and cancelling one."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.delivery.domain.status import DELIVERABLE_STATUS, PACKAGE_STATUS
from services.delivery.models import Deliverable, Delivery, OrderRecord, Reaction
from shared.errors import Conflict
from shared.usecases import SYSTEM, Principal, find


class OrderNotKnownYet(RuntimeError):
    """An event about an order whose confirmation has not arrived: the inbox retries it."""


def known_order(session: Session, order_id) -> OrderRecord:
    order = session.get(OrderRecord, order_id)
    if order is None:
        raise OrderNotKnownYet(f"order {order_id} has not been confirmed here yet")
    return order


def readable_order(session: Session, order_id: uuid.UUID, actor: Principal = SYSTEM) -> OrderRecord:
    """The order's read model, if `actor` may see it; NotFound while delivery does not know it."""
    order = find(session, OrderRecord, order_id, "confirmed order")
    actor.require_access(order.customer_id)
    return order


def open_order(session: Session, order_id: uuid.UUID, actor: Principal = SYSTEM) -> OrderRecord:
    """The readable order, refused (409) once it is cancelled: nothing more is done for it."""
    order = readable_order(session, order_id, actor)
    if order.cancelled:
        raise Conflict(f"Order {order.number} is cancelled.", current_status="cancelled")
    return order


def visible_to(actor: Principal, query: sa.Select, order_id_column) -> sa.Select:
    """Limit a list query to the calling customer's orders (staff see everything)."""
    if not actor.is_customer:
        return query
    own_orders = sa.select(OrderRecord.order_id).where(OrderRecord.customer_id == actor.customer_id)
    return query.where(order_id_column.in_(own_orders))


def record_customer_contact(session: Session, data: dict) -> None:
    """The customer's new contact and language on each of its orders, unless an order already
    knows a newer version of the customer."""
    version = data.get("version") or 0
    session.execute(
        sa.update(OrderRecord)
        .where(
            OrderRecord.customer_id == data["customer_id"],
            sa.or_(OrderRecord.customer_version.is_(None), OrderRecord.customer_version < version),
        )
        .values(
            customer_name=data["name"],
            customer_email=data.get("email"),
            contact_name=data.get("contact_name"),
            customer_locale=data.get("locale"),
            customer_version=version,
        )
        .execution_options(synchronize_session=False)
    )


def cancel_order(session: Session, order_id: uuid.UUID) -> None:
    """Stop: open deliverables are cancelled and open packages can no longer be decided.

    An order not confirmed here (a cancelled draft, or a confirmation still on its way) has
    nothing to stop: the cancellation is remembered for a confirmation that may follow.
    """
    if not Reaction.once(session, order_id, "cancelled"):
        return
    order = session.get(OrderRecord, order_id)
    if order is None:
        return
    order.cancelled = True
    for deliverable in session.scalars(
        sa.select(Deliverable).where(Deliverable.order_id == order.order_id)
    ):
        if DELIVERABLE_STATUS.allows(deliverable.status, "cancel"):
            deliverable.status = DELIVERABLE_STATUS.next_status(deliverable.status, "cancel")
    cancellable = [s for s in PACKAGE_STATUS.statuses if PACKAGE_STATUS.allows(s, "cancel")]
    for delivery in session.scalars(
        sa.select(Delivery).where(
            Delivery.order_id == order.order_id, Delivery.status.in_(cancellable)
        )
    ):
        delivery.status = PACKAGE_STATUS.next_status(delivery.status, "cancel")

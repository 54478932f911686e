"""What the orders views share: finding an order the caller may see, and moving it."""

from __future__ import annotations

from services.orders.domain.status import TransitionNotAllowed, next_status
from services.orders.models import Order
from shared.http.auth import current_principal, require_customer_access
from shared.http.errors import Problem
from shared.http.requests import db_session, get_or_404


def readable_order(order_id) -> Order:
    """The order, if the caller may see it (customers only their own)."""
    order = get_or_404(db_session(), Order, order_id, "order")
    require_customer_access(order.customer_id)
    return order


def act(order: Order, action: str) -> str:
    """Move the order by `action`, or answer 409 with its status and the allowed actions."""
    order.status = allow(order, action)
    return order.status


def allow(order: Order, action: str) -> str:
    """The status `action` would lead to; 409 with the status and allowed actions if none."""
    try:
        return next_status(order.status, action)
    except TransitionNotAllowed as refused:
        raise Problem(
            409,
            str(refused),
            title="Conflict",
            current_status=refused.status,
            allowed_actions=refused.allowed_actions,
        ) from None


def actor() -> str:
    return current_principal().sub

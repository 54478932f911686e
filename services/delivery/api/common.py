"""What the delivery views share: access to an order's data and turning rule refusals into 4xx."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import sqlalchemy as sa

from services.delivery.domain import RuleViolation, TransitionNotAllowed
from services.delivery.models import OrderRecord
from shared.http.auth import STAFF, current_principal, require_customer_access
from shared.http.errors import Problem
from shared.http.requests import db_session, get_or_404

#: Who may read an order's delivery data; customers only their own.
READERS = (*STAFF, "customer")
#: Who prepares and hands over deliveries.
DELIVERY_STAFF = ("logistics", "manager")


def readable_order(order_id: uuid.UUID) -> OrderRecord:
    """The order's read model, if the caller may see it; 404 while delivery does not know it."""
    order = get_or_404(db_session(), OrderRecord, order_id, "confirmed order")
    require_customer_access(order.customer_id)
    return order


def scoped_to_caller(query: sa.Select, order_id_column) -> sa.Select:
    """Limit a list query to the calling customer's orders (staff see everything)."""
    principal = current_principal()
    if not principal.is_customer:
        return query
    own_orders = sa.select(OrderRecord.order_id).where(
        OrderRecord.customer_id == principal.customer_id
    )
    return query.where(order_id_column.in_(own_orders))


def refuse_if_cancelled(order: OrderRecord) -> None:
    if order.cancelled:
        raise Problem(409, f"Order {order.number} is cancelled.", current_status="cancelled")


@contextlib.contextmanager
def rules_as_problems(status: int = 422) -> Iterator[None]:
    """Turn a broken rule into `status` with the fields at fault, a forbidden change into 409."""
    try:
        yield
    except RuleViolation as violation:
        raise Problem(
            status,
            "The request breaks a delivery rule.",
            errors={field: [message] for field, message in violation.errors.items()},
        ) from None
    except TransitionNotAllowed as refused:
        raise Problem(
            409,
            str(refused),
            current_status=refused.current.value,
            allowed_actions=[status.value for status in refused.allowed],
        ) from None

"""The read model of orders: domain OrderFacts kept as JSON on each order row."""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain import OrderFacts, apply_event
from services.feedback.models import Customer, Order

_FACT_FIELDS = {field.name: field.type for field in dataclasses.fields(OrderFacts)}


def facts_of(order: Order) -> OrderFacts:
    stored = order.facts or {}
    values = {name: _decode(_FACT_FIELDS[name], value) for name, value in stored.items()}
    return OrderFacts(**{**values, "order_id": str(order.id)})


def _encode(value: Any) -> Any:
    if isinstance(value, set):
        return sorted(_encode(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decode(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin is set:
        (item_kind,) = typing.get_args(kind)
        return {_decode(item_kind, item) for item in value}
    if origin in (typing.Union, types.UnionType):
        (kind,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


def order_row(session: Session, order_id: uuid.UUID) -> Order:
    """The order's row, created empty the first time any event names it."""
    order = session.get(Order, order_id, with_for_update=True)
    if order is None:
        order = Order(id=order_id, facts={}, requirement_kinds={}, failed_check_ids=[])
        session.add(order)
        session.flush()
    return order


def fold(session: Session, event_type: str, data: Mapping[str, Any], time: datetime) -> Order:
    """Fold one event about an order into its row: facts, status, due date and identity."""
    order = order_row(session, data["order_id"])
    facts = facts_of(order)
    apply_event({facts.order_id: facts}, event_type, data, time)
    order.facts = {
        name: _encode(getattr(facts, name)) for name in _FACT_FIELDS if name != "order_id"
    }
    order.status = facts.status
    order.due_date = facts.due_date
    order.number = order.number or data.get("number")
    order.title = data.get("title") or order.title
    if order.customer_id is None and facts.customer_id:
        order.customer_id = uuid.UUID(facts.customer_id)
    return order


def remember_customer(session: Session, data: Mapping[str, Any]) -> None:
    """Keep the newest description of a customer; an older version changes nothing."""
    customer = session.get(Customer, data["customer_id"])
    version = data.get("version") or 1
    if customer is None:
        customer = Customer(id=data["customer_id"], version=version)
        session.add(customer)
    elif customer.version > version:
        return
    customer.name = data["name"]
    customer.email = data.get("email")
    customer.contact_name = data.get("contact_name")
    customer.version = version


def customer_names(session: Session, ids) -> dict[uuid.UUID, str]:
    wanted = {customer_id for customer_id in ids if customer_id}
    if not wanted:
        return {}
    rows = session.execute(sa.select(Customer.id, Customer.name).where(Customer.id.in_(wanted)))
    return dict(rows.all())

"""The read model of orders and customers, fed by events, and the KPIs read from it.

Each order row keeps the domain's OrderFacts as JSON (see domain/kpis.py for the fold).
"""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.feedback.domain.kpi_totals import CONTRIBUTIONS, contribution, kpis_from
from services.feedback.domain.kpis import (
    OrderFacts,
    TrendPoint,
    apply_event,
    recent_months,
    status_history,
)
from services.feedback.models import Customer, Order, kpi_sums
from services.feedback.render.kpi_chart import render_kpi_chart
from shared.events.contracts import EventType, type_name
from shared.usecases import find
from shared.vocabulary import DEFAULT_LOCALE

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


def fold(
    session: Session, event: EventType | str, data: Mapping[str, Any], time: datetime
) -> Order:
    """Fold one event about an order into its row: facts, status, due date and identity."""
    order = order_row(session, data["order_id"])
    facts = facts_of(order)
    before = _kpi_place(facts), contribution(facts)
    apply_event({facts.order_id: facts}, type_name(event), data, time)
    _move_kpi_sums(session, before, (_kpi_place(facts), contribution(facts)))
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


def record_customer(session: Session, data: Mapping[str, Any]) -> Customer:
    """Keep the newest description of a customer; an older version changes nothing."""
    customer = session.get(Customer, data["customer_id"])
    version = data.get("version") or 1
    if customer is None:
        customer = Customer(id=data["customer_id"], version=version)
        session.add(customer)
    elif customer.version > version:
        return customer
    customer.name = data["name"]
    customer.email = data.get("email")
    customer.contact_name = data.get("contact_name")
    customer.locale = data.get("locale") or DEFAULT_LOCALE
    customer.version = version
    session.flush()
    return customer


def record_order_event(
    session: Session, event: EventType | str, data: Mapping[str, Any], time: datetime
) -> Order:
    """Fold any event about an order into the read model, with the kinds of its requirements."""
    order = fold(session, event, data, time)
    requirements = data.get("requirements")
    if requirements:
        order.requirement_kinds = {
            **order.requirement_kinds,
            **{str(item["requirement_id"]): item["kind"] for item in requirements},
        }
    for change in data.get("changes") or ():
        if change.get("requirement"):
            kinds = dict(order.requirement_kinds)
            kinds[str(change["requirement_id"])] = change["requirement"]["kind"]
            order.requirement_kinds = kinds
    return order


def record_plan_health(session: Session, data: Mapping[str, Any], time: datetime) -> None:
    """The newest plan health wins; an older report arriving late changes nothing."""
    order = order_row(session, data["order_id"])
    if order.plan_health_at is None or time >= order.plan_health_at:
        order.plan_health, order.plan_health_at = data["status"], time


def record_work_completed(session: Session, data: Mapping[str, Any]) -> None:
    order_row(session, data["order_id"]).work_completed_on = data["completed_on"]


def record_failed_check(session: Session, data: Mapping[str, Any]) -> None:
    """Count each failed quality check once, however often it is heard."""
    order = order_row(session, data["order_id"])
    check_id = str(data["check_id"])
    if check_id not in order.failed_check_ids:
        order.failed_check_ids = [*order.failed_check_ids, check_id]


def order_view(session: Session, order_id: uuid.UUID) -> dict[str, Any]:
    """An order as folded from events: contact, number, due date, status history."""
    order = find(session, Order, order_id, "order")
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    facts = facts_of(order)
    return {
        "id": order.id,
        "number": order.number,
        "title": order.title,
        "customer_id": order.customer_id,
        "customer_name": customer.name if customer else None,
        "customer_email": customer.email if customer else None,
        "status": order.status,
        "due_date": order.due_date,
        "plan_health": order.plan_health,
        "work_completed_on": order.work_completed_on,
        "failed_quality_checks": len(order.failed_check_ids),
        "change_requests": facts.change_request_count,
        "schedule_slip_days": facts.schedule_slip_days,
        "status_history": [
            {"status": status, "since": since} for status, since in status_history(facts)
        ],
    }


def kpi_report(
    session: Session,
    customer_id: uuid.UUID | None = None,
    from_month: str | None = None,
    to_month: str | None = None,
) -> dict[str, Any]:
    """KPIs of the orders created in a span of months: overall, by month and by customer,
    summed by the database from the kept sums (domain/kpi_totals.py)."""
    spans = [kpi_sums.c.month >= from_month if from_month else None]
    spans.append(kpi_sums.c.month <= to_month if to_month else None)
    if customer_id is not None:
        spans.append(kpi_sums.c.customer == str(customer_id))
    where = [condition for condition in spans if condition is not None]
    [(_, overall)] = _summed(session, None, where) or [(None, {})]
    by_customer = {
        key or None: kpis_from(sums) for key, sums in _summed(session, "customer", where)
    }
    known = [uuid.UUID(key) for key in by_customer if key]
    names = {str(key): name for key, name in _customer_names(session, known).items()}
    return {
        "overall": kpis_from(overall),
        "by_month": [
            {"month": month, "kpis": kpis_from(sums)}
            for month, sums in _summed(session, "month", where)
        ],
        "by_customer": [
            {"customer_id": key, "customer_name": names.get(key), "kpis": by_customer[key]}
            for key in sorted(by_customer, key=lambda key: (key is None, key))
        ],
    }


def kpi_months(session: Session, months: int, customer_id: uuid.UUID | None = None) -> list:
    """KPIs of the orders created in each of the last ``months`` months, oldest first."""
    recent = recent_months(datetime.now(UTC).date(), months)
    where = [kpi_sums.c.month.between(recent[0], recent[-1])]
    if customer_id is not None:
        where.append(kpi_sums.c.customer == str(customer_id))
    sums = dict(_summed(session, "month", where))
    return [TrendPoint(month, kpis_from(sums.get(month, {}))) for month in recent]


_SUMS = [sa.func.sum(kpi_sums.c[name]).label(name) for name in CONTRIBUTIONS]


def _summed(session: Session, group: str | None, where: list) -> list[tuple[str | None, dict]]:
    """The kept sums added up over `where`, in one group or per month or customer, by key."""
    query = sa.select(*_SUMS).where(*where)
    if group is not None:
        query = query.add_columns(kpi_sums.c[group]).group_by(kpi_sums.c[group])
        query = query.order_by(kpi_sums.c[group])
    rows = session.execute(query).mappings().all()
    if group is None and (not rows or rows[0]["orders"] is None):
        return []
    return [(row.get(group) if group else None, dict(row)) for row in rows]


def _kpi_place(facts: OrderFacts) -> tuple[str, str] | None:
    """The (month, customer) whose sums count the order; None before its creation is known."""
    return (facts.month, facts.customer_id or "") if facts.month else None


def _move_kpi_sums(session: Session, before: tuple, after: tuple) -> None:
    """Take the order's old contribution from its old sums and add the new one to its new."""
    (old_place, old), (new_place, new) = before, after
    deltas: dict[tuple[str, str], dict] = {}
    if old_place is not None:
        deltas[old_place] = {name: -value for name, value in old.items()}
    if new_place is not None:
        moved = deltas.setdefault(new_place, dict.fromkeys(new, 0))
        for name, value in new.items():
            moved[name] += value
    for (month, customer), delta in deltas.items():
        if not any(delta.values()):
            continue
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        insert = dialect.insert(kpi_sums).values(month=month, customer=customer, **delta)
        session.execute(
            insert.on_conflict_do_update(
                index_elements=[kpi_sums.c.month, kpi_sums.c.customer],
                set_={name: kpi_sums.c[name] + insert.excluded[name] for name in delta},
            )
        )


def kpi_chart(session: Session, months: int, customer_id: uuid.UUID | None = None) -> str:
    """The KPI dashboard of the last ``months`` months as SVG, for one customer or all."""
    title = "Delivery performance"
    if customer_id is not None:
        customer = session.get(Customer, customer_id)
        title = f"Delivery performance: {customer.name if customer else 'one customer'}"
    return render_kpi_chart(kpi_months(session, months, customer_id), title=title)


def _customer_names(session: Session, ids) -> dict[uuid.UUID, str]:
    wanted = {customer_id for customer_id in ids if customer_id}
    if not wanted:
        return {}
    rows = session.execute(sa.select(Customer.id, Customer.name).where(Customer.id.in_(wanted)))
    return dict(rows.all())

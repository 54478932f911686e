"""Orders: create, read, list, update, cancel, hold, resume, close.

Every change of status asks ORDER_STATUS first (409 naming the status and the allowed
actions); the events go out through the one `publish`, and so onto the order's timeline.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached

from services.orders.domain.status import (
    LIVE_REQUIREMENT_STATUSES,
    ORDER_STATUS,
    order_number,
    roles_to_cancel,
)
from services.orders.models import Customer, Order
from services.orders.usecases import publish
from services.orders.usecases.progress import catch_up
from shared.db import new_id, utcnow
from shared.errors import Conflict, Forbidden, RuleViolation
from shared.events.contracts.orders import OrderCancelled, OrderClosed, OrderCreated
from shared.numbering import next_in_sequence
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal, find


def readable_order(session: Session, order_id, actor: Principal = SYSTEM) -> Order:
    """The order, if the actor may see it (customers only their own)."""
    order = find(session, Order, order_id, "order")
    actor.require_access(order.customer_id)
    return order


def order_to_change(session: Session, order_id, actor: Principal, if_match: IfMatch) -> Order:
    """The order the actor may see, as the actor last read it (412/428 otherwise)."""
    order = readable_order(session, order_id, actor)
    if_match.check(order.version)
    return order


def move(order: Order, action: str) -> str:
    """Move the order by `action`; TransitionNotAllowed (409) if its status does not allow it."""
    order.status = ORDER_STATUS.next_status(order.status, action)
    return order.status


def money(order: Order) -> dict | None:
    if order.value_amount is None:
        return None
    return {"amount": order.value_amount, "currency": order.currency}


def set_value(order: Order, value: dict | None) -> None:
    if value is None:
        order.value_amount = None
    else:
        order.value_amount, order.currency = value["amount"], value["currency"]


def next_order_number(session: Session, year: int) -> str:
    """ORD-<year>-<n>: the year's sequence, never blocking another create (shared.numbering)."""
    return order_number(year, next_in_sequence(session, f"order_number:{year}"))


def create_order(session: Session, data: dict, actor: Principal = SYSTEM) -> Order:
    """A draft order for a known customer, numbered in this year's sequence."""
    data = dict(data)
    value = data.pop("value")
    now = utcnow()
    order = Order(
        **data,
        id=new_id(),
        number=next_order_number(session, now.year),
        currency="EUR",
        status=ORDER_STATUS.initial,
        review_round=0,
        plan_health_version=0,
        at_risk=False,
        delivery_package_version=0,
        version=1,
        created_at=now,
        updated_at=now,
    )
    set_value(order, value)
    insert_for_known_customer(session, order)
    publish(
        session,
        OrderCreated,
        {
            "order_id": order.id,
            "version": order.version,
            "number": order.number,
            "customer_id": order.customer_id,
            "title": order.title,
            "priority": order.priority,
            "due_date": order.due_date,
            "value": money(order),
        },
    )
    return order


def _insert_of_known_customer() -> sa.Insert:
    table = Order.__table__
    customer_id = sa.bindparam("customer_id", type_=table.c.customer_id.type)
    row = sa.select(
        *(
            customer_id if c.key == "customer_id" else sa.bindparam(c.key, type_=c.type)
            for c in table.c
        )
    ).where(sa.exists().where(Customer.id == customer_id))
    return sa.insert(table).from_select([c.key for c in table.c], row).returning(table.c.id)


#: INSERT … SELECT … WHERE EXISTS (the customer): one statement checks and writes.
INSERT_OF_KNOWN_CUSTOMER = _insert_of_known_customer()


def insert_for_known_customer(session: Session, order: Order) -> None:
    """Write a new order if its customer exists (422 otherwise, nothing written), then keep it
    in the session as the persistent row it now is.

    Creating orders is the service's busiest write: a Core statement costs a third of the
    unit of work's flush, and the customer check rides on the insert instead of a read of
    its own. Every column is given, so no default is left to the database that the session
    would have to read back.
    """
    given = sa.inspect(order).dict
    row = {column.key: given.get(column.key) for column in Order.__table__.c}
    if session.connection().execute(INSERT_OF_KNOWN_CUSTOMER, row).first() is None:
        raise RuleViolation({"customer_id": "Unknown."}, "The customer does not exist.")
    for key in row.keys() - given.keys():  # the columns left None: loaded, not expired
        setattr(order, key, None)
    make_transient_to_detached(order)
    session.add(order)


def orders_query(args: dict, actor: Principal = SYSTEM) -> sa.Select:
    """Orders by status, customer, priority, due date or text, newest first; customers see
    their own."""
    query = sa.select(Order).order_by(Order.created_at.desc(), Order.number.desc())
    if actor.is_customer:
        query = query.where(Order.customer_id == actor.customer_id)
    for name in ("status", "priority", "customer_id", "at_risk"):
        if name in args:
            query = query.where(getattr(Order, name) == args[name])
    if "due_before" in args:
        query = query.where(Order.due_date <= args["due_before"])
    if "due_after" in args:
        query = query.where(Order.due_date >= args["due_after"])
    if "q" in args:
        pattern = f"%{args['q'].lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Order.title).like(pattern),
                sa.func.lower(Order.number).like(pattern),
                sa.func.lower(Order.description).like(pattern),
            )
        )
    return query


def update_order(
    session: Session,
    order_id,
    changes: dict,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Order:
    """Change an order's fields while it is a draft or in review."""
    order = order_to_change(session, order_id, actor, if_match)
    ORDER_STATUS.require(order.status, "update")
    changes = dict(changes)
    if "value" in changes:
        set_value(order, changes.pop("value"))
    for name, value in changes.items():
        setattr(order, name, value)
    session.flush()
    return order


def cancel_order(
    session: Session,
    order_id,
    reason: str,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Order:
    """Cancel with a reason: 409 first if no one may cancel it, then 403 unless the actor may."""
    order = order_to_change(session, order_id, actor, if_match)
    previous = order.status
    cancelled = ORDER_STATUS.next_status(previous, "cancel")
    if not actor.has_any(roles_to_cancel(previous)):
        raise Forbidden("Only a manager cancels a confirmed order.")
    order.status, order.status_reason = cancelled, reason
    session.flush()
    publish(
        session,
        OrderCancelled,
        {
            "order_id": order.id,
            "version": order.version,
            "reason": reason,
            "previous_status": previous,
        },
    )
    return order


def hold_order(
    session: Session,
    order_id,
    comment: str | None,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Order:
    """Put an order in progress on hold; deliveries heard meanwhile are remembered."""
    order = order_to_change(session, order_id, actor, if_match)
    move(order, "hold")
    order.status_reason = comment or None
    session.flush()
    return order


def resume_order(
    session: Session,
    order_id,
    comment: str | None,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Order:
    """Resume an order on hold, to where the deliveries heard meanwhile have brought it."""
    order = order_to_change(session, order_id, actor, if_match)
    move(order, "resume")
    order.status_reason = comment or None
    catch_up(session, order)
    session.flush()
    return order


def unfinished_requirements(order: Order) -> list[dict]:
    """The requirements not (yet) accepted: those the latest delivery counted as rejected or
    outstanding; before any delivery, every live requirement of an order not accepted."""
    progress = order.delivery_progress
    live = [r for r in order.requirements if r.status in LIVE_REQUIREMENT_STATUSES]
    if progress is None:
        ids = set() if order.status == "accepted" else {str(r.id) for r in live}
        rejected: set = set()
    else:
        rejected = set(progress.get("rejected_requirement_ids", []))
        ids = set(progress.get("outstanding_requirement_ids", [])) | rejected
    return [
        {
            "requirement_id": str(requirement.id),
            "title": requirement.title,
            "standing": "rejected" if str(requirement.id) in rejected else "outstanding",
        }
        for requirement in live
        if str(requirement.id) in ids
    ]


def close_order(
    session: Session,
    order_id,
    comment: str | None,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Order:
    """Close an accepted order without waiting for the retrospective. Before final acceptance
    a requirement still rejected or outstanding (409 naming them) needs the manager's recorded
    reason (`comment`, e.g. the descoping change request)."""
    order = order_to_change(session, order_id, actor, if_match)
    ORDER_STATUS.require(order.status, "close")
    unfinished = unfinished_requirements(order)
    if unfinished and not (comment or "").strip():
        raise Conflict(
            "Requirements are still rejected or outstanding: "
            + "; ".join(f"{r['title']} ({r['standing']})" for r in unfinished)
            + ". Close with a reason (comment) to record why they are dropped.",
            unfinished_requirements=unfinished,
        )
    move(order, "close")
    order.closed_at = datetime.now(UTC)
    order.status_reason = comment or f"Closed by {actor.sub}"
    session.flush()
    publish(
        session,
        OrderClosed,
        {"order_id": order.id, "version": order.version, "closed_by": "manager"},
    )
    return order

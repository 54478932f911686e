"""Change requests on confirmed, in-progress or delivered orders: request, approve, reject."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.domain.change_impact import check_change_request, new_due_date, new_value
from services.orders.domain.status import ORDER_STATUS
from services.orders.models import ChangeRequest, Order, Requirement
from services.orders.usecases import publish
from services.orders.usecases.orders import money, order_to_change, readable_order
from services.orders.usecases.requirements import (
    NotOnOrder,
    live_requirements,
    new_requirement,
    remove,
    requirement_payload,
    revise,
)
from shared.errors import Conflict
from shared.events.contracts.orders import OrderChangeApproved
from shared.events.envelope import to_primitives
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal


def check_against(order: Order, request: dict) -> None:
    """Refuse (422) a change the order's requirements, criteria, due date or value do not allow."""
    criteria_of = {
        requirement.id: [criterion.id for criterion in requirement.criteria]
        for requirement in live_requirements(order)
    }
    check_change_request(request, criteria_of, order.due_date, order.value_amount, order.currency)


def change_request_of(session: Session, order: Order, change_request_id) -> ChangeRequest:
    change = session.get(ChangeRequest, change_request_id)
    if change is None or change.order_id != order.id:
        raise NotOnOrder(order.id, "change request", change_request_id)
    return change


def pending_change(
    session: Session, order: Order, change_request_id, if_match: IfMatch
) -> ChangeRequest:
    """The change request awaiting a decision, or 409 if it was decided."""
    change = change_request_of(session, order, change_request_id)
    if_match.check(change.version)
    if change.status != "pending":
        raise Conflict(
            f"This change request is already {change.status}.", current_status=change.status
        )
    return change


def decide(change: ChangeRequest, status: str, comment: str | None, actor: Principal) -> None:
    change.status, change.decided_by = status, actor.sub
    change.decided_at, change.decision_comment = datetime.now(UTC), comment or None


def request_change(
    session: Session, order_id, request: dict, actor: Principal = SYSTEM
) -> ChangeRequest:
    """A pending change request on a confirmed, in-progress or delivered order."""
    order = readable_order(session, order_id, actor)
    ORDER_STATUS.require(order.status, "request_change")
    check_against(order, request)
    change = ChangeRequest(
        order_id=order.id,
        changes=to_primitives({"changes": request["changes"]})["changes"],
        schedule_impact_days=request["schedule_impact_days"],
        cost_impact_amount=request["cost_impact"]["amount"],
        cost_impact_currency=request["cost_impact"]["currency"],
        reason=request["reason"],
        requested_by=actor.sub,
    )
    session.add(change)
    session.flush()
    return change


def request_customer_change(
    session: Session,
    order_id,
    title: str,
    description: str,
    wished_date,
    actor: Principal,
    if_match: IfMatch = ANY_VERSION,
) -> ChangeRequest:
    """The customer asks for a change (title, description, wished date): a pending change
    request without requirement changes or impact, which sales or the manager complete
    (`complete_change_impact`) before deciding as for any other."""
    order = order_to_change(session, order_id, actor, if_match)
    ORDER_STATUS.require(order.status, "request_change")
    change = ChangeRequest(
        order_id=order.id,
        raised_by_customer=True,
        title=title,
        wished_date=wished_date,
        changes=[],
        schedule_impact_days=0,
        cost_impact_amount=0,
        cost_impact_currency=order.currency,
        reason=description,
        requested_by=actor.sub,
    )
    session.add(change)
    session.flush()
    return change


def complete_change_impact(
    session: Session,
    order_id,
    change_request_id,
    request: dict,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> ChangeRequest:
    """Sales or the manager set a pending change request's requirement changes, schedule and
    cost impact (a customer's request arrives without them); the reason is kept unless given."""
    order = readable_order(session, order_id, actor)
    change = pending_change(session, order, change_request_id, if_match)
    ORDER_STATUS.require(order.status, "request_change")
    check_against(order, request)
    change.changes = to_primitives({"changes": request["changes"]})["changes"]
    change.schedule_impact_days = request["schedule_impact_days"]
    change.cost_impact_amount = request["cost_impact"]["amount"]
    change.cost_impact_currency = request["cost_impact"]["currency"]
    change.reason = request.get("reason") or change.reason
    session.flush()
    return change


def customer_change_requests(session: Session, order: Order) -> list[ChangeRequest]:
    """The change requests the order's customer raised, newest first."""
    return list(
        session.scalars(
            sa.select(ChangeRequest)
            .where(ChangeRequest.order_id == order.id, ChangeRequest.raised_by_customer)
            .order_by(ChangeRequest.created_at.desc())
        )
    )


def change_requests_query(
    session: Session, order_id, status: str | None, actor: Principal = SYSTEM
) -> sa.Select:
    """The order's change requests, newest first."""
    readable_order(session, order_id, actor)
    query = (
        sa.select(ChangeRequest)
        .where(ChangeRequest.order_id == order_id)
        .order_by(ChangeRequest.created_at.desc())
    )
    return query if status is None else query.where(ChangeRequest.status == status)


def read_change_request(
    session: Session, order_id, change_request_id, actor: Principal = SYSTEM
) -> ChangeRequest:
    return change_request_of(session, readable_order(session, order_id, actor), change_request_id)


def stored_request(change: ChangeRequest) -> dict:
    """The change request as it was requested: its stored changes with their ids typed."""

    def typed(id_):
        return None if id_ is None else uuid.UUID(str(id_))

    changes = []
    for item in change.changes:
        content = item.get("requirement")
        if content is not None:
            criteria = [
                {**criterion, "id": typed(criterion.get("id"))}
                for criterion in content.get("acceptance_criteria") or []
            ]
            content = {**content, "acceptance_criteria": criteria}
        changes.append(
            {**item, "requirement_id": typed(item.get("requirement_id")), "requirement": content}
        )
    return {
        "changes": changes,
        "schedule_impact_days": change.schedule_impact_days,
        "cost_impact": {
            "amount": change.cost_impact_amount,
            "currency": change.cost_impact_currency,
        },
        "reason": change.reason,
    }


def approve_change(
    session: Session,
    order_id,
    change_request_id,
    comment: str | None,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> ChangeRequest:
    """Apply the requirement changes, move due date and value, tell the others."""
    order = readable_order(session, order_id, actor)
    change = pending_change(session, order, change_request_id, if_match)
    ORDER_STATUS.require(order.status, "decide_change")
    request = stored_request(change)
    check_against(order, request)
    applied = [apply_change(session, order, item, change, actor) for item in request["changes"]]
    order.due_date = new_due_date(order.due_date, change.schedule_impact_days)
    order.value_amount = new_value(
        order.value_amount, order.currency, change.cost_impact_amount, order.currency
    )
    order.updated_at = datetime.now(UTC)  # a new order version even if only requirements change
    decide(change, "approved", comment, actor)
    session.flush()
    publish(
        session,
        OrderChangeApproved,
        {
            "order_id": order.id,
            "version": order.version,
            "change_request_id": change.id,
            "changes": applied,
            "schedule_impact_days": change.schedule_impact_days,
            "cost_impact": {
                "amount": change.cost_impact_amount,
                "currency": change.cost_impact_currency,
            },
            "new_due_date": order.due_date,
            "new_value": money(order),
            "reason": change.reason,
        },
    )
    return change


def apply_change(
    session: Session, order: Order, item: dict, change: ChangeRequest, actor: Principal
) -> dict:
    """Apply one requirement change; return it as the change_approved event carries it."""
    reason = f"Change request {change.id}: {change.reason}"
    if item["action"] == "add":
        requirement = new_requirement(
            session, order, item["requirement"], "approved", actor.sub, reason
        )
    else:
        requirement = session.get(Requirement, item["requirement_id"])
        if item["action"] == "modify":
            revise(session, requirement, item["requirement"], actor.sub, reason)
        else:
            remove(session, requirement, actor.sub, reason)
    return {
        "action": item["action"],
        "requirement_id": requirement.id,
        "requirement": None if item["action"] == "remove" else requirement_payload(requirement),
    }


def reject_change(
    session: Session,
    order_id,
    change_request_id,
    comment: str | None,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> ChangeRequest:
    """Reject a change request; nothing about the order changes."""
    order = readable_order(session, order_id, actor)
    change = pending_change(session, order, change_request_id, if_match)
    ORDER_STATUS.require(order.status, "decide_change")
    decide(change, "rejected", comment, actor)
    session.flush()
    return change

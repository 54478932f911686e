"""The requirement review: submit, reviewers' decisions, approve or send back to draft."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.domain.approval import (
    Decision,
    check_approval,
    check_decisions,
    check_submission,
    statuses_after_changes_requested,
)
from services.orders.domain.status import ORDER_STATUS
from services.orders.models import Customer, Order, ReviewDecision
from services.orders.usecases import publish
from services.orders.usecases.orders import money, move, order_to_change, readable_order
from services.orders.usecases.requirements import live_requirements, requirement_payload
from shared.events.contracts.orders import OrderConfirmed, OrderSubmitted
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal


def current_decisions(session: Session, order: Order) -> list[Decision]:
    query = sa.select(ReviewDecision).where(
        ReviewDecision.order_id == order.id, ReviewDecision.review_round == order.review_round
    )
    return [
        Decision(row.requirement_id, row.reviewer, row.decision, row.decided_at)
        for row in session.scalars(query)
    ]


def submit_order(
    session: Session, order_id, actor: Principal = SYSTEM, if_match: IfMatch = ANY_VERSION
) -> Order:
    """A draft order goes to review; each requirement needs an acceptance criterion."""
    order = order_to_change(session, order_id, actor, if_match)
    ORDER_STATUS.require(order.status, "submit")
    requirements = live_requirements(order)
    check_submission({r.id: len(r.criteria) for r in requirements})
    move(order, "submit")
    order.review_round += 1
    order.status_reason = None
    for requirement in requirements:
        requirement.status = "in_review"
    session.flush()
    publish(
        session,
        OrderSubmitted,
        {
            "order_id": order.id,
            "version": order.version,
            "number": order.number,
            "requirement_count": len(requirements),
        },
    )
    return order


def record_review(
    session: Session, order_id, decisions: list[dict], actor: Principal = SYSTEM
) -> list[ReviewDecision]:
    """A reviewer's decisions, with comments, on requirements of a submitted order."""
    order = readable_order(session, order_id, actor)
    ORDER_STATUS.require(order.status, "review")
    check_decisions(
        [decision["requirement_id"] for decision in decisions],
        (requirement.id for requirement in live_requirements(order)),
    )
    decided_at = datetime.now(UTC)
    rows = [
        ReviewDecision(
            order_id=order.id,
            review_round=order.review_round,
            reviewer=actor.sub,
            decided_at=decided_at,
            **decision,
        )
        for decision in decisions
    ]
    session.add_all(rows)
    session.flush()
    return rows


def review_decisions(session: Session, order_id, actor: Principal = SYSTEM) -> list:
    """Every review decision on the order, all rounds, oldest first."""
    order = readable_order(session, order_id, actor)
    query = (
        sa.select(ReviewDecision)
        .where(ReviewDecision.order_id == order.id)
        .order_by(ReviewDecision.decided_at, ReviewDecision.id)
    )
    return list(session.scalars(query))


def approve_order(
    session: Session, order_id, actor: Principal = SYSTEM, if_match: IfMatch = ANY_VERSION
) -> Order:
    """The review approves: the order is confirmed and its requirements go to planning."""
    order = order_to_change(session, order_id, actor, if_match)
    ORDER_STATUS.require(order.status, "approve")
    requirements = live_requirements(order)
    check_approval([r.id for r in requirements], current_decisions(session, order))
    move(order, "approve")
    order.confirmed_at = datetime.now(UTC)
    order.status_reason = None
    for requirement in requirements:
        requirement.status = "approved"
    session.flush()
    customer = session.get(Customer, order.customer_id)
    publish(session, OrderConfirmed, confirmed_event(order, customer, requirements))
    return order


def confirmed_event(order: Order, customer: Customer, requirements: list) -> dict:
    """What planning (and the others) learn of a confirmed order; delivery, whom to write to."""
    return {
        "order_id": order.id,
        "version": order.version,
        "number": order.number,
        "customer_id": order.customer_id,
        "customer_name": customer.name,
        "customer_email": customer.email,
        "contact_name": customer.contact_name,
        "customer_locale": customer.locale,
        "customer_version": customer.version,
        "title": order.title,
        "priority": order.priority,
        "due_date": order.due_date,
        "value": money(order),
        "confirmed_at": order.confirmed_at,
        "requirements": [requirement_payload(r) for r in requirements],
        "packages_per_increment": order.packages_per_increment,
        "pulse_surveys": order.pulse_surveys,
    }


def request_changes(
    session: Session,
    order_id,
    comment: str | None,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Order:
    """A submitted order goes back to draft; the reviewers' comments are kept."""
    order = order_to_change(session, order_id, actor, if_match)
    move(order, "request_changes")
    requirements = live_requirements(order)
    statuses = statuses_after_changes_requested(
        [r.id for r in requirements], current_decisions(session, order)
    )
    for requirement in requirements:
        requirement.status = statuses[requirement.id]
    order.status_reason = comment or "Changes requested in review."
    session.flush()
    return order

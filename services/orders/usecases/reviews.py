"""The requirement review: submit, reviewers' decisions, approve or send back to draft."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.domain.approval import (
    CHANGES_REQUESTED,
    CUSTOMER,
    Decision,
    approval_blockers,
    check_approval,
    check_decisions,
    check_resubmission,
    check_submission,
    statuses_after_changes_requested,
    verdicts,
)
from services.orders.domain.status import ORDER_STATUS
from services.orders.models import Customer, Order, ReviewDecision
from services.orders.render.mail import review_invitation
from services.orders.usecases import publish
from services.orders.usecases.orders import money, move, order_to_change, readable_order
from services.orders.usecases.requirements import live_requirements, requirement_payload
from shared.events.contracts.orders import (
    OrderConfirmed,
    OrderSubmitted,
    RequirementsCustomerReviewed,
)
from shared.mail import queue_mail
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal, StaleVersion


def current_decisions(session: Session, order: Order) -> list[Decision]:
    query = sa.select(ReviewDecision).where(
        ReviewDecision.order_id == order.id, ReviewDecision.review_round == order.review_round
    )
    return [
        Decision(row.requirement_id, row.reviewer, row.decision, row.decided_at, row.party)
        for row in session.scalars(query)
    ]


def submit_order(
    session: Session,
    order_id,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
    portal_url: str | None = None,
) -> Order:
    """A draft order goes to review; each requirement needs an acceptance criterion, and one
    sent back must have been revised. The customer is invited by mail to review it on the
    portal (`portal_url`, the orders service's public address)."""
    order = order_to_change(session, order_id, actor, if_match)
    ORDER_STATUS.require(order.status, "submit")
    requirements = live_requirements(order)
    check_submission({r.id: len(r.criteria) for r in requirements})
    check_resubmission((r.id, r.revision, r.sent_back_revision) for r in requirements)
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
    customer = session.get(Customer, order.customer_id)
    if customer.email and portal_url:
        queue_mail(
            session,
            review_invitation(
                to=customer.email,
                to_name=customer.contact_name,
                locale=customer.locale,
                order_id=order.id,
                order_number=order.number,
                order_title=order.title,
                requirement_count=len(requirements),
                link=f"{portal_url.rstrip('/')}/portal/orders/{order.id}/review",
            ),
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
    session: Session,
    order_id,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
    customer_override_reason: str | None = None,
) -> Order:
    """The review approves: the order is confirmed and its requirements go to planning. The
    customer must have agreed to every requirement unless the manager gives a reason to
    approve without it (kept on the order confirmed event, so on the timeline)."""
    order = order_to_change(session, order_id, actor, if_match)
    ORDER_STATUS.require(order.status, "approve")
    requirements = live_requirements(order)
    override = (customer_override_reason or "").strip() or None
    check_approval([r.id for r in requirements], current_decisions(session, order), bool(override))
    move(order, "approve")
    order.confirmed_at = datetime.now(UTC)
    order.status_reason = None
    for requirement in requirements:
        requirement.status = "approved"
    session.flush()
    customer = session.get(Customer, order.customer_id)
    confirmed = confirmed_event(order, customer, requirements)
    publish(session, OrderConfirmed, {**confirmed, "customer_override_reason": override})
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
        if requirement.status == CHANGES_REQUESTED:
            requirement.sent_back_revision = requirement.revision
    order.status_reason = comment or "Changes requested in review."
    session.flush()
    return order


def record_customer_review(
    session: Session, order_id, decisions: list[dict], actor: Principal
) -> list[ReviewDecision]:
    """The customer's side of the review: per requirement, agreed (approved) or a change asked
    for with a comment. A decision naming the revision it was made on is refused as stale
    (StaleVersion) when the requirement has been revised since; nothing is then written."""
    order = readable_order(session, order_id, actor)
    ORDER_STATUS.require(order.status, "review")
    requirements = {r.id: r for r in live_requirements(order)}
    check_decisions([d["requirement_id"] for d in decisions], requirements)
    for decision in decisions:
        current = requirements[decision["requirement_id"]].revision
        if decision.get("revision") not in (None, current):
            raise StaleVersion(current)
    decided_at = datetime.now(UTC)
    rows = [
        ReviewDecision(
            order_id=order.id,
            review_round=order.review_round,
            requirement_id=decision["requirement_id"],
            reviewer=actor.sub,
            decision=decision["decision"],
            comment=decision.get("comment") or "",
            decided_at=decided_at,
            party=CUSTOMER,
            requirement_revision=requirements[decision["requirement_id"]].revision,
        )
        for decision in decisions
    ]
    session.add_all(rows)
    session.flush()
    agreed = customer_verdicts(session, order)
    publish(
        session,
        RequirementsCustomerReviewed,
        {
            "order_id": order.id,
            "version": order.version,
            "review_round": order.review_round,
            "decisions": [
                {
                    "requirement_id": row.requirement_id,
                    "revision": row.requirement_revision,
                    "decision": row.decision,
                    "comment": row.comment,
                }
                for row in rows
            ],
            "all_agreed": all(agreed.get(r) == "approved" for r in requirements),
        },
    )
    return rows


def customer_verdicts(session: Session, order: Order) -> dict:
    """The customer's latest decision per requirement in the current round."""
    return verdicts(d for d in current_decisions(session, order) if d.party == CUSTOMER)


def review_summary(session: Session, order_id, actor: Principal = SYSTEM) -> list[dict]:
    """Per live requirement of the current round: the reviewers' verdict and the customer's
    decision with its comment, side by side, and what still blocks approval."""
    order = readable_order(session, order_id, actor)
    decisions = current_decisions(session, order)
    staff = verdicts(d for d in decisions if d.party != CUSTOMER)
    customer = {
        row.requirement_id: row
        for row in session.scalars(
            sa.select(ReviewDecision)
            .where(
                ReviewDecision.order_id == order.id,
                ReviewDecision.review_round == order.review_round,
                ReviewDecision.party == CUSTOMER,
            )
            .order_by(ReviewDecision.decided_at, ReviewDecision.id)
        )
    }
    requirements = live_requirements(order)
    blockers = approval_blockers([r.id for r in requirements], decisions)
    return [
        {
            "requirement_id": requirement.id,
            "title": requirement.title,
            "revision": requirement.revision,
            "status": requirement.status,
            "staff_verdict": staff.get(requirement.id),
            "customer_decision": getattr(customer.get(requirement.id), "decision", None),
            "customer_comment": getattr(customer.get(requirement.id), "comment", None),
            "customer_decided_at": getattr(customer.get(requirement.id), "decided_at", None),
            "customer_decided_revision": getattr(
                customer.get(requirement.id), "requirement_revision", None
            ),
            "blocked_by": blockers.get(str(requirement.id)),
        }
        for requirement in requirements
    ]

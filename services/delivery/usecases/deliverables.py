"""Deliverables: made from an order's requirements, kept up with its changes, readied by plans."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.delivery.domain.status import (
    DELIVERABLE_STATUS,
    DeliverableStatus,
    status_after_criteria_change,
)
from services.delivery.models import Deliverable, DeliverableCriterion, OrderRecord, Reaction
from services.delivery.usecases.orders import known_order, readable_order, visible_to
from shared.usecases import SYSTEM, Principal, find


def record_confirmed_order(session: Session, data: dict) -> None:
    """Keep the order and make one deliverable per approved requirement, with its criteria.

    An order whose cancellation overtook its confirmation gets its deliverables cancelled.
    """
    if session.get(OrderRecord, data["order_id"]) is not None:
        return
    order = OrderRecord(
        order_id=data["order_id"],
        customer_id=data["customer_id"],
        customer_name=data.get("customer_name"),
        customer_email=data.get("customer_email"),
        contact_name=data.get("contact_name"),
        customer_locale=data.get("customer_locale"),
        customer_version=data.get("customer_version"),
        number=data["number"],
        title=data["title"],
        order_version=data.get("version") or 0,
        confirmed_at=data["confirmed_at"],
        packages_per_increment=data.get("packages_per_increment", False),
        cancelled=Reaction.seen(session, data["order_id"], "cancelled"),
    )
    session.add(order)
    session.flush()
    for requirement in data["requirements"]:
        add_deliverable(session, order, requirement)


def apply_approved_change(session: Session, data: dict) -> None:
    """Add, update or withdraw deliverables and their criteria as the change says.

    Each change is a delta applied once (by its change request), in whatever order changes
    arrive: a requirement's revision keeps the newest, and a removal is final. New or altered
    work reopens the plan, so deliverables wait for the next completion of the plan.
    """
    order = known_order(session, data["order_id"])
    if not Reaction.once(session, order.order_id, f"change:{data['change_request_id']}"):
        return
    deliverables = {
        deliverable.requirement_id: deliverable
        for deliverable in session.scalars(
            sa.select(Deliverable).where(Deliverable.order_id == order.order_id)
        )
    }
    for change in data["changes"]:
        removed = f"removed:{change['requirement_id']}"
        if Reaction.seen(session, order.order_id, removed):
            continue
        deliverable = deliverables.get(change["requirement_id"])
        requirement = change["requirement"]
        if change["action"] == "remove":
            Reaction.once(session, order.order_id, removed)
            if deliverable is not None and DELIVERABLE_STATUS.allows(
                deliverable.status, "withdraw"
            ):
                deliverable.status = DELIVERABLE_STATUS.next_status(deliverable.status, "withdraw")
        elif deliverable is None and requirement is not None:
            order.plan_completed = False
            deliverables[change["requirement_id"]] = add_deliverable(session, order, requirement)
        elif (
            requirement is not None
            and deliverable.status not in DELIVERABLE_STATUS.final_statuses
            and update_deliverable(session, deliverable, requirement)
        ):
            order.plan_completed = False
    order.order_version = max(order.order_version, data.get("version") or 0)


def mark_work_done(session: Session, order_id: uuid.UUID) -> None:
    """The order's plan completed: pending and reworked deliverables go to quality control.

    Reworked are the ones that failed a check or were rejected by the customer: the plan's
    rework for them is done once the plan completes again.
    """
    order = known_order(session, order_id)
    order.plan_completed = True
    waiting = [s for s in DELIVERABLE_STATUS.statuses if DELIVERABLE_STATUS.allows(s, "mark_ready")]
    for deliverable in session.scalars(
        sa.select(Deliverable).where(
            Deliverable.order_id == order.order_id, Deliverable.status.in_(waiting)
        )
    ):
        deliverable.status = DELIVERABLE_STATUS.next_status(deliverable.status, "mark_ready")


def add_deliverable(session: Session, order: OrderRecord, requirement: dict) -> Deliverable:
    status = DeliverableStatus.READY_FOR_QC if order.plan_completed else DeliverableStatus.PENDING
    if order.cancelled:
        status = DeliverableStatus.CANCELLED
    deliverable = Deliverable(
        order_id=order.order_id,
        requirement_id=requirement["requirement_id"],
        requirement_revision=requirement["revision"],
        title=requirement["title"],
        description=requirement.get("description") or "",
        status=status,
        criteria=[
            DeliverableCriterion(
                criterion_id=criterion["criterion_id"],
                text=criterion["text"],
                position=criterion["position"],
            )
            for criterion in sorted(
                requirement["acceptance_criteria"], key=lambda criterion: criterion["position"]
            )
        ],
    )
    session.add(deliverable)
    return deliverable


def update_deliverable(session: Session, deliverable: Deliverable, requirement: dict) -> bool:
    """Bring the deliverable to the requirement's new revision; changed criteria void QC.

    Returns whether there is new work: a new revision of a deliverable still to deliver (an
    older or repeated revision changes nothing).
    """
    if requirement["revision"] <= deliverable.requirement_revision:
        return False
    deliverable.requirement_revision = requirement["revision"]
    deliverable.title = requirement["title"]
    deliverable.description = requirement.get("description") or ""
    if deliverable.status == DeliverableStatus.WITHDRAWN:
        return False
    wanted = {c["criterion_id"]: c for c in requirement["acceptance_criteria"]}
    changed = False
    for criterion in deliverable.criteria:
        new = wanted.pop(criterion.criterion_id, None)
        if new is None:
            changed |= not criterion.withdrawn
            criterion.withdrawn = True
            continue
        changed |= criterion.withdrawn or criterion.text != new["text"]
        criterion.withdrawn = False
        criterion.text = new["text"]
        criterion.position = new["position"]
    for new in wanted.values():
        changed = True
        session.add(
            DeliverableCriterion(
                deliverable_id=deliverable.id,
                criterion_id=new["criterion_id"],
                text=new["text"],
                position=new["position"],
            )
        )
    if changed:
        deliverable.status = status_after_criteria_change(deliverable.status)
    session.flush()
    session.refresh(deliverable, ["criteria"])
    return True


def deliverables_visible_to(actor: Principal) -> sa.Select:
    """Every deliverable `actor` may see, oldest first (customers: their own orders')."""
    return visible_to(
        actor,
        sa.select(Deliverable).order_by(Deliverable.created_at, Deliverable.id),
        Deliverable.order_id,
    )


def readable_deliverable(
    session: Session, deliverable_id: uuid.UUID, actor: Principal = SYSTEM
) -> Deliverable:
    deliverable = find(session, Deliverable, deliverable_id, "deliverable")
    readable_order(session, deliverable.order_id, actor)
    return deliverable

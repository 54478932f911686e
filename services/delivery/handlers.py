"""What the delivery service does with the events it hears."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.delivery.domain import (
    FINAL_DELIVERABLE_STATUSES,
    DeliverableStatus,
    status_after_criteria_change,
)
from services.delivery.models import (
    Deliverable,
    DeliverableCriterion,
    Delivery,
    OrderRecord,
    Reaction,
)
from shared.events.envelope import Envelope
from shared.events.inbox import dispatcher

# Packages still open when the order is cancelled; their acceptance links stop working.
OPEN_PACKAGE_STATUSES = ("draft", "submitted")


class OrderNotKnownYet(RuntimeError):
    """An event about an order whose confirmation has not arrived: the inbox retries it."""


def on_order_confirmed(event: Envelope, session: Session) -> None:
    """One deliverable per approved requirement, with a snapshot of its criteria.

    An order whose cancellation overtook its confirmation gets its deliverables cancelled.
    """
    data = event.data
    if session.get(OrderRecord, data["order_id"]) is not None:
        return
    order = OrderRecord(
        order_id=data["order_id"],
        customer_id=data["customer_id"],
        customer_name=data.get("customer_name"),
        number=data["number"],
        title=data["title"],
        order_version=data.get("version") or 0,
        confirmed_at=data["confirmed_at"],
        cancelled=Reaction.seen(session, data["order_id"], "cancelled"),
    )
    session.add(order)
    session.flush()
    for requirement in data["requirements"]:
        add_deliverable(session, order, requirement)


def on_order_change_approved(event: Envelope, session: Session) -> None:
    """Add, update or withdraw deliverables and their criteria as the change says.

    Each change is a delta applied once (by its change request), in whatever order changes
    arrive: a requirement's revision keeps the newest, and a removal is final. New or altered
    work reopens the plan, so deliverables wait for the next ``ordo.plan.completed``.
    """
    data = event.data
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
            if deliverable is not None and deliverable.status not in FINAL_DELIVERABLE_STATUSES:
                deliverable.status = DeliverableStatus.WITHDRAWN
        elif deliverable is None and requirement is not None:
            order.plan_completed = False
            deliverables[change["requirement_id"]] = add_deliverable(session, order, requirement)
        elif (
            requirement is not None
            and deliverable.status not in FINAL_DELIVERABLE_STATUSES
            and update_deliverable(session, deliverable, requirement)
        ):
            order.plan_completed = False
    order.order_version = max(order.order_version, data.get("version") or 0)


def on_order_cancelled(event: Envelope, session: Session) -> None:
    """Stop: open deliverables are cancelled and open packages can no longer be decided.

    An order not confirmed here (a cancelled draft, or a confirmation still on its way) has
    nothing to stop: the cancellation is remembered for a confirmation that may follow.
    """
    order_id = event.data["order_id"]
    if not Reaction.once(session, order_id, "cancelled"):
        return
    order = session.get(OrderRecord, order_id)
    if order is None:
        return
    order.cancelled = True
    for deliverable in session.scalars(
        sa.select(Deliverable).where(Deliverable.order_id == order.order_id)
    ):
        if deliverable.status not in FINAL_DELIVERABLE_STATUSES:
            deliverable.status = DeliverableStatus.CANCELLED
    for delivery in session.scalars(
        sa.select(Delivery).where(
            Delivery.order_id == order.order_id, Delivery.status.in_(OPEN_PACKAGE_STATUSES)
        )
    ):
        delivery.status = "cancelled"


def on_plan_completed(event: Envelope, session: Session) -> None:
    """All work is done: pending and reworked deliverables go to quality control.

    Reworked are the ones that failed a check or were rejected by the customer: the plan's
    rework for them is done once the plan completes again.
    """
    order = known_order(session, event.data["order_id"])
    order.plan_completed = True
    waiting = (DeliverableStatus.PENDING, DeliverableStatus.FAILED, DeliverableStatus.REJECTED)
    for deliverable in session.scalars(
        sa.select(Deliverable).where(
            Deliverable.order_id == order.order_id, Deliverable.status.in_(waiting)
        )
    ):
        deliverable.status = DeliverableStatus.READY_FOR_QC


def known_order(session: Session, order_id) -> OrderRecord:
    order = session.get(OrderRecord, order_id)
    if order is None:
        raise OrderNotKnownYet(f"order {order_id} has not been confirmed here yet")
    return order


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


handle = dispatcher(
    {
        "ordo.order.confirmed": on_order_confirmed,
        "ordo.order.change_approved": on_order_change_approved,
        "ordo.order.cancelled": on_order_cancelled,
        "ordo.plan.completed": on_plan_completed,
    }
)

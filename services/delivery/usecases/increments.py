"""Delivery per increment: deliverables readied as their own work is done, the increment each
belongs to, and the order's partial delivery that the delivery events carry."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.delivery.domain.increments import (
    PackedIncrement,
    Standing,
    all_accepted,
    all_delivered,
    package_increment,
    progress,
)
from services.delivery.domain.status import DELIVERABLE_STATUS
from services.delivery.models import Deliverable, OrderRecord
from services.delivery.usecases.orders import known_order


def deliverable_of(session: Session, order_id: uuid.UUID, requirement_id: uuid.UUID):
    query = sa.select(Deliverable).where(
        Deliverable.order_id == order_id, Deliverable.requirement_id == requirement_id
    )
    return session.scalar(query)


def mark_requirement_done(
    session: Session, order_id: uuid.UUID, requirement_id: uuid.UUID, increment_id=None
) -> None:
    """A requirement's work (work package and rework) is done: its deliverable goes to quality
    control, whatever the rest of the plan does."""
    known_order(session, order_id)
    deliverable = deliverable_of(session, order_id, requirement_id)
    if deliverable is None:
        return
    if increment_id is not None:
        deliverable.increment_id = increment_id
    if DELIVERABLE_STATUS.allows(deliverable.status, "mark_ready"):
        deliverable.status = DELIVERABLE_STATUS.next_status(deliverable.status, "mark_ready")


def record_increment_planned(session: Session, data: dict) -> None:
    """Each of the increment's deliverables belongs to it (a later plan moves it again)."""
    known_order(session, data["order_id"])
    for requirement_id in data["requirement_ids"]:
        deliverable = deliverable_of(session, data["order_id"], requirement_id)
        if deliverable is not None:
            deliverable.increment_id = data["increment_id"]
            deliverable.increment_number = data["number"]


def increment_of_package(order: OrderRecord, deliverables: list[Deliverable]):
    """The increment a package of `deliverables` delivers (422 for a forbidden mix)."""
    return package_increment(
        [PackedIncrement(d.id, d.title, d.increment_id) for d in deliverables],
        order.packages_per_increment,
    )


def order_progress(session: Session, order_id: uuid.UUID) -> dict:
    """Where the order's requirements stand, with `final_delivery` and `final_acceptance`."""
    session.flush()
    rows = session.execute(
        sa.select(Deliverable.requirement_id, Deliverable.status).where(
            Deliverable.order_id == order_id
        )
    )
    counts = progress([Standing(requirement, status) for requirement, status in rows])
    return {
        **counts,
        "final_delivery": all_delivered(counts),
        "final_acceptance": all_accepted(counts),
    }


def increment_news(session: Session, order_id: uuid.UUID, increment_id, final: str) -> dict:
    """What every delivery event adds about increments: the package's increment, whether the
    order is now wholly delivered or accepted (`final` names which), and the counts."""
    standing = order_progress(session, order_id)
    return {
        "increment_id": increment_id,
        "final": standing.pop(final),
        "progress": {k: v for k, v in standing.items() if not k.startswith("final_")},
    }

"""Delivery per increment: which increment a package delivers, and where an order's
requirements stand (partial delivery as counts, and when it is final)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from services.delivery.domain.handover import ListedItemsRefused
from services.delivery.domain.status import DeliverableStatus

#: Deliverables that no longer count: the requirement was removed or the order cancelled.
NOT_COUNTED = (DeliverableStatus.WITHDRAWN, DeliverableStatus.CANCELLED)


@dataclass(frozen=True)
class PackedIncrement:
    deliverable_id: Hashable
    title: str
    increment_id: Hashable | None


def package_increment(items: Sequence[PackedIncrement], per_increment: bool) -> Hashable | None:
    """The one increment the package delivers (None: no increment, or a mix). When the order
    keeps packages per increment, a mix is refused with a 422 naming the odd deliverables."""
    increments = {item.increment_id for item in items}
    if len(increments) == 1:
        return next(iter(increments))
    if per_increment and items:
        first = items[0].increment_id
        raise ListedItemsRefused(
            "This order delivers one increment per package: the deliverables belong to "
            "different increments.",
            "deliverable_ids",
            {
                str(item.deliverable_id): f"{item.title!r} is of another increment than the first"
                for item in items
                if item.increment_id != first
            },
        )
    return None


@dataclass(frozen=True)
class Standing:
    """A deliverable's requirement and status, for the order's progress."""

    requirement_id: Hashable
    status: str


def progress(deliverables: Sequence[Standing]) -> dict:
    """Counts of the order's requirements: accepted, delivered (awaiting the customer) and
    outstanding (the rest), with the rejected and outstanding ones named."""
    counted = [d for d in deliverables if d.status not in NOT_COUNTED]
    accepted = [d for d in counted if d.status == DeliverableStatus.ACCEPTED]
    delivered = [d for d in counted if d.status == DeliverableStatus.DELIVERED]
    outstanding = [d for d in counted if d not in accepted and d not in delivered]
    return {
        "requirements": len(counted),
        "accepted": len(accepted),
        "delivered": len(delivered),
        "outstanding": len(outstanding),
        "rejected_requirement_ids": [
            d.requirement_id for d in counted if d.status == DeliverableStatus.REJECTED
        ],
        "outstanding_requirement_ids": [d.requirement_id for d in outstanding],
    }


def all_delivered(counts: dict) -> bool:
    """Every requirement handed over (delivered or accepted): the order is delivered."""
    return counts["requirements"] > 0 and counts["outstanding"] == 0


def all_accepted(counts: dict) -> bool:
    """Every requirement accepted: the order is accepted (final acceptance)."""
    return counts["requirements"] > 0 and counts["accepted"] == counts["requirements"]

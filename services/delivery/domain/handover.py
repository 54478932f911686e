"""Handing deliverables over in a package: what may go in, and the version it goes out as."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.delivery.domain.status import DeliverableStatus
from shared.errors import Conflict, RuleViolation


class ListedItemsRefused(RuleViolation):
    """Some items of a list break a rule: `errors` holds `{field: {item id: [message]}}`."""

    def __init__(self, detail: str, field: str, messages: Mapping[str, str]) -> None:
        super().__init__(detail=detail)
        self.extra["errors"] = {field: {item: [message] for item, message in messages.items()}}


@dataclass(frozen=True)
class PackedDeliverable:
    id: Any
    title: str
    status: str


def require_passed(deliverables: Iterable[PackedDeliverable]) -> None:
    """Only deliverables that passed quality control are handed over; a 422 names the others."""
    unpassed = {
        str(d.id): f"{d.title!r} is {d.status}; it must pass quality control first"
        for d in deliverables
        if d.status != DeliverableStatus.PASSED
    }
    if unpassed:
        raise ListedItemsRefused(
            "Every deliverable in a package must have passed quality control.",
            "deliverable_ids",
            unpassed,
        )


def require_content(deliverables: Sequence) -> None:
    if not deliverables:
        raise RuleViolation(detail="A package needs at least one deliverable.")


def require_listed_once(ids: Sequence, field: str) -> None:
    if len(set(ids)) != len(ids):
        raise RuleViolation({field: "Repeated ids."}, detail="An id is listed twice.")


def require_all_found(ids: Sequence, found: Iterable, field: str, order_id: Any) -> None:
    """Every listed id names a row of the order; a 422 names the others."""
    found = set(found)
    missing = [str(id_) for id_ in ids if id_ not in found]
    if missing:
        raise ListedItemsRefused(
            f"Not part of order {order_id}: {', '.join(missing)}.",
            field,
            dict.fromkeys(missing, "Unknown here, or of another order."),
        )


def version_to_submit(own: int, latest_handed_over: int | None, latest_of_order: int) -> int:
    """The package version a draft goes out as: its own, unless a later version was handed over
    already; then the next after every package of the order, so that the versions the customer
    (and the orders service) sees only ever grow."""
    if latest_handed_over is None or latest_handed_over < own:
        return own
    return latest_of_order + 1


def require_recipient(email: str | None, order_number: str) -> str:
    """The address the customer's acceptance link is mailed to.

    The link is mailed, never shown to staff: without an address there is no way to hand the
    package over, so staff are asked (409) to record the customer's e-mail first.
    """
    if not email or not email.strip():
        raise Conflict(
            f"The customer of order {order_number} has no e-mail address, so the acceptance "
            "link cannot be mailed. Record the customer's e-mail (PATCH /customers/{id} in the "
            "orders service), then submit again.",
            missing="customer_email",
        )
    return email.strip()

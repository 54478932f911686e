"""Requirements of an order: written while it is a draft, revised with history, and the form
the order events carry them in."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.domain.change_impact import check_criteria
from services.orders.domain.status import LIVE_REQUIREMENT_STATUSES, ORDER_STATUS
from services.orders.models import AcceptanceCriterion, Order, Requirement, RequirementRevision
from services.orders.usecases.orders import readable_order
from shared.db import new_id
from shared.errors import Conflict, NotFound
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal

CONTENT_FIELDS = ("title", "description", "kind", "source", "priority", "estimate_days")


class NotOnOrder(NotFound):
    """The order exists but has no such part (a requirement, a change request)."""

    def __init__(self, order_id, what: str, id: object) -> None:
        super().__init__(what, id)
        self.detail = f"Order {order_id} has no {what} {id}."


def live_requirements(order: Order) -> list[Requirement]:
    return [r for r in order.requirements if r.status in LIVE_REQUIREMENT_STATUSES]


def requirement_of(session: Session, order_id, requirement_id, actor: Principal) -> Requirement:
    readable_order(session, order_id, actor)
    requirement = session.get(Requirement, requirement_id)
    if requirement is None or requirement.order_id != order_id:
        raise NotOnOrder(order_id, "requirement", requirement_id)
    return requirement


def set_criteria(requirement: Requirement, criteria: list[dict]) -> None:
    """Replace the criteria in this order; an entry with a known id keeps that id."""
    check_criteria((criterion.id for criterion in requirement.criteria), criteria)
    existing = {criterion.id: criterion for criterion in requirement.criteria}
    kept = []
    for position, given in enumerate(criteria, start=1):
        criterion = existing.get(given.get("id")) or AcceptanceCriterion(id=new_id())
        criterion.position, criterion.text = position, given["text"]
        kept.append(criterion)
    requirement.criteria = kept


def new_requirement(
    session: Session, order: Order, content: dict, status: str, author: str, reason: str
) -> Requirement:
    requirement = Requirement(
        id=new_id(),
        order=order,
        position=max((r.position for r in order.requirements), default=0) + 1,
        status=status,
        revision=1,
        **{name: content.get(name) for name in CONTENT_FIELDS},
    )
    requirement.description = requirement.description or ""
    session.add(requirement)
    set_criteria(requirement, content.get("acceptance_criteria") or [])
    remember_revision(session, requirement, author, reason)
    return requirement


def revise(
    session: Session, requirement: Requirement, changes: dict, author: str, reason: str
) -> None:
    """Apply changed fields (and criteria), raise the revision and keep the old one in history."""
    for name in CONTENT_FIELDS:
        if name in changes:
            setattr(requirement, name, changes[name])
    if "acceptance_criteria" in changes:
        set_criteria(requirement, changes["acceptance_criteria"])
    requirement.revision += 1
    remember_revision(session, requirement, author, reason)


def remove(session: Session, requirement: Requirement, author: str, reason: str) -> None:
    requirement.status = "removed"
    requirement.revision += 1
    remember_revision(session, requirement, author, reason)


def remember_revision(session: Session, requirement: Requirement, author: str, reason: str) -> None:
    snapshot = RequirementRevision(
        requirement=requirement,
        revision=requirement.revision,
        content=content_of(requirement),
        changed_by=author,
        reason=reason[:500],
    )
    session.add(snapshot)


def content_of(requirement: Requirement) -> dict[str, Any]:
    return {
        **{name: getattr(requirement, name) for name in CONTENT_FIELDS},
        "status": requirement.status,
        "acceptance_criteria": [
            {"id": str(c.id), "position": c.position, "text": c.text} for c in requirement.criteria
        ],
    }


def requirement_payload(requirement: Requirement) -> dict[str, Any]:
    """A requirement as the order events carry it."""
    return {
        "requirement_id": requirement.id,
        "title": requirement.title,
        "description": requirement.description,
        "kind": requirement.kind,
        "source": requirement.source,
        "priority": requirement.priority,
        "estimate_days": requirement.estimate_days,
        "revision": requirement.revision,
        "acceptance_criteria": [
            {"criterion_id": c.id, "text": c.text, "position": c.position}
            for c in requirement.criteria
        ],
    }


def add_requirement(
    session: Session, order_id, content: dict, actor: Principal = SYSTEM
) -> Requirement:
    """A new requirement of a draft order, proposed."""
    order = readable_order(session, order_id, actor)
    ORDER_STATUS.require(order.status, "edit_requirements")
    requirement = new_requirement(session, order, content, "proposed", actor.sub, "Written")
    session.flush()
    return requirement


def requirements_of(session: Session, order_id, actor: Principal = SYSTEM) -> list[Requirement]:
    return readable_order(session, order_id, actor).requirements


def read_requirement(
    session: Session, order_id, requirement_id, actor: Principal = SYSTEM
) -> Requirement:
    return requirement_of(session, order_id, requirement_id, actor)


def revise_requirement(
    session: Session,
    order_id,
    requirement_id,
    changes: dict,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Requirement:
    """Revise a requirement of a draft order; criteria given replace the old."""
    requirement = requirement_of(session, order_id, requirement_id, actor)
    ORDER_STATUS.require(requirement.order.status, "edit_requirements")
    if_match.check(requirement.version)
    if requirement.status == "removed":
        raise Conflict("This requirement was removed.", current_status="removed")
    revise(session, requirement, changes, actor.sub, "Edited")
    session.flush()
    return requirement


def revisions_of(
    session: Session, order_id, requirement_id, actor: Principal = SYSTEM
) -> list[RequirementRevision]:
    """The requirement's revisions, oldest first."""
    requirement = requirement_of(session, order_id, requirement_id, actor)
    query = (
        sa.select(RequirementRevision)
        .where(RequirementRevision.requirement_id == requirement.id)
        .order_by(RequirementRevision.revision)
    )
    return list(session.scalars(query))

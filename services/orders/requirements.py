"""Writing requirements: their content and criteria, revision history, and event form."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.orders.models import AcceptanceCriterion, Order, Requirement, RequirementRevision
from shared.db import new_id
from shared.http.errors import Problem

CONTENT_FIELDS = ("title", "description", "kind", "source", "priority", "estimate_days")
LIVE = ("proposed", "in_review", "approved", "changes_requested")


def live_requirements(order: Order) -> list[Requirement]:
    return [requirement for requirement in order.requirements if requirement.status in LIVE]


def unknown_criteria(requirement: Requirement | None, criteria: list[dict]) -> list[str]:
    """Criterion ids given that the requirement does not have."""
    known = {criterion.id for criterion in requirement.criteria} if requirement else set()
    return [str(c["id"]) for c in criteria if c.get("id") is not None and c["id"] not in known]


def set_criteria(requirement: Requirement, criteria: list[dict]) -> None:
    """Replace the criteria in this order; an entry with a known id keeps that id."""
    unknown = unknown_criteria(requirement, criteria)
    if unknown:
        raise Problem(
            422,
            "Some acceptance criteria ids do not belong to this requirement.",
            errors={"acceptance_criteria": [f"Unknown criterion {i}." for i in unknown]},
        )
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
    session: Session,
    requirement: Requirement,
    changes: dict,
    author: str,
    reason: str,
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
    """A requirement as the ordo.order.* events carry it."""
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


def money(order: Order) -> dict | None:
    if order.value_amount is None:
        return None
    return {"amount": order.value_amount, "currency": order.currency}

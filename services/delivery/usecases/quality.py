"""Quality control: inspecting a deliverable, the checks recorded, the non-conformances opened."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.delivery.domain.checklists import (
    ChecklistItem,
    CheckOutcome,
    Criterion,
    answer_checklist,
    evaluate,
)
from services.delivery.domain.non_conformances import (
    NonConformance as NonConformanceRule,
)
from services.delivery.domain.non_conformances import (
    edited_non_conformance,
    opened_for_failed_check,
)
from services.delivery.domain.status import (
    NonConformanceStatus,
    require_inspectable,
    status_after_check,
)
from services.delivery.models import Deliverable, NonConformance, QualityCheck, QualityCheckItem
from services.delivery.usecases import publish
from services.delivery.usecases.deliverables import readable_deliverable
from services.delivery.usecases.orders import open_order
from shared.db import utcnow
from shared.events.contracts.delivery import QualityCheckFailed
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal, find

EDITABLE_FIELDS = ("severity", "description", "corrective_action", "preventive_action", "owner")


def inspect_deliverable(
    session: Session, deliverable_id: uuid.UUID, answers: dict, actor: Principal = SYSTEM
) -> QualityCheck:
    """Answer a deliverable's checklist; any failure opens a non-conformance and is published."""
    deliverable = find(session, Deliverable, deliverable_id, "deliverable")
    open_order(session, deliverable.order_id, actor)
    require_inspectable(deliverable.status)
    items = answer_checklist(
        [Criterion(str(c.criterion_id), c.text) for c in deliverable.active_criteria],
        answers["criteria"],
        answers["standards"],
    )
    outcome = evaluate(items)
    non_conformance = None
    if not outcome.passed:
        non_conformance = opened_for_failed_check(answers["non_conformance"], outcome, actor.sub)
    deliverable.status = status_after_check(deliverable.status, outcome.passed)
    attempt = 1 + session.scalar(
        sa.select(sa.func.count()).where(QualityCheck.deliverable_id == deliverable.id)
    )
    check = QualityCheck(
        deliverable_id=deliverable.id,
        order_id=deliverable.order_id,
        attempt=attempt,
        inspector=actor.sub,
        passed=outcome.passed,
        passed_count=outcome.passed_count,
        failed_count=len(outcome.failed),
        not_applicable_count=outcome.not_applicable_count,
    )
    session.add(check)
    session.flush()
    for position, item in enumerate(items):
        session.add(stored_item(check, position, item))
    check.non_conformance_id = None
    if non_conformance is not None:
        row = NonConformance(
            check_id=check.id,
            deliverable_id=deliverable.id,
            order_id=deliverable.order_id,
            severity=non_conformance.severity.value,
            description=non_conformance.description,
            corrective_action=non_conformance.corrective_action,
            preventive_action=non_conformance.preventive_action,
            owner=non_conformance.owner,
        )
        session.add(row)
        session.flush()
        check.non_conformance_id = row.id
        publish_failed_check(session, deliverable, check, row, outcome)
    session.flush()
    session.refresh(check, ["items"])
    return check


def stored_item(check: QualityCheck, position: int, item: ChecklistItem) -> QualityCheckItem:
    tolerance = item.tolerance
    return QualityCheckItem(
        check_id=check.id,
        position=position,
        key=item.key,
        criterion_id=item.criterion_id and uuid.UUID(item.criterion_id),
        description=item.description,
        specification=item.specification,
        tolerance=tolerance
        and {
            "nominal": str(tolerance.nominal),
            "lower": str(tolerance.lower),
            "upper": str(tolerance.upper),
            "unit": tolerance.unit,
        },
        result=item.result.value,
        measured=item.measured,
        comment=item.comment,
    )


def publish_failed_check(
    session: Session,
    deliverable: Deliverable,
    check: QualityCheck,
    non_conformance: NonConformance,
    outcome: CheckOutcome,
) -> None:
    publish(
        session,
        QualityCheckFailed,
        {
            "order_id": deliverable.order_id,
            "deliverable_id": deliverable.id,
            "requirement_id": deliverable.requirement_id,
            "check_id": check.id,
            "non_conformance_id": non_conformance.id,
            "severity": non_conformance.severity,
            "failed_criteria": [
                {
                    "criterion_id": item.criterion_id,
                    "text": item.description,
                    "comment": item.comment or None,
                }
                for item in outcome.failed
                if item.criterion_id is not None
            ],
            "failed_standards": [
                item.description for item in outcome.failed if item.criterion_id is None
            ],
        },
    )


def checks_of_deliverable(
    session: Session, deliverable_id: uuid.UUID, actor: Principal = SYSTEM
) -> list[QualityCheck]:
    """Every inspection of a deliverable, oldest first."""
    readable_deliverable(session, deliverable_id, actor)
    query = (
        sa.select(QualityCheck)
        .where(QualityCheck.deliverable_id == deliverable_id)
        .order_by(QualityCheck.attempt)
    )
    return with_non_conformance_ids(session, session.scalars(query).all())


def quality_check(session: Session, check_id: uuid.UUID) -> QualityCheck:
    """A quality check with its answered checklist."""
    return with_non_conformance_ids(
        session, [find(session, QualityCheck, check_id, "quality check")]
    )[0]


def with_non_conformance_ids(session: Session, checks: list[QualityCheck]) -> list[QualityCheck]:
    """Attach each failed check's non-conformance id for the response."""
    if not checks:
        return checks
    ids = dict(
        session.execute(
            sa.select(NonConformance.check_id, NonConformance.id).where(
                NonConformance.check_id.in_([check.id for check in checks])
            )
        ).all()
    )
    for check in checks:
        check.non_conformance_id = ids.get(check.id)
    return checks


def all_non_conformances() -> sa.Select:
    """Every non-conformance, newest first."""
    return sa.select(NonConformance).order_by(NonConformance.opened_at.desc())


def find_non_conformance(session: Session, non_conformance_id: uuid.UUID) -> NonConformance:
    return find(session, NonConformance, non_conformance_id, "non-conformance")


def update_non_conformance(
    session: Session,
    non_conformance_id: uuid.UUID,
    changes: dict,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> NonConformance:
    """Record actions and owner, or move the status (closing needs the actions)."""
    row = find_non_conformance(session, non_conformance_id)
    if_match.check(row.version)
    current = NonConformanceRule(
        **{field: getattr(row, field) for field in EDITABLE_FIELDS}, status=row.status
    )
    updated = edited_non_conformance(current, changes)
    for field in EDITABLE_FIELDS:
        setattr(row, field, str(getattr(updated, field)))
    if updated.status != row.status:
        row.closed_at = utcnow() if updated.status is NonConformanceStatus.CLOSED else None
        row.status = updated.status.value
    session.flush()
    return row

"""Deliverables, and the quality checks an inspector records against them."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery.api.common import (
    READERS,
    readable_order,
    refuse_if_cancelled,
    rules_as_problems,
    scoped_to_caller,
)
from services.delivery.domain import (
    ChecklistItem,
    Criterion,
    DeliverableStatus,
    RuleViolation,
    StandardItem,
    Tolerance,
    build_checklist,
    evaluate,
    record_result,
    status_after_check,
    transition_deliverable,
)
from services.delivery.domain import NonConformance as NonConformanceRule
from services.delivery.models import Deliverable, NonConformance, QualityCheck, QualityCheckItem
from services.delivery.schemas import (
    DeliverableQueryArgsSchema,
    DeliverableSchema,
    QualityCheckCreateSchema,
    QualityCheckSchema,
)
from shared.events.outbox import record
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, filter_by, get_or_404, page_of, paginate

blp = Blueprint(
    "deliverables", __name__, url_prefix="/deliverables", description="Deliverables and QC"
)

#: A deliverable may be inspected once work is done, and again after rework.
INSPECTABLE = (DeliverableStatus.READY_FOR_QC, DeliverableStatus.FAILED, DeliverableStatus.REJECTED)


def readable_deliverable(deliverable_id) -> Deliverable:
    deliverable = get_or_404(db_session(), Deliverable, deliverable_id, "deliverable")
    readable_order(deliverable.order_id)
    return deliverable


@blp.route("")
class Deliverables(MethodView):
    @roles_required(*READERS)
    @blp.arguments(DeliverableQueryArgsSchema, location="query")
    @blp.response(200, page_of(DeliverableSchema))
    def get(self, args):
        """List deliverables, by order and status (customers see their own)"""
        query = scoped_to_caller(
            sa.select(Deliverable).order_by(Deliverable.created_at, Deliverable.id),
            Deliverable.order_id,
        )
        query = filter_by(query, args, Deliverable.order_id, Deliverable.status)
        return paginate(db_session(), query, args)


@blp.route("/<uuid:deliverable_id>")
class DeliverablesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, DeliverableSchema)
    def get(self, deliverable_id):
        """Read a deliverable with its acceptance criteria"""
        deliverable = readable_deliverable(deliverable_id)
        return deliverable, {"ETag": etag(deliverable.version)}


@blp.route("/<uuid:deliverable_id>/quality-checks")
class DeliverableQualityChecks(MethodView):
    @roles_required("quality")
    @idempotent
    @blp.arguments(QualityCheckCreateSchema)
    @blp.response(201, QualityCheckSchema)
    def post(self, data, deliverable_id):
        """Inspect a deliverable: answer its checklist; any failure opens a non-conformance"""
        session = db_session()
        deliverable = get_or_404(session, Deliverable, deliverable_id, "deliverable")
        order = readable_order(deliverable.order_id)
        refuse_if_cancelled(order)
        if deliverable.status not in INSPECTABLE:
            raise Problem(
                409,
                f"A {deliverable.status} deliverable cannot be inspected; "
                "it must be ready for quality control, or reworked after a failure or rejection.",
                current_status=deliverable.status,
                allowed_actions=[],
            )
        with rules_as_problems():
            items = answered_checklist(deliverable, data)
            outcome = evaluate(items)
            if deliverable.status != DeliverableStatus.READY_FOR_QC:
                deliverable.status = transition_deliverable(
                    deliverable.status, DeliverableStatus.READY_FOR_QC
                )
            deliverable.status = transition_deliverable(
                deliverable.status, status_after_check(outcome)
            )
            inspector = current_principal().sub
            non_conformance = None
            if not outcome.passed:
                non_conformance = opened_non_conformance(
                    data["non_conformance"], outcome, inspector
                )
        attempt = 1 + session.scalar(
            sa.select(sa.func.count()).where(QualityCheck.deliverable_id == deliverable.id)
        )
        check = QualityCheck(
            deliverable_id=deliverable.id,
            order_id=deliverable.order_id,
            attempt=attempt,
            inspector=inspector,
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
            record_failed_check(session, deliverable, check, row, outcome)
        session.flush()
        session.refresh(check, ["items"])
        return check, {"Location": f"/quality-checks/{check.id}"}

    @roles_required(*STAFF)
    @blp.response(200, QualityCheckSchema(many=True))
    def get(self, deliverable_id):
        """Every inspection of a deliverable, oldest first"""
        readable_deliverable(deliverable_id)
        query = (
            sa.select(QualityCheck)
            .where(QualityCheck.deliverable_id == deliverable_id)
            .order_by(QualityCheck.attempt)
        )
        return with_non_conformance_ids(db_session().scalars(query).all())


def answered_checklist(deliverable: Deliverable, data: dict) -> list[ChecklistItem]:
    """The deliverable's checklist with the inspector's answers; every refusal at once."""
    errors: dict[str, str] = {}
    criteria = deliverable.active_criteria
    known = {str(c.criterion_id) for c in criteria}
    answers: dict[str, dict] = {}
    for number, answer in enumerate(data["criteria"]):
        key = str(answer["criterion_id"])
        if key not in known:
            errors[f"criteria.{number}.criterion_id"] = (
                f"criterion {key} is not an acceptance criterion of this deliverable"
            )
        elif key in answers:
            errors[f"criteria.{number}.criterion_id"] = f"criterion {key} is answered twice"
        answers[key] = answer
    standards = []
    for number, standard in enumerate(data["standards"]):
        try:
            tolerance = Tolerance(**standard["tolerance"]) if standard["tolerance"] else None
        except RuleViolation as violation:
            errors.update(
                {f"standards.{number}.tolerance.{f}": m for f, m in violation.errors.items()}
            )
            tolerance = None
        standards.append(
            StandardItem(standard["description"], standard["specification"], tolerance)
        )
    if errors:
        raise RuleViolation(errors)
    checklist = build_checklist(
        [Criterion(str(c.criterion_id), c.text) for c in criteria], standards
    )
    items = []
    for item in checklist:
        if item.criterion_id is not None:
            answer = answers.get(item.criterion_id)
            given = (answer["result"], None, answer["comment"]) if answer else None
        else:
            standard = data["standards"][int(item.key.removeprefix("standard-")) - 1]
            given = (standard["result"], standard["measured"], standard["comment"])
        if given is None:
            items.append(item)
            continue
        result, measured, comment = given
        try:
            items.append(record_result(item, result, measured=measured, comment=comment))
        except RuleViolation as violation:
            errors.update(violation.errors)
    if errors:
        raise RuleViolation(errors)
    return items


def opened_non_conformance(given: dict | None, outcome, inspector: str) -> NonConformanceRule:
    given = given or {}
    failed = "; ".join(item.description for item in outcome.failed)
    return NonConformanceRule(
        severity=given.get("severity", "major"),
        description=given.get("description") or f"Failed quality control: {failed}",
        owner=given.get("owner") or inspector,
        corrective_action=given.get("corrective_action", ""),
        preventive_action=given.get("preventive_action", ""),
    )


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


def record_failed_check(session, deliverable, check, non_conformance, outcome) -> None:
    record(
        session,
        "ordo.quality_check.failed",
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


def with_non_conformance_ids(checks: list[QualityCheck]) -> list[QualityCheck]:
    """Attach each failed check's non-conformance id for the response."""
    if not checks:
        return checks
    ids = dict(
        db_session()
        .execute(
            sa.select(NonConformance.check_id, NonConformance.id).where(
                NonConformance.check_id.in_([check.id for check in checks])
            )
        )
        .all()
    )
    for check in checks:
        check.non_conformance_id = ids.get(check.id)
    return checks

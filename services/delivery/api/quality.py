"""Quality checks once recorded, and the non-conformances failed checks open."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery.api.common import rules_as_problems
from services.delivery.api.deliverables import with_non_conformance_ids
from services.delivery.domain import NonConformance as NonConformanceRule
from services.delivery.domain import (
    NonConformanceStatus,
    check_closable,
    transition_non_conformance,
)
from services.delivery.models import NonConformance, QualityCheck
from services.delivery.schemas import (
    NonConformanceQueryArgsSchema,
    NonConformanceSchema,
    NonConformanceUpdateSchema,
    QualityCheckSchema,
)
from shared.db import utcnow
from shared.http.auth import STAFF, roles_required
from shared.http.requests import (
    check_if_match,
    db_session,
    etag,
    filter_by,
    get_or_404,
    page_of,
    paginate,
)

quality_checks = Blueprint(
    "quality_checks", __name__, url_prefix="/quality-checks", description="Quality checks"
)
non_conformances = Blueprint(
    "non_conformances",
    __name__,
    url_prefix="/non-conformances",
    description="Non-conformances opened by failed checks",
)

EDITABLE_FIELDS = ("severity", "description", "corrective_action", "preventive_action", "owner")


@quality_checks.route("/<uuid:check_id>")
class QualityChecksById(MethodView):
    @roles_required(*STAFF)
    @quality_checks.response(200, QualityCheckSchema)
    def get(self, check_id):
        """Read a quality check with its answered checklist"""
        check = get_or_404(db_session(), QualityCheck, check_id, "quality check")
        return with_non_conformance_ids([check])[0]


@non_conformances.route("")
class NonConformances(MethodView):
    @roles_required(*STAFF)
    @non_conformances.arguments(NonConformanceQueryArgsSchema, location="query")
    @non_conformances.response(200, page_of(NonConformanceSchema))
    def get(self, args):
        """List non-conformances, by order, deliverable and status"""
        query = sa.select(NonConformance).order_by(NonConformance.opened_at.desc())
        query = filter_by(
            query,
            args,
            NonConformance.order_id,
            NonConformance.deliverable_id,
            NonConformance.status,
        )
        return paginate(db_session(), query, args)


@non_conformances.route("/<uuid:non_conformance_id>")
class NonConformancesById(MethodView):
    @roles_required(*STAFF)
    @non_conformances.response(200, NonConformanceSchema)
    def get(self, non_conformance_id):
        """Read a non-conformance"""
        row = get_or_404(db_session(), NonConformance, non_conformance_id, "non-conformance")
        return row, {"ETag": etag(row.version)}

    @roles_required("quality", "manager")
    @non_conformances.arguments(NonConformanceUpdateSchema)
    @non_conformances.response(200, NonConformanceSchema)
    def patch(self, data, non_conformance_id):
        """Record actions and owner, or move the status (closing needs the actions)"""
        session = db_session()
        row = get_or_404(session, NonConformance, non_conformance_id, "non-conformance")
        check_if_match(row.version)
        current = {field: getattr(row, field) for field in EDITABLE_FIELDS}
        with rules_as_problems():
            updated = NonConformanceRule(
                **{**current, **{k: v for k, v in data.items() if k != "status"}},
                status=row.status,
            )
            if "status" in data and data["status"] != row.status:
                updated = transition_non_conformance(updated, data["status"])
            elif updated.status is NonConformanceStatus.CLOSED:
                check_closable(updated)  # an edit must not undo what closing it required
        for field in EDITABLE_FIELDS:
            setattr(row, field, str(getattr(updated, field)))
        if updated.status != row.status:
            row.closed_at = utcnow() if updated.status is NonConformanceStatus.CLOSED else None
            row.status = updated.status.value
        session.flush()
        return row, {"ETag": etag(row.version)}

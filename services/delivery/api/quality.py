"""Quality checks once recorded, and the non-conformances failed checks open."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery.domain.status import NON_CONFORMANCE_STATUS
from services.delivery.models import NonConformance
from services.delivery.schemas import (
    NonConformanceQueryArgsSchema,
    NonConformanceSchema,
    NonConformanceUpdateSchema,
    QualityCheckSchema,
)
from services.delivery.usecases.quality import (
    all_non_conformances,
    find_non_conformance,
    quality_check,
    update_non_conformance,
)
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.requests import (
    db_session,
    etag,
    filter_by,
    if_match,
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


@quality_checks.route("/<uuid:check_id>")
class QualityChecksById(MethodView):
    @roles_required(*STAFF)
    @quality_checks.response(200, QualityCheckSchema)
    def get(self, check_id):
        """Read a quality check with its answered checklist"""
        return quality_check(db_session(), check_id)


@non_conformances.route("")
class NonConformances(MethodView):
    @roles_required(*STAFF)
    @non_conformances.arguments(NonConformanceQueryArgsSchema, location="query")
    @non_conformances.response(200, page_of(NonConformanceSchema))
    def get(self, args):
        """List non-conformances, by order, deliverable and status"""
        query = filter_by(
            all_non_conformances(),
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
        row = find_non_conformance(db_session(), non_conformance_id)
        return row, {"ETag": etag(row.version)}

    @roles_required(*NON_CONFORMANCE_STATUS.roles_for("close"))
    @non_conformances.arguments(NonConformanceUpdateSchema)
    @non_conformances.response(200, NonConformanceSchema)
    def patch(self, data, non_conformance_id):
        """Record actions and owner, or move the status (closing needs the actions)"""
        row = update_non_conformance(
            db_session(), non_conformance_id, data, current_principal(), if_match()
        )
        return row, {"ETag": etag(row.version)}

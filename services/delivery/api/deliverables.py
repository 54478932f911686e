"""Deliverables, and the quality checks an inspector records against them."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery.api.support import READERS
from services.delivery.domain.status import DELIVERABLE_STATUS
from services.delivery.models import Deliverable
from services.delivery.schemas import (
    DeliverableQueryArgsSchema,
    DeliverableSchema,
    QualityCheckCreateSchema,
    QualityCheckSchema,
)
from services.delivery.usecases.deliverables import deliverables_visible_to, readable_deliverable
from services.delivery.usecases.quality import checks_of_deliverable, inspect_deliverable
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, filter_by, page_of, paginate

blp = Blueprint(
    "deliverables", __name__, url_prefix="/deliverables", description="Deliverables and QC"
)


@blp.route("")
class Deliverables(MethodView):
    @roles_required(*READERS)
    @blp.arguments(DeliverableQueryArgsSchema(), location="query")
    @blp.response(200, page_of(DeliverableSchema))
    def get(self, args):
        """List deliverables, by order and status (customers see their own)"""
        query = deliverables_visible_to(current_principal())
        query = filter_by(query, args, Deliverable.order_id, Deliverable.status)
        return paginate(db_session(), query, args)


@blp.route("/<uuid:deliverable_id>")
class DeliverablesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, DeliverableSchema)
    def get(self, deliverable_id):
        """Read a deliverable with its acceptance criteria"""
        deliverable = readable_deliverable(db_session(), deliverable_id, current_principal())
        return deliverable, {"ETag": etag(deliverable.version)}


@blp.route("/<uuid:deliverable_id>/quality-checks")
class DeliverableQualityChecks(MethodView):
    @roles_required(*DELIVERABLE_STATUS.roles_for("pass_check"))
    @idempotent
    @blp.arguments(QualityCheckCreateSchema())
    @blp.response(201, QualityCheckSchema)
    def post(self, data, deliverable_id):
        """Inspect a deliverable: answer its checklist; any failure opens a non-conformance"""
        check = inspect_deliverable(db_session(), deliverable_id, data, current_principal())
        return check, {"Location": f"/quality-checks/{check.id}"}

    @roles_required(*STAFF)
    @blp.response(200, QualityCheckSchema(many=True))
    def get(self, deliverable_id):
        """Every inspection of a deliverable, oldest first"""
        return checks_of_deliverable(db_session(), deliverable_id, current_principal())

"""Traceability: from each requirement to its plan tasks, deliverable and accepted criteria."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.schemas import TraceabilitySchema
from services.orders.usecases.traceability import traceability
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.requests import db_session

blp = Blueprint(
    "traceability",
    __name__,
    url_prefix="/orders/<uuid:order_id>/traceability",
    description="Requirement to task, deliverable, quality and acceptance",
)


@blp.route("")
class Traceability(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, TraceabilitySchema)
    def get(self, order_id):
        """Each requirement with its plan tasks, deliverable, quality status and acceptance"""
        return traceability(db_session(), order_id, current_principal())

"""Plans: one per confirmed order."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.models import Plan
from services.planning.schemas import PlanQueryArgsSchema, PlanSchema
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session, etag, get_or_404, page_of, paginate

blp = Blueprint("plans", __name__, url_prefix="/plans", description="Project plans")


@blp.route("")
class Plans(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(PlanQueryArgsSchema, location="query")
    @blp.response(200, page_of(PlanSchema))
    def get(self, args):
        """List plans, e.g. the plan of one order"""
        query = sa.select(Plan).order_by(Plan.created_at.desc())
        if "order_id" in args:
            query = query.where(Plan.order_id == args["order_id"])
        if "status" in args:
            query = query.where(Plan.status == args["status"])
        return paginate(db_session(), query, args)


@blp.route("/<uuid:plan_id>")
class PlansById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        """Read a plan"""
        plan = get_or_404(db_session(), Plan, plan_id, "plan")
        return plan, {"ETag": etag(plan.version)}

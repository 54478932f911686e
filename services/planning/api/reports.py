"""Pictures and reports of a plan: the Gantt chart and the status report."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api.support import READERS, today
from services.planning.schemas import GanttArgsSchema, ReportArgsSchema, ReportSchema
from services.planning.usecases.reports import gantt_chart, status_report
from shared.http.auth import roles_required
from shared.http.requests import db_session

blp = Blueprint("reports", __name__, url_prefix="/plans", description="Gantt chart and report")


@blp.route("/<uuid:plan_id>/gantt.svg")
class PlanGantt(MethodView):
    @roles_required(*READERS)
    @blp.arguments(GanttArgsSchema(), location="query")
    @blp.response(200, content_type="image/svg+xml")
    def get(self, args, plan_id):
        """The Gantt chart: WBS rows, progress, critical path, links, milestones, baseline, today"""
        svg = gantt_chart(
            db_session(),
            plan_id,
            args["baseline"],
            args["today"] or today(),
            show_resources=args["resources"],
        )
        return Response(svg, mimetype="image/svg+xml")


@blp.route("/<uuid:plan_id>/report")
class PlanReport(MethodView):
    @roles_required(*READERS)
    @blp.arguments(ReportArgsSchema(), location="query")
    @blp.response(200, ReportSchema)
    def get(self, args, plan_id):
        """Progress, earned value, critical path, top risks, milestones and slip"""
        return status_report(db_session(), plan_id, args["as_of"] or today())

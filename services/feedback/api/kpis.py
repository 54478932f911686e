"""KPIs across orders, by month and by customer, with a trend and a chart."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.schemas import (
    KpiQueryArgsSchema,
    KpiReportSchema,
    MonthKpisSchema,
    TrendQueryArgsSchema,
)
from services.feedback.usecases.orders import kpi_chart, kpi_months, kpi_report
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session

SVG = "image/svg+xml"

blp = Blueprint("kpis", __name__, url_prefix="/kpis", description="Order KPIs")


@blp.route("")
class Kpis(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(KpiQueryArgsSchema(), location="query")
    @blp.response(200, KpiReportSchema)
    def get(self, args):
        """KPIs of all orders, by creation month and by customer"""
        return kpi_report(
            db_session(), args.get("customer_id"), args.get("from_month"), args.get("to_month")
        )


@blp.route("/trend")
class KpiTrend(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(TrendQueryArgsSchema(), location="query")
    @blp.response(200, MonthKpisSchema(many=True))
    def get(self, args):
        """KPIs of the orders created in each of the last months, oldest first"""
        return kpi_months(db_session(), args["months"], args.get("customer_id"))


@blp.route("/chart.svg")
class KpiChart(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(TrendQueryArgsSchema(), location="query")
    @blp.doc(
        responses={"200": {"description": "The KPI dashboard", "content": {"image/svg+xml": {}}}}
    )
    def get(self, args):
        """The KPI dashboard as an SVG image"""
        svg = kpi_chart(db_session(), args["months"], args.get("customer_id"))
        return Response(svg, mimetype=SVG, headers={"Cache-Control": "no-store"})

"""KPIs across orders, by month and by customer, with a trend and a chart."""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.domain import (
    OrderFacts,
    compute_kpis,
    kpi_trend,
    recent_months,
    render_kpi_chart,
)
from services.feedback.models import Customer, Order
from services.feedback.readmodel import customer_names, facts_of
from services.feedback.schemas import (
    KpiQueryArgsSchema,
    KpiReportSchema,
    MonthKpisSchema,
    TrendQueryArgsSchema,
)
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session

SVG = "image/svg+xml"

blp = Blueprint("kpis", __name__, url_prefix="/kpis", description="Order KPIs")


def order_facts(customer_id=None) -> list[OrderFacts]:
    query = sa.select(Order)
    if customer_id is not None:
        query = query.where(Order.customer_id == customer_id)
    return [facts_of(order) for order in db_session().scalars(query)]


def trend(args) -> list:
    months = recent_months(datetime.now(UTC).date(), args["months"])
    return kpi_trend(order_facts(args.get("customer_id")), months)


@blp.route("")
class Kpis(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(KpiQueryArgsSchema, location="query")
    @blp.response(200, KpiReportSchema)
    def get(self, args):
        """KPIs of all orders, by creation month and by customer"""
        facts = [
            order
            for order in order_facts(args.get("customer_id"))
            if order.month
            and args.get("from_month", order.month) <= order.month <= args.get("to_month", "9999")
        ]
        by_customer = compute_kpis(facts, group_by="customer")
        known = [uuid.UUID(key) for key in by_customer if key]
        names = {str(key): name for key, name in customer_names(db_session(), known).items()}
        return {
            "overall": compute_kpis(facts),
            "by_month": [
                {"month": month, "kpis": kpis}
                for month, kpis in compute_kpis(facts, group_by="month").items()
            ],
            "by_customer": [
                {
                    "customer_id": key,
                    "customer_name": names.get(key),
                    "kpis": kpis,
                }
                for key, kpis in by_customer.items()
            ],
        }


@blp.route("/trend")
class KpiTrend(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(TrendQueryArgsSchema, location="query")
    @blp.response(200, MonthKpisSchema(many=True))
    def get(self, args):
        """KPIs of the orders created in each of the last months, oldest first"""
        return trend(args)


@blp.route("/chart.svg")
class KpiChart(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(TrendQueryArgsSchema, location="query")
    @blp.doc(
        responses={"200": {"description": "The KPI dashboard", "content": {"image/svg+xml": {}}}}
    )
    def get(self, args):
        """The KPI dashboard as an SVG image"""
        title = "Delivery performance"
        if "customer_id" in args:
            customer = db_session().get(Customer, args["customer_id"])
            title = f"Delivery performance: {customer.name if customer else 'one customer'}"
        svg = render_kpi_chart(trend(args), title=title)
        return Response(svg, mimetype=SVG, headers={"Cache-Control": "no-store"})

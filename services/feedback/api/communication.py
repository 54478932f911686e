"""Communication KPIs: meetings held vs planned, action items closed on time, status reports
per active order-week."""

from datetime import date

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.schemas import CommunicationKpiArgsSchema, CommunicationKpisSchema
from services.feedback.usecases.communication import communication_report
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session

blp = Blueprint(
    "communication_kpis", __name__, url_prefix="/kpis", description="Communication KPIs"
)


@blp.route("/communication")
class CommunicationKpis(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(CommunicationKpiArgsSchema(), location="query")
    @blp.response(200, CommunicationKpisSchema)
    def get(self, args):
        """Meetings held vs planned, action items closed on time, reports per order-week"""
        return communication_report(db_session(), date.today(), args.get("customer_id"))

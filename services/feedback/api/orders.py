"""The service's read model of an order, for checking what it learned from events."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.domain.kpis import status_history
from services.feedback.models import Customer, Order
from services.feedback.readmodel import facts_of
from services.feedback.schemas import OrderViewSchema
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session, get_or_404

blp = Blueprint(
    "orders", __name__, url_prefix="/orders", description="Orders as the feedback service sees them"
)


@blp.route("/<uuid:order_id>")
class OrdersById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, OrderViewSchema)
    def get(self, order_id):
        """Read an order as folded from events: contact, number, due date, status history"""
        session = db_session()
        order = get_or_404(session, Order, order_id, "order")
        customer = session.get(Customer, order.customer_id) if order.customer_id else None
        facts = facts_of(order)
        return {
            "id": order.id,
            "number": order.number,
            "title": order.title,
            "customer_id": order.customer_id,
            "customer_name": customer.name if customer else None,
            "customer_email": customer.email if customer else None,
            "status": order.status,
            "due_date": order.due_date,
            "plan_health": order.plan_health,
            "work_completed_on": order.work_completed_on,
            "failed_quality_checks": len(order.failed_check_ids),
            "change_requests": facts.change_request_count,
            "schedule_slip_days": facts.schedule_slip_days,
            "status_history": [
                {"status": status, "since": since} for status, since in status_history(facts)
            ],
        }

"""The service's read model of an order, for checking what it learned from events."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.schemas import OrderViewSchema
from services.feedback.usecases.orders import order_view
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session

blp = Blueprint(
    "orders", __name__, url_prefix="/orders", description="Orders as the feedback service sees them"
)


@blp.route("/<uuid:order_id>")
class OrdersById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, OrderViewSchema)
    def get(self, order_id):
        """Read an order as folded from events: contact, number, due date, status history"""
        return order_view(db_session(), order_id)

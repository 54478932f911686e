"""Orders: create, read, list, update, cancel, hold, resume, close, and the timeline."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import roles_for, with_etag
from services.orders.schemas import (
    CancelSchema,
    CommentSchema,
    OrderCreateSchema,
    OrderQueryArgsSchema,
    OrderSchema,
    OrderUpdateSchema,
    TimelineEntrySchema,
)
from services.orders.usecases.orders import (
    cancel_order,
    close_order,
    create_order,
    hold_order,
    orders_query,
    readable_order,
    resume_order,
    update_order,
)
from services.orders.usecases.timeline import timeline_of
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.contract import if_match_optional
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, if_match, page_of, paginate

blp = Blueprint("orders", __name__, url_prefix="/orders", description="Customer orders")


@blp.route("")
class Orders(MethodView):
    @roles_required("sales", "manager")
    @idempotent
    @blp.arguments(OrderCreateSchema())  # one instance: a class is instantiated per request
    @blp.response(201, OrderSchema)
    def post(self, data):
        """Create a draft order for a customer"""
        order = create_order(db_session(), data, current_principal())
        return order, {"Location": f"/orders/{order.id}", "ETag": etag(order.version)}

    @roles_required(*STAFF, "customer")
    @blp.arguments(OrderQueryArgsSchema(), location="query")
    @blp.response(200, page_of(OrderSchema))
    def get(self, args):
        """List orders by status, customer, priority, due date or text (customers see their own)"""
        return paginate(db_session(), orders_query(args, current_principal()), args)


@blp.route("/<uuid:order_id>")
class OrdersById(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, OrderSchema)
    def get(self, order_id):
        """Read an order"""
        order = readable_order(db_session(), order_id, current_principal())
        return with_etag(order)

    @roles_for("update")
    @blp.arguments(OrderUpdateSchema())
    @blp.response(200, OrderSchema)
    def patch(self, data, order_id):
        """Update an order while it is a draft or in review (If-Match)"""
        order = update_order(db_session(), order_id, data, current_principal(), if_match())
        return with_etag(order)


@blp.route("/<uuid:order_id>/cancel")
class OrderCancellation(MethodView):
    @roles_for("cancel")
    @blp.arguments(CancelSchema())
    @blp.response(200, OrderSchema)
    @if_match_optional
    def post(self, data, order_id):
        """Cancel an order with a reason (sales only before confirmation)"""
        order = cancel_order(
            db_session(), order_id, data["reason"], current_principal(), if_match(required=False)
        )
        return with_etag(order)


@blp.route("/<uuid:order_id>/hold")
class OrderHold(MethodView):
    @roles_for("hold")
    @blp.arguments(CommentSchema())
    @blp.response(200, OrderSchema)
    @if_match_optional
    def post(self, data, order_id):
        """Put an order in progress on hold"""
        order = hold_order(
            db_session(), order_id, data.get("comment"), current_principal(), if_match(False)
        )
        return with_etag(order)


@blp.route("/<uuid:order_id>/resume")
class OrderResume(MethodView):
    @roles_for("resume")
    @blp.arguments(CommentSchema())
    @blp.response(200, OrderSchema)
    @if_match_optional
    def post(self, data, order_id):
        """Resume an order on hold, to where the deliveries heard meanwhile have brought it"""
        order = resume_order(
            db_session(), order_id, data.get("comment"), current_principal(), if_match(False)
        )
        return with_etag(order)


@blp.route("/<uuid:order_id>/close")
class OrderClosing(MethodView):
    @roles_for("close")
    @blp.arguments(CommentSchema())
    @blp.response(200, OrderSchema)
    @if_match_optional
    def post(self, data, order_id):
        """Close an accepted order without waiting for the retrospective"""
        order = close_order(
            db_session(), order_id, data.get("comment"), current_principal(), if_match(False)
        )
        return with_etag(order)


@blp.route("/<uuid:order_id>/timeline")
class OrderTimeline(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, TimelineEntrySchema(many=True))
    def get(self, order_id):
        """Every event about the order, from every service, oldest first"""
        return timeline_of(db_session(), order_id, current_principal())

"""Orders: create, read, list, update, cancel, hold, resume, close, and the timeline."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import (
    act,
    actor,
    allow,
    readable_order,
)
from services.orders.domain.status import order_number
from services.orders.models import Customer, Order, OrderNumberSequence, TimelineEntry
from services.orders.progress import settle
from services.orders.requirements import money
from services.orders.schemas import (
    CancelSchema,
    CommentSchema,
    OrderCreateSchema,
    OrderQueryArgsSchema,
    OrderSchema,
    OrderUpdateSchema,
    TimelineEntrySchema,
)
from services.orders.timeline import publish
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import check_if_match, db_session, etag, filter_by, page_of, paginate

blp = Blueprint("orders", __name__, url_prefix="/orders", description="Customer orders")


def next_order_number(session, year: int) -> str:
    sequence = session.get(OrderNumberSequence, year, with_for_update=True)
    if sequence is None:
        sequence = OrderNumberSequence(year=year, last=0)
        session.add(sequence)
    sequence.last += 1
    return order_number(year, sequence.last)


def set_value(order: Order, value: dict | None) -> None:
    if value is None:
        order.value_amount = None
    else:
        order.value_amount, order.currency = value["amount"], value["currency"]


def search(query: sa.Select, args: dict) -> sa.Select:
    """Narrow an order query by the list filters."""
    query = filter_by(query, args, Order.status, Order.priority, Order.customer_id)
    if "due_before" in args:
        query = query.where(Order.due_date <= args["due_before"])
    if "due_after" in args:
        query = query.where(Order.due_date >= args["due_after"])
    query = filter_by(query, args, Order.at_risk)
    if "q" in args:
        pattern = f"%{args['q'].lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Order.title).like(pattern),
                sa.func.lower(Order.number).like(pattern),
                sa.func.lower(Order.description).like(pattern),
            )
        )
    return query


@blp.route("")
class Orders(MethodView):
    @roles_required("sales", "manager")
    @idempotent
    @blp.arguments(OrderCreateSchema)
    @blp.response(201, OrderSchema)
    def post(self, data):
        """Create a draft order for a customer"""
        session = db_session()
        if session.get(Customer, data["customer_id"]) is None:
            raise Problem(422, "The customer does not exist.", errors={"customer_id": ["Unknown."]})
        value = data.pop("value")
        order = Order(**data, number=next_order_number(session, datetime.now(UTC).year))
        set_value(order, value)
        session.add(order)
        session.flush()
        publish(
            session,
            "ordo.order.created",
            {
                "order_id": order.id,
                "version": order.version,
                "number": order.number,
                "customer_id": order.customer_id,
                "title": order.title,
                "priority": order.priority,
                "due_date": order.due_date,
                "value": money(order),
            },
        )
        return order, {"Location": f"/orders/{order.id}", "ETag": etag(order.version)}

    @roles_required(*STAFF, "customer")
    @blp.arguments(OrderQueryArgsSchema, location="query")
    @blp.response(200, page_of(OrderSchema))
    def get(self, args):
        """List orders by status, customer, priority, due date or text (customers see their own)"""
        query = sa.select(Order).order_by(Order.created_at.desc(), Order.number.desc())
        principal = current_principal()
        if principal.is_customer:
            query = query.where(Order.customer_id == principal.customer_id)
        return paginate(db_session(), search(query, args), args)


@blp.route("/<uuid:order_id>")
class OrdersById(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, OrderSchema)
    def get(self, order_id):
        """Read an order"""
        order = readable_order(order_id)
        return order, {"ETag": etag(order.version)}

    @roles_required("sales", "manager")
    @blp.arguments(OrderUpdateSchema)
    @blp.response(200, OrderSchema)
    def patch(self, data, order_id):
        """Update an order while it is a draft or in review (If-Match)"""
        order = readable_order(order_id)
        check_if_match(order.version)
        act(order, "update")
        if "value" in data:
            set_value(order, data.pop("value"))
        for name, value in data.items():
            setattr(order, name, value)
        db_session().flush()
        return order, {"ETag": etag(order.version)}


@blp.route("/<uuid:order_id>/cancel")
class OrderCancellation(MethodView):
    @roles_required("sales", "manager")
    @blp.arguments(CancelSchema)
    @blp.response(200, OrderSchema)
    def post(self, data, order_id):
        """Cancel an order with a reason (sales only before confirmation)"""
        order = readable_order(order_id)
        check_if_match(order.version, required=False)
        previous = order.status
        cancelled = allow(order, "cancel")  # 409 first: no one may cancel a closed order
        if previous not in ("draft", "submitted") and not current_principal().has_any(("manager",)):
            raise Problem(403, "Only a manager cancels a confirmed order.", title="Forbidden")
        order.status = cancelled
        order.status_reason = data["reason"]
        db_session().flush()
        publish(
            db_session(),
            "ordo.order.cancelled",
            {
                "order_id": order.id,
                "version": order.version,
                "reason": data["reason"],
                "previous_status": previous,
            },
        )
        return order, {"ETag": etag(order.version)}


def _manager_action(blueprint_path: str, action: str, summary: str, schema=CommentSchema):
    """A manager's action that moves the order and keeps the comment as the status reason."""

    @roles_required("manager")
    @blp.arguments(schema)
    @blp.response(200, OrderSchema)
    def post(self, data, order_id):
        order = readable_order(order_id)
        check_if_match(order.version, required=False)
        act(order, action)
        order.status_reason = data.get("comment") or None
        db_session().flush()
        return order, {"ETag": etag(order.version)}

    post.__doc__ = summary
    view = type(f"Order{action.title()}", (MethodView,), {"post": post})
    blp.route(blueprint_path)(view)
    return view


OrderHold = _manager_action("/<uuid:order_id>/hold", "hold", "Put an order in progress on hold")


@blp.route("/<uuid:order_id>/resume")
class OrderResume(MethodView):
    @roles_required("manager")
    @blp.arguments(CommentSchema)
    @blp.response(200, OrderSchema)
    def post(self, data, order_id):
        """Resume an order on hold, to where the deliveries heard meanwhile have brought it"""
        order = readable_order(order_id)
        check_if_match(order.version, required=False)
        act(order, "resume")
        order.status_reason = data.get("comment") or None
        settle(db_session(), order)
        db_session().flush()
        return order, {"ETag": etag(order.version)}


@blp.route("/<uuid:order_id>/close")
class OrderClosing(MethodView):
    @roles_required("manager")
    @blp.arguments(CommentSchema)
    @blp.response(200, OrderSchema)
    def post(self, data, order_id):
        """Close an accepted order without waiting for the retrospective"""
        order = readable_order(order_id)
        check_if_match(order.version, required=False)
        act(order, "close")
        order.closed_at = datetime.now(UTC)
        order.status_reason = data.get("comment") or f"Closed by {actor()}"
        db_session().flush()
        publish(
            db_session(),
            "ordo.order.closed",
            {"order_id": order.id, "version": order.version, "closed_by": "manager"},
        )
        return order, {"ETag": etag(order.version)}


@blp.route("/<uuid:order_id>/timeline")
class OrderTimeline(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, TimelineEntrySchema(many=True))
    def get(self, order_id):
        """Every event about the order, from every service, oldest first"""
        readable_order(order_id)
        query = (
            sa.select(TimelineEntry)
            .where(TimelineEntry.order_id == order_id)
            .order_by(TimelineEntry.occurred_at, TimelineEntry.event_id)
        )
        return db_session().scalars(query).all()

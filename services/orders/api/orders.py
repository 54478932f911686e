"""Orders: create, read, list, confirm, and the order timeline."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.domain import TransitionNotAllowed, next_status, order_number
from services.orders.models import Customer, Order, OrderNumberSequence, TimelineEntry
from services.orders.schemas import (
    OrderCreateSchema,
    OrderQueryArgsSchema,
    OrderSchema,
    TimelineEntrySchema,
)
from shared.events.outbox import record
from shared.http.auth import STAFF, current_principal, require_customer_access, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, get_or_404, page_of, paginate

blp = Blueprint("orders", __name__, url_prefix="/orders", description="Customer orders")


def money(order: Order) -> dict | None:
    if order.value_amount is None:
        return None
    return {"amount": order.value_amount, "currency": order.currency}


def next_order_number(session, year: int) -> str:
    sequence = session.get(OrderNumberSequence, year, with_for_update=True)
    if sequence is None:
        sequence = OrderNumberSequence(year=year, last=0)
        session.add(sequence)
    sequence.last += 1
    return order_number(year, sequence.last)


def readable_order(order_id) -> Order:
    """The order, if the caller may see it."""
    order = get_or_404(db_session(), Order, order_id, "order")
    require_customer_access(order.customer_id)
    return order


def transition(order: Order, action: str) -> None:
    try:
        order.status = next_status(order.status, action)
    except TransitionNotAllowed as refused:
        raise Problem(
            409,
            str(refused),
            current_status=refused.status,
            allowed_actions=refused.allowed_actions,
        ) from None


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
        if value:
            order.value_amount, order.currency = value["amount"], value["currency"]
        session.add(order)
        session.flush()
        record(
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
        """List orders (customers see their own)"""
        query = sa.select(Order).order_by(Order.created_at.desc(), Order.number.desc())
        principal = current_principal()
        if principal.is_customer:
            query = query.where(Order.customer_id == principal.customer_id)
        if "status" in args:
            query = query.where(Order.status == args["status"])
        if "customer_id" in args:
            query = query.where(Order.customer_id == args["customer_id"])
        return paginate(db_session(), query, args)


@blp.route("/<uuid:order_id>")
class OrdersById(MethodView):
    @roles_required(*STAFF, "customer")
    @blp.response(200, OrderSchema)
    def get(self, order_id):
        """Read an order"""
        order = readable_order(order_id)
        return order, {"ETag": etag(order.version)}


@blp.route("/<uuid:order_id>/confirm")
class OrderConfirmation(MethodView):
    @roles_required("manager")
    @blp.response(200, OrderSchema)
    def post(self, order_id):
        """Confirm a draft order (temporary shortcut until the review flow)"""
        session = db_session()
        order = get_or_404(session, Order, order_id, "order")
        transition(order, "confirm")
        order.confirmed_at = datetime.now(UTC)
        session.flush()
        record(
            session,
            "ordo.order.confirmed",
            {
                "order_id": order.id,
                "version": order.version,
                "number": order.number,
                "customer_id": order.customer_id,
                "title": order.title,
                "priority": order.priority,
                "due_date": order.due_date,
                "value": money(order),
                "confirmed_at": order.confirmed_at,
                "requirements": [],
            },
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

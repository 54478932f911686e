"""Change requests on confirmed, in-progress or delivered orders: request, approve, reject."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import act, actor, readable_order
from services.orders.domain.changes import ChangeRefused, check_changes, new_due_date, new_value
from services.orders.models import ChangeRequest, Order, Requirement
from services.orders.requirements import (
    live_requirements,
    money,
    new_requirement,
    remove,
    requirement_payload,
    revise,
    unknown_criteria,
)
from services.orders.schemas import (
    ChangeRequestCreateSchema,
    ChangeRequestQueryArgsSchema,
    ChangeRequestSchema,
    CommentSchema,
)
from services.orders.timeline import publish
from shared.events.envelope import to_primitives
from shared.http.auth import STAFF, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import check_if_match, db_session, etag, filter_by, page_of, paginate

blp = Blueprint(
    "change_requests",
    __name__,
    url_prefix="/orders/<uuid:order_id>/change-requests",
    description="Change requests: requirement delta, schedule and cost impact",
)


def refused(error: ChangeRefused) -> Problem:
    return Problem(422, str(error), errors=error.errors)


def check_against(order: Order, request: dict) -> None:
    """Refuse (422) a change the order's requirements, criteria, due date or value do not allow."""
    changes, cost_impact = request["changes"], request["cost_impact"]
    live = {requirement.id: requirement for requirement in live_requirements(order)}
    try:
        check_changes(changes, live)
        new_due_date(order.due_date, request["schedule_impact_days"])
        new_value(
            order.value_amount, order.currency, cost_impact["amount"], cost_impact["currency"]
        )
    except ChangeRefused as error:
        raise refused(error) from None
    unknown = {
        str(index): [f"Unknown criterion {i}." for i in ids]
        for index, change in enumerate(changes)
        if change["requirement"]
        and (
            ids := unknown_criteria(
                live.get(change["requirement_id"]), change["requirement"]["acceptance_criteria"]
            )
        )
    }
    if unknown:
        raise Problem(422, "Some criterion ids do not belong to their requirement.", errors=unknown)


def change_request_of(order: Order, change_request_id) -> ChangeRequest:
    change = db_session().get(ChangeRequest, change_request_id)
    if change is None or change.order_id != order.id:
        raise Problem(404, f"Order {order.id} has no change request {change_request_id}.")
    return change


def pending_change(order: Order, change_request_id) -> ChangeRequest:
    """The change request awaiting a decision (If-Match optional), or 409 if it was decided."""
    change = change_request_of(order, change_request_id)
    check_if_match(change.version, required=False)
    if change.status != "pending":
        raise Problem(
            409, f"This change request is already {change.status}.", current_status=change.status
        )
    return change


def decide(change: ChangeRequest, status: str, comment: str | None) -> None:
    change.status, change.decided_by = status, actor()
    change.decided_at, change.decision_comment = datetime.now(UTC), comment or None


@blp.route("")
class ChangeRequests(MethodView):
    @roles_required("sales", "manager", "planner")
    @idempotent
    @blp.arguments(ChangeRequestCreateSchema)
    @blp.response(201, ChangeRequestSchema)
    def post(self, data, order_id):
        """Request a change to a confirmed, in-progress or delivered order"""
        order = readable_order(order_id)
        act(order, "request_change")
        check_against(order, data)
        change = ChangeRequest(
            order_id=order.id,
            changes=to_primitives({"changes": data["changes"]})["changes"],
            schedule_impact_days=data["schedule_impact_days"],
            cost_impact_amount=data["cost_impact"]["amount"],
            cost_impact_currency=data["cost_impact"]["currency"],
            reason=data["reason"],
            requested_by=actor(),
        )
        session = db_session()
        session.add(change)
        session.flush()
        location = f"/orders/{order_id}/change-requests/{change.id}"
        return change, {"Location": location, "ETag": etag(change.version)}

    @roles_required(*STAFF)
    @blp.arguments(ChangeRequestQueryArgsSchema, location="query")
    @blp.response(200, page_of(ChangeRequestSchema))
    def get(self, args, order_id):
        """List the order's change requests, newest first"""
        readable_order(order_id)
        query = (
            sa.select(ChangeRequest)
            .where(ChangeRequest.order_id == order_id)
            .order_by(ChangeRequest.created_at.desc())
        )
        query = filter_by(query, args, ChangeRequest.status)
        return paginate(db_session(), query, args)


@blp.route("/<uuid:change_request_id>")
class ChangeRequestsById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, ChangeRequestSchema)
    def get(self, order_id, change_request_id):
        """Read a change request"""
        change = change_request_of(readable_order(order_id), change_request_id)
        return change, {"ETag": etag(change.version)}


@blp.route("/<uuid:change_request_id>/approve")
class ChangeRequestApproval(MethodView):
    @roles_required("manager")
    @blp.arguments(CommentSchema)
    @blp.response(200, ChangeRequestSchema)
    def post(self, data, order_id, change_request_id):
        """Approve: apply the requirement changes, move due date and value, tell the others"""
        order = readable_order(order_id)
        change = pending_change(order, change_request_id)
        act(order, "decide_change")
        loaded = ChangeRequestCreateSchema().load(
            {
                "changes": change.changes,
                "schedule_impact_days": change.schedule_impact_days,
                "cost_impact": {
                    "amount": str(change.cost_impact_amount),
                    "currency": change.cost_impact_currency,
                },
                "reason": change.reason,
            }
        )
        check_against(order, loaded)
        session = db_session()
        applied = [apply_change(session, order, item, change) for item in loaded["changes"]]
        order.due_date = new_due_date(order.due_date, change.schedule_impact_days)
        order.value_amount = new_value(
            order.value_amount, order.currency, change.cost_impact_amount, order.currency
        )
        order.updated_at = datetime.now(UTC)  # a new order version even if only requirements change
        decide(change, "approved", data.get("comment"))
        session.flush()
        publish(
            session,
            "ordo.order.change_approved",
            {
                "order_id": order.id,
                "version": order.version,
                "change_request_id": change.id,
                "changes": applied,
                "schedule_impact_days": change.schedule_impact_days,
                "cost_impact": {
                    "amount": change.cost_impact_amount,
                    "currency": change.cost_impact_currency,
                },
                "new_due_date": order.due_date,
                "new_value": money(order),
                "reason": change.reason,
            },
        )
        return change, {"ETag": etag(change.version)}


def apply_change(session, order: Order, item: dict, change: ChangeRequest) -> dict:
    """Apply one requirement change; return it as the change_approved event carries it."""
    reason = f"Change request {change.id}: {change.reason}"
    if item["action"] == "add":
        requirement = new_requirement(
            session, order, item["requirement"], "approved", actor(), reason
        )
    else:
        requirement = session.get(Requirement, item["requirement_id"])
        if item["action"] == "modify":
            revise(session, requirement, item["requirement"], actor(), reason)
        else:
            remove(session, requirement, actor(), reason)
    return {
        "action": item["action"],
        "requirement_id": requirement.id,
        "requirement": None if item["action"] == "remove" else requirement_payload(requirement),
    }


@blp.route("/<uuid:change_request_id>/reject")
class ChangeRequestRejection(MethodView):
    @roles_required("manager")
    @blp.arguments(CommentSchema)
    @blp.response(200, ChangeRequestSchema)
    def post(self, data, order_id, change_request_id):
        """Reject a change request; nothing about the order changes"""
        order = readable_order(order_id)
        change = pending_change(order, change_request_id)
        act(order, "decide_change")
        decide(change, "rejected", data.get("comment"))
        db_session().flush()
        return change, {"ETag": etag(change.version)}

"""Change requests on confirmed, in-progress or delivered orders: request, approve, reject."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import roles_for, with_etag
from services.orders.schemas import (
    ChangeImpactSchema,
    ChangeRequestCreateSchema,
    ChangeRequestQueryArgsSchema,
    ChangeRequestSchema,
    CommentSchema,
)
from services.orders.usecases.changes import (
    approve_change,
    change_requests_query,
    complete_change_impact,
    read_change_request,
    reject_change,
    request_change,
)
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.contract import if_match_optional
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, if_match, page_of, paginate

blp = Blueprint(
    "change_requests",
    __name__,
    url_prefix="/orders/<uuid:order_id>/change-requests",
    description="Change requests: requirement delta, schedule and cost impact",
)


@blp.route("")
class ChangeRequests(MethodView):
    @roles_for("request_change")
    @idempotent
    @blp.arguments(ChangeRequestCreateSchema())
    @blp.response(201, ChangeRequestSchema)
    def post(self, data, order_id):
        """Request a change to a confirmed, in-progress or delivered order"""
        change = request_change(db_session(), order_id, data, current_principal())
        location = f"/orders/{order_id}/change-requests/{change.id}"
        return change, {"Location": location, "ETag": etag(change.version)}

    @roles_required(*STAFF)
    @blp.arguments(ChangeRequestQueryArgsSchema(), location="query")
    @blp.response(200, page_of(ChangeRequestSchema))
    def get(self, args, order_id):
        """List the order's change requests, newest first"""
        session = db_session()
        query = change_requests_query(session, order_id, args.get("status"), current_principal())
        return paginate(session, query, args)


@blp.route("/<uuid:change_request_id>")
class ChangeRequestsById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, ChangeRequestSchema)
    def get(self, order_id, change_request_id):
        """Read a change request"""
        change = read_change_request(db_session(), order_id, change_request_id, current_principal())
        return with_etag(change)


@blp.route("/<uuid:change_request_id>/impact")
class ChangeRequestImpact(MethodView):
    @roles_for("request_change")
    @blp.arguments(ChangeImpactSchema())
    @blp.response(200, ChangeRequestSchema)
    @if_match_optional
    def put(self, data, order_id, change_request_id):
        """Complete a pending change request (e.g. the customer's): requirement changes,
        schedule and cost impact"""
        change = complete_change_impact(
            db_session(), order_id, change_request_id, data, current_principal(), if_match(False)
        )
        return with_etag(change)


@blp.route("/<uuid:change_request_id>/approve")
class ChangeRequestApproval(MethodView):
    @roles_for("decide_change")
    @blp.arguments(CommentSchema())
    @blp.response(200, ChangeRequestSchema)
    @if_match_optional
    def post(self, data, order_id, change_request_id):
        """Approve: apply the requirement changes, move due date and value, tell the others"""
        change = approve_change(
            db_session(),
            order_id,
            change_request_id,
            data.get("comment"),
            current_principal(),
            if_match(False),
        )
        return with_etag(change)


@blp.route("/<uuid:change_request_id>/reject")
class ChangeRequestRejection(MethodView):
    @roles_for("decide_change")
    @blp.arguments(CommentSchema())
    @blp.response(200, ChangeRequestSchema)
    @if_match_optional
    def post(self, data, order_id, change_request_id):
        """Reject a change request; nothing about the order changes"""
        change = reject_change(
            db_session(),
            order_id,
            change_request_id,
            data.get("comment"),
            current_principal(),
            if_match(False),
        )
        return with_etag(change)

"""The requirement review: submit, reviewers' decisions, approve or request changes."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import roles_for, settings, with_etag
from services.orders.schemas import (
    ApprovalSchema,
    CommentSchema,
    CustomerReviewCreateSchema,
    OrderSchema,
    ReviewCreateSchema,
    ReviewDecisionSchema,
    ReviewSummarySchema,
)
from services.orders.usecases.reviews import (
    approve_order,
    record_customer_review,
    record_review,
    request_changes,
    review_decisions,
    review_summary,
    submit_order,
)
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.contract import if_match_optional
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, if_match

blp = Blueprint(
    "reviews",
    __name__,
    url_prefix="/orders/<uuid:order_id>",
    description="Requirement review: submit, decide per requirement, approve",
)


@blp.route("/submit")
class OrderSubmission(MethodView):
    @roles_for("submit")
    @blp.response(200, OrderSchema)
    @if_match_optional
    def post(self, order_id):
        """Submit a draft order for review (each requirement needs an acceptance criterion)"""
        order = submit_order(
            db_session(),
            order_id,
            current_principal(),
            if_match(False),
            portal_url=settings().public_base_url,
        )
        return with_etag(order)


@blp.route("/reviews")
class Reviews(MethodView):
    @roles_for("review")
    @idempotent
    @blp.arguments(ReviewCreateSchema())
    @blp.response(201, ReviewDecisionSchema(many=True))
    def post(self, data, order_id):
        """Record a reviewer's decision, with a comment, on requirements of a submitted order"""
        return record_review(db_session(), order_id, data["decisions"], current_principal())

    @roles_required(*STAFF)
    @blp.response(200, ReviewDecisionSchema(many=True))
    def get(self, order_id):
        """Every review decision on the order, all rounds, oldest first"""
        return review_decisions(db_session(), order_id, current_principal())


@blp.route("/customer-review")
class CustomerReview(MethodView):
    @roles_required("customer")
    @blp.arguments(CustomerReviewCreateSchema())
    @blp.response(201, ReviewDecisionSchema(many=True))
    def post(self, data, order_id):
        """The customer agrees to requirements of its submitted order or asks for changes"""
        return record_customer_review(
            db_session(), order_id, data["decisions"], current_principal()
        )


@blp.route("/review-summary")
class ReviewSummary(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, ReviewSummarySchema(many=True))
    def get(self, order_id):
        """Per requirement of the current round: the reviewers' verdict beside the customer's
        decision and comment, and what still blocks approval"""
        return review_summary(db_session(), order_id, current_principal())


@blp.route("/approve")
class OrderApproval(MethodView):
    @roles_for("approve")
    @blp.arguments(ApprovalSchema(), required=False)  # no body: approve as before this wave
    @blp.response(200, OrderSchema)
    @if_match_optional
    def post(self, data, order_id):
        """Approve the review: the order is confirmed and its requirements go to planning.
        Without the customer's agreement the manager gives customer_override_reason"""
        order = approve_order(
            db_session(),
            order_id,
            current_principal(),
            if_match(False),
            data.get("customer_override_reason"),
        )
        return with_etag(order)


@blp.route("/request-changes")
class OrderChangesRequested(MethodView):
    @roles_for("request_changes")
    @blp.arguments(CommentSchema())
    @blp.response(200, OrderSchema)
    @if_match_optional
    def post(self, data, order_id):
        """Send a submitted order back to draft; the reviewers' comments are kept"""
        order = request_changes(
            db_session(), order_id, data.get("comment"), current_principal(), if_match(False)
        )
        return with_etag(order)

"""The requirement review: submit, reviewers' decisions, approve or request changes."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.orders.api.support import act, actor, allow, readable_order
from services.orders.domain.review import Decision, approval_blockers, submission_problems, verdicts
from services.orders.models import Customer, Order, ReviewDecision
from services.orders.requirements import live_requirements, money, requirement_payload
from services.orders.schemas import (
    CommentSchema,
    OrderSchema,
    ReviewCreateSchema,
    ReviewDecisionSchema,
)
from services.orders.timeline import publish
from shared.http.auth import STAFF, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import check_if_match, db_session, etag

blp = Blueprint(
    "reviews",
    __name__,
    url_prefix="/orders/<uuid:order_id>",
    description="Requirement review: submit, decide per requirement, approve",
)


def current_decisions(order: Order) -> list[Decision]:
    query = sa.select(ReviewDecision).where(
        ReviewDecision.order_id == order.id, ReviewDecision.review_round == order.review_round
    )
    return [
        Decision(row.requirement_id, row.reviewer, row.decision, row.decided_at)
        for row in db_session().scalars(query)
    ]


@blp.route("/submit")
class OrderSubmission(MethodView):
    @roles_required("sales", "manager")
    @blp.response(200, OrderSchema)
    def post(self, order_id):
        """Submit a draft order for review (each requirement needs an acceptance criterion)"""
        order = readable_order(order_id)
        check_if_match(order.version, required=False)
        allow(order, "submit")
        requirements = live_requirements(order)
        problems = submission_problems({r.id: len(r.criteria) for r in requirements})
        if problems:
            raise Problem(409, " ".join(problems), title="Conflict", problems=problems)
        act(order, "submit")
        order.review_round += 1
        order.status_reason = None
        for requirement in requirements:
            requirement.status = "in_review"
        db_session().flush()
        publish(
            db_session(),
            "ordo.order.submitted",
            {
                "order_id": order.id,
                "version": order.version,
                "number": order.number,
                "requirement_count": len(requirements),
            },
        )
        return order, {"ETag": etag(order.version)}


@blp.route("/reviews")
class Reviews(MethodView):
    @roles_required("sales", "manager")
    @idempotent
    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, ReviewDecisionSchema(many=True))
    def post(self, data, order_id):
        """Record a reviewer's decision, with a comment, on requirements of a submitted order"""
        order = readable_order(order_id)
        act(order, "review")
        live = {requirement.id for requirement in live_requirements(order)}
        unknown = {
            str(index): [f"The order has no requirement {d['requirement_id']} in review."]
            for index, d in enumerate(data["decisions"])
            if d["requirement_id"] not in live
        }
        if unknown:
            raise Problem(422, "Some decisions name other requirements.", errors=unknown)
        session = db_session()
        decided_at = datetime.now(UTC)
        rows = [
            ReviewDecision(
                order_id=order.id,
                review_round=order.review_round,
                reviewer=actor(),
                decided_at=decided_at,
                **decision,
            )
            for decision in data["decisions"]
        ]
        session.add_all(rows)
        session.flush()
        return rows

    @roles_required(*STAFF)
    @blp.response(200, ReviewDecisionSchema(many=True))
    def get(self, order_id):
        """Every review decision on the order, all rounds, oldest first"""
        readable_order(order_id)
        query = (
            sa.select(ReviewDecision)
            .where(ReviewDecision.order_id == order_id)
            .order_by(ReviewDecision.decided_at, ReviewDecision.id)
        )
        return db_session().scalars(query).all()


@blp.route("/approve")
class OrderApproval(MethodView):
    @roles_required("manager")
    @blp.response(200, OrderSchema)
    def post(self, order_id):
        """Approve the review: the order is confirmed and its requirements go to planning"""
        order = readable_order(order_id)
        check_if_match(order.version, required=False)
        allow(order, "approve")
        requirements = live_requirements(order)
        blockers = approval_blockers([r.id for r in requirements], current_decisions(order))
        if blockers:
            raise Problem(
                409,
                "Every requirement needs an approving decision first.",
                title="Conflict",
                blockers=blockers,
            )
        act(order, "approve")
        order.confirmed_at = datetime.now(UTC)
        order.status_reason = None
        for requirement in requirements:
            requirement.status = "approved"
        db_session().flush()
        publish(
            db_session(),
            "ordo.order.confirmed",
            {
                "order_id": order.id,
                "version": order.version,
                "number": order.number,
                "customer_id": order.customer_id,
                "customer_name": db_session().get(Customer, order.customer_id).name,
                "title": order.title,
                "priority": order.priority,
                "due_date": order.due_date,
                "value": money(order),
                "confirmed_at": order.confirmed_at,
                "requirements": [requirement_payload(r) for r in requirements],
            },
        )
        return order, {"ETag": etag(order.version)}


@blp.route("/request-changes")
class OrderChangesRequested(MethodView):
    @roles_required("sales", "manager")
    @blp.arguments(CommentSchema)
    @blp.response(200, OrderSchema)
    def post(self, data, order_id):
        """Send a submitted order back to draft; the reviewers' comments are kept"""
        order = readable_order(order_id)
        check_if_match(order.version, required=False)
        act(order, "request_changes")
        verdict = verdicts(current_decisions(order))
        for requirement in live_requirements(order):
            requirement.status = (
                "changes_requested"
                if verdict.get(requirement.id) == "changes_requested"
                else "proposed"
            )
        order.status_reason = data.get("comment") or "Changes requested in review."
        db_session().flush()
        return order, {"ETag": etag(order.version)}

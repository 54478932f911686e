"""Follow-ups: detractors' answers waiting for the order's manager."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.models import FollowUp
from services.feedback.schemas import FollowUpCloseSchema, FollowUpQueryArgsSchema, FollowUpSchema
from shared.http.auth import roles_required
from shared.http.errors import Problem
from shared.http.requests import (
    check_if_match,
    db_session,
    etag,
    filter_by,
    get_or_404,
    page_of,
    paginate,
)

blp = Blueprint(
    "follow_ups", __name__, url_prefix="/follow-ups", description="Detractor follow-ups"
)


@blp.route("")
class FollowUps(MethodView):
    @roles_required("manager")
    @blp.arguments(FollowUpQueryArgsSchema, location="query")
    @blp.response(200, page_of(FollowUpSchema))
    def get(self, args):
        """List follow-ups of detractors' answers, oldest first"""
        query = sa.select(FollowUp).order_by(FollowUp.created_at, FollowUp.id)
        query = filter_by(query, args, FollowUp.status, FollowUp.customer_id)
        return paginate(db_session(), query, args)


@blp.route("/<uuid:follow_up_id>/close")
class FollowUpClosing(MethodView):
    @roles_required("manager")
    @blp.arguments(FollowUpCloseSchema)
    @blp.response(200, FollowUpSchema)
    def post(self, data, follow_up_id):
        """Close a follow-up with what was done"""
        session = db_session()
        follow_up = get_or_404(session, FollowUp, follow_up_id, "follow-up")
        check_if_match(follow_up.version)
        if follow_up.status != "open":
            raise Problem(409, "This follow-up is already closed.", current_status=follow_up.status)
        follow_up.status, follow_up.note = "closed", data["note"]
        follow_up.closed_at = datetime.now(UTC)
        session.flush()
        return follow_up, {"ETag": etag(follow_up.version)}

"""Follow-ups: detractors' answers waiting for the order's manager."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.domain.status import FOLLOW_UP_STATUS
from services.feedback.schemas import FollowUpCloseSchema, FollowUpQueryArgsSchema, FollowUpSchema
from services.feedback.usecases.follow_ups import close_follow_up, list_follow_ups
from shared.http.auth import roles_required
from shared.http.contract import if_match_required
from shared.http.requests import db_session, etag, if_match, page_of, paginate

blp = Blueprint(
    "follow_ups", __name__, url_prefix="/follow-ups", description="Detractor follow-ups"
)


@blp.route("")
class FollowUps(MethodView):
    @roles_required(*FOLLOW_UP_STATUS.roles_for("close"))
    @blp.arguments(FollowUpQueryArgsSchema(), location="query")
    @blp.response(200, page_of(FollowUpSchema))
    def get(self, args):
        """List follow-ups of detractors' answers, oldest first"""
        return paginate(db_session(), list_follow_ups(args), args)


@blp.route("/<uuid:follow_up_id>/close")
class FollowUpClosing(MethodView):
    @roles_required(*FOLLOW_UP_STATUS.roles_for("close"))
    @blp.arguments(FollowUpCloseSchema())
    @blp.response(200, FollowUpSchema)
    @if_match_required
    def post(self, data, follow_up_id):
        """Close a follow-up with what was done"""
        follow_up = close_follow_up(db_session(), follow_up_id, data["note"], if_match())
        return follow_up, {"ETag": etag(follow_up.version)}

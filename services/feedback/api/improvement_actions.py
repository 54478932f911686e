"""Improvement actions of every retrospective, for the people who carry them out."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.schemas import ActionQueryArgsSchema, ActionSchema
from services.feedback.usecases.retrospectives import list_actions
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session, page_of, paginate

blp = Blueprint(
    "improvement_actions",
    __name__,
    url_prefix="/improvement-actions",
    description="Improvement actions across all orders",
)


@blp.route("")
class ImprovementActions(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(ActionQueryArgsSchema(), location="query")
    @blp.response(200, page_of(ActionSchema))
    def get(self, args):
        """List improvement actions, soonest due first"""
        return paginate(db_session(), list_actions(args), args)

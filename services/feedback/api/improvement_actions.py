"""Improvement actions of every retrospective, for the people who carry them out."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.models import ImprovementAction
from services.feedback.schemas import ActionQueryArgsSchema, ActionSchema
from shared.http.auth import STAFF, roles_required
from shared.http.requests import db_session, filter_by, page_of, paginate

blp = Blueprint(
    "improvement_actions",
    __name__,
    url_prefix="/improvement-actions",
    description="Improvement actions across all orders",
)


@blp.route("")
class ImprovementActions(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(ActionQueryArgsSchema, location="query")
    @blp.response(200, page_of(ActionSchema))
    def get(self, args):
        """List improvement actions, soonest due first"""
        query = sa.select(ImprovementAction).order_by(
            ImprovementAction.due_date.is_(None),
            ImprovementAction.due_date,
            ImprovementAction.created_at,
        )
        query = filter_by(query, args, ImprovementAction.status, ImprovementAction.owner)
        return paginate(db_session(), query, args)

"""Retrospectives: lessons learned, improvement actions and the archive of one order."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.domain.status import RETROSPECTIVE_STATUS
from services.feedback.schemas import (
    ActionCreateSchema,
    ActionSchema,
    ActionUpdateSchema,
    ArchiveItemCreateSchema,
    ArchiveItemSchema,
    LessonCreateSchema,
    LessonSchema,
    RetrospectiveCompleteSchema,
    RetrospectiveDetailSchema,
    RetrospectiveQueryArgsSchema,
    RetrospectiveSchema,
)
from services.feedback.usecases.retrospectives import (
    archive_document,
    complete_retrospective,
    list_retrospectives,
    plan_action,
    read_retrospective,
    record_lesson,
    update_action,
)
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.contract import if_match_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, if_match, page_of, paginate

blp = Blueprint(
    "retrospectives",
    __name__,
    url_prefix="/retrospectives",
    description="Retrospectives: lessons learned, improvement actions, archive",
)

ACTION_ROLES = RETROSPECTIVE_STATUS.roles_for("plan_action")


@blp.route("")
class Retrospectives(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(RetrospectiveQueryArgsSchema(), location="query")
    @blp.response(200, page_of(RetrospectiveSchema))
    def get(self, args):
        """List retrospectives, newest first"""
        return paginate(db_session(), list_retrospectives(args), args)


@blp.route("/<uuid:retrospective_id>")
class RetrospectivesById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, RetrospectiveDetailSchema)
    def get(self, retrospective_id):
        """Read a retrospective with its lessons, actions and archive"""
        retrospective = read_retrospective(db_session(), retrospective_id)
        return retrospective, {"ETag": etag(retrospective.version)}


@blp.route("/<uuid:retrospective_id>/lessons")
class RetrospectiveLessons(MethodView):
    @roles_required(*STAFF)
    @idempotent
    @blp.arguments(LessonCreateSchema())
    @blp.response(201, LessonSchema)
    def post(self, data, retrospective_id):
        """Record a lesson learned: what went well, the problem, its root cause, a suggestion"""
        lesson = record_lesson(db_session(), retrospective_id, data, current_principal())
        return lesson, {"Location": f"/retrospectives/{retrospective_id}"}


@blp.route("/<uuid:retrospective_id>/actions")
class RetrospectiveActions(MethodView):
    @roles_required(*ACTION_ROLES)
    @idempotent
    @blp.arguments(ActionCreateSchema())
    @blp.response(201, ActionSchema)
    def post(self, data, retrospective_id):
        """Plan an improvement action with an owner and a due date"""
        action = plan_action(db_session(), retrospective_id, data)
        location = f"/retrospectives/{retrospective_id}/actions/{action.id}"
        return action, {"Location": location, "ETag": etag(action.version)}


@blp.route("/<uuid:retrospective_id>/actions/<uuid:action_id>")
class RetrospectiveActionsById(MethodView):
    @roles_required(*ACTION_ROLES)
    @blp.arguments(ActionUpdateSchema())
    @blp.response(200, ActionSchema)
    def patch(self, data, retrospective_id, action_id):
        """Update an improvement action: owner, due date, status"""
        action = update_action(db_session(), retrospective_id, action_id, data, if_match())
        return action, {"ETag": etag(action.version)}


@blp.route("/<uuid:retrospective_id>/archive")
class RetrospectiveArchive(MethodView):
    @roles_required(*STAFF)
    @idempotent
    @blp.arguments(ArchiveItemCreateSchema())
    @blp.response(201, ArchiveItemSchema)
    def post(self, data, retrospective_id):
        """Archive a delivery document by reference (id, kind, SHA-256) with a summary"""
        item = archive_document(db_session(), retrospective_id, data, current_principal())
        return item, {"Location": f"/retrospectives/{retrospective_id}"}


@blp.route("/<uuid:retrospective_id>/complete")
class RetrospectiveCompletion(MethodView):
    @roles_required(*RETROSPECTIVE_STATUS.roles_for("complete"))
    @blp.arguments(RetrospectiveCompleteSchema())
    @blp.response(200, RetrospectiveSchema)
    @if_match_required
    def post(self, data, retrospective_id):
        """Complete the retrospective (needs a lesson); the order then closes"""
        retrospective = complete_retrospective(
            db_session(), retrospective_id, data["summary"], current_principal(), if_match()
        )
        return retrospective, {"ETag": etag(retrospective.version)}

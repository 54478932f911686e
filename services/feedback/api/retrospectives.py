"""Retrospectives: lessons learned, improvement actions and the archive of one order."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.domain.retrospectives import (
    RetrospectiveRefused,
    check_open,
    normalise_tags,
)
from services.feedback.models import ArchiveItem, ImprovementAction, Lesson, Order, Retrospective
from services.feedback.retrospectives import complete, file_archive_item, file_lesson
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
from shared.http.auth import STAFF, current_principal, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
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
    "retrospectives",
    __name__,
    url_prefix="/retrospectives",
    description="Retrospectives: lessons learned, improvement actions, archive",
)

ACTION_ROLES = ("manager", "planner", "quality")
LESSON_FIELDS = ("went_well", "problem", "root_cause", "suggestion")


def refused(error: RetrospectiveRefused, **extra) -> Problem:
    return Problem(409, str(error), current_status=error.status, **extra)


def open_retrospective_for_writing(retrospective_id) -> Retrospective:
    retrospective = get_or_404(db_session(), Retrospective, retrospective_id, "retrospective")
    try:
        check_open(retrospective.status)
    except RetrospectiveRefused as error:
        raise refused(error) from None
    return retrospective


@blp.route("")
class Retrospectives(MethodView):
    @roles_required(*STAFF)
    @blp.arguments(RetrospectiveQueryArgsSchema, location="query")
    @blp.response(200, page_of(RetrospectiveSchema))
    def get(self, args):
        """List retrospectives, newest first"""
        query = sa.select(Retrospective).order_by(Retrospective.opened_at.desc(), Retrospective.id)
        query = filter_by(
            query, args, Retrospective.status, Retrospective.order_id, Retrospective.customer_id
        )
        return paginate(db_session(), query, args)


@blp.route("/<uuid:retrospective_id>")
class RetrospectivesById(MethodView):
    @roles_required(*STAFF)
    @blp.response(200, RetrospectiveDetailSchema)
    def get(self, retrospective_id):
        """Read a retrospective with its lessons, actions and archive"""
        retrospective = get_or_404(db_session(), Retrospective, retrospective_id, "retrospective")
        return retrospective, {"ETag": etag(retrospective.version)}


@blp.route("/<uuid:retrospective_id>/lessons")
class RetrospectiveLessons(MethodView):
    @roles_required(*STAFF)
    @idempotent
    @blp.arguments(LessonCreateSchema)
    @blp.response(201, LessonSchema)
    def post(self, data, retrospective_id):
        """Record a lesson learned: what went well, the problem, its root cause, a suggestion"""
        if not any(data[name] and data[name].strip() for name in LESSON_FIELDS):
            raise Problem(
                422,
                "A lesson needs at least one of: went_well, problem, root_cause, suggestion.",
                title="Unprocessable Entity",
                errors={"_schema": ["Say what went well, what went wrong, why, or what to do."]},
            )
        session = db_session()
        retrospective = open_retrospective_for_writing(retrospective_id)
        order = session.get(Order, retrospective.order_id)
        requirement_kind = data["requirement_kind"]
        if data["requirement_id"] and order and not requirement_kind:
            requirement_kind = order.requirement_kinds.get(str(data["requirement_id"]))
        lesson = Lesson(
            **{name: (data[name] or "").strip() or None for name in LESSON_FIELDS},
            retrospective_id=retrospective.id,
            tags=normalise_tags(data["tags"]),
            requirement_id=data["requirement_id"],
            requirement_kind=requirement_kind,
            created_by=current_principal().sub,
        )
        session.add(lesson)
        session.flush()
        file_lesson(session, retrospective, lesson)
        return lesson, {"Location": f"/retrospectives/{retrospective.id}"}


@blp.route("/<uuid:retrospective_id>/actions")
class RetrospectiveActions(MethodView):
    @roles_required(*ACTION_ROLES)
    @idempotent
    @blp.arguments(ActionCreateSchema)
    @blp.response(201, ActionSchema)
    def post(self, data, retrospective_id):
        """Plan an improvement action with an owner and a due date"""
        session = db_session()
        retrospective = get_or_404(session, Retrospective, retrospective_id, "retrospective")
        action = ImprovementAction(
            **data, retrospective_id=retrospective.id, order_id=retrospective.order_id
        )
        session.add(action)
        session.flush()
        location = f"/retrospectives/{retrospective.id}/actions/{action.id}"
        return action, {"Location": location, "ETag": etag(action.version)}


@blp.route("/<uuid:retrospective_id>/actions/<uuid:action_id>")
class RetrospectiveActionsById(MethodView):
    @roles_required(*ACTION_ROLES)
    @blp.arguments(ActionUpdateSchema)
    @blp.response(200, ActionSchema)
    def patch(self, data, retrospective_id, action_id):
        """Update an improvement action: owner, due date, status"""
        session = db_session()
        action = get_or_404(session, ImprovementAction, action_id, "improvement action")
        if action.retrospective_id != retrospective_id:
            raise Problem(404, f"No improvement action {action_id} in this retrospective.")
        check_if_match(action.version)
        for name, value in data.items():
            setattr(action, name, value)
        session.flush()
        return action, {"ETag": etag(action.version)}


@blp.route("/<uuid:retrospective_id>/archive")
class RetrospectiveArchive(MethodView):
    @roles_required(*STAFF)
    @idempotent
    @blp.arguments(ArchiveItemCreateSchema)
    @blp.response(201, ArchiveItemSchema)
    def post(self, data, retrospective_id):
        """Archive a delivery document by reference (id, kind, SHA-256) with a summary"""
        session = db_session()
        retrospective = open_retrospective_for_writing(retrospective_id)
        item = ArchiveItem(
            **data, retrospective_id=retrospective.id, created_by=current_principal().sub
        )
        session.add(item)
        session.flush()
        file_archive_item(session, retrospective, item)
        return item, {"Location": f"/retrospectives/{retrospective.id}"}


@blp.route("/<uuid:retrospective_id>/complete")
class RetrospectiveCompletion(MethodView):
    @roles_required("manager")
    @blp.arguments(RetrospectiveCompleteSchema)
    @blp.response(200, RetrospectiveSchema)
    def post(self, data, retrospective_id):
        """Complete the retrospective (needs a lesson); the order then closes"""
        session = db_session()
        retrospective = get_or_404(session, Retrospective, retrospective_id, "retrospective")
        check_if_match(retrospective.version)
        if data["summary"]:
            retrospective.summary = data["summary"].strip()
        try:
            complete(session, retrospective, current_principal().sub, datetime.now(UTC))
        except RetrospectiveRefused as error:
            raise refused(error, lesson_count=len(retrospective.lessons)) from None
        return retrospective, {"ETag": etag(retrospective.version)}

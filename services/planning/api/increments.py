"""Increments of an incremental plan: planned with requirements, the backlog, moves between
increments, the burn-down and velocity."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api.support import EDITORS, READERS, today
from services.planning.schemas import (
    BacklogSchema,
    BurndownArgsSchema,
    BurndownSchema,
    IncrementCreateSchema,
    IncrementMoveSchema,
    IncrementSchema,
    VelocitySchema,
)
from services.planning.usecases.increments import (
    burndown_chart,
    increment_burndown,
    move_requirement,
    plan_backlog,
    plan_increment,
    plan_increments,
    plan_velocity,
)
from shared.http.auth import roles_required
from shared.http.requests import db_session

blp = Blueprint(
    "increments", __name__, url_prefix="/plans", description="Increments and the backlog"
)


@blp.route("/<uuid:plan_id>/increments")
class Increments(MethodView):
    @roles_required(*READERS)
    @blp.response(200, IncrementSchema(many=True))
    def get(self, plan_id):
        """The plan's increments in order, with their requirements and effort"""
        return plan_increments(db_session(), plan_id)

    @roles_required(*EDITORS)
    @blp.arguments(IncrementCreateSchema())
    @blp.response(201, IncrementSchema)
    def post(self, data, plan_id):
        """Plan the next increment with requirements from the backlog"""
        return plan_increment(db_session(), plan_id, data, today())


@blp.route("/<uuid:plan_id>/backlog")
class Backlog(MethodView):
    @roles_required(*READERS)
    @blp.response(200, BacklogSchema)
    def get(self, plan_id):
        """The requirements in no increment, and the increment of the others"""
        return plan_backlog(db_session(), plan_id)


@blp.route("/<uuid:plan_id>/requirements/<uuid:requirement_id>/increment")
class RequirementIncrement(MethodView):
    @roles_required(*EDITORS)
    @blp.arguments(IncrementMoveSchema())
    @blp.response(200, BacklogSchema)
    def put(self, data, plan_id, requirement_id):
        """Move a requirement to an increment (or the backlog) and replan"""
        return move_requirement(
            db_session(), plan_id, requirement_id, data["increment_id"], today()
        )


@blp.route("/<uuid:plan_id>/increments/<uuid:increment_id>/burndown")
class IncrementBurndown(MethodView):
    @roles_required(*READERS)
    @blp.arguments(BurndownArgsSchema(), location="query")
    @blp.response(200, BurndownSchema)
    def get(self, args, plan_id, increment_id):
        """Remaining effort of the increment by day, beside the ideal line"""
        return increment_burndown(db_session(), plan_id, increment_id, args["today"] or today())


@blp.route("/<uuid:plan_id>/increments/<uuid:increment_id>/burndown.svg")
class IncrementBurndownChart(MethodView):
    @roles_required(*READERS)
    @blp.doc(operationId="increments.burndownChart")
    @blp.arguments(BurndownArgsSchema(), location="query")
    @blp.response(200, content_type="image/svg+xml")
    def get(self, args, plan_id, increment_id):
        """The increment's burn-down chart"""
        svg = burndown_chart(db_session(), plan_id, increment_id, args["today"] or today())
        return Response(svg, mimetype="image/svg+xml")


@blp.route("/<uuid:plan_id>/velocity")
class Velocity(MethodView):
    @roles_required(*READERS)
    @blp.response(200, VelocitySchema)
    def get(self, plan_id):
        """Effort completed per increment and the mean velocity"""
        return plan_velocity(db_session(), plan_id)

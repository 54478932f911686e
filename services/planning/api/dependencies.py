"""Dependencies between tasks: FS, SS, FF, SF with a lag in working days."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api.support import EDITORS, READERS
from services.planning.schemas import DependencyCreateSchema, DependencySchema
from services.planning.usecases.dependencies import (
    link_tasks,
    plan_dependencies,
    read_dependency,
    unlink_tasks,
)
from shared.http.auth import roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session

blp = Blueprint("dependencies", __name__, description="Task dependencies")


@blp.route("/plans/<uuid:plan_id>/dependencies")
class PlanDependencies(MethodView):
    @roles_required(*READERS)
    @blp.response(200, DependencySchema(many=True))
    def get(self, plan_id):
        """Every dependency of the plan"""
        return plan_dependencies(db_session(), plan_id)

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(DependencyCreateSchema())
    @blp.response(201, DependencySchema)
    def post(self, data, plan_id):
        """Make one task wait on another; a cycle is refused with the tasks in it"""
        dependency = link_tasks(db_session(), plan_id, **data)
        return dependency, {"Location": f"/dependencies/{dependency.id}"}


@blp.route("/dependencies/<uuid:dependency_id>")
class DependenciesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, DependencySchema)
    def get(self, dependency_id):
        """Read a dependency"""
        return read_dependency(db_session(), dependency_id)

    @roles_required(*EDITORS)
    @blp.response(204)
    def delete(self, dependency_id):
        """Remove a dependency and reschedule"""
        unlink_tasks(db_session(), dependency_id)

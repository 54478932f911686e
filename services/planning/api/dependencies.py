"""Dependencies between tasks: FS, SS, FF, SF with a lag in working days."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning import planner
from services.planning.api.support import EDITORS, READERS, editable_plan, replanned
from services.planning.models import Dependency, Plan, Task
from services.planning.schemas import DependencyCreateSchema, DependencySchema
from shared.http.auth import roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, get_or_404

blp = Blueprint("dependencies", __name__, description="Task dependencies")


def refuse(field: str, message: str) -> Problem:
    return Problem(422, message, errors={field: [message]})


@blp.route("/plans/<uuid:plan_id>/dependencies")
class PlanDependencies(MethodView):
    @roles_required(*READERS)
    @blp.response(200, DependencySchema(many=True))
    def get(self, plan_id):
        """Every dependency of the plan"""
        session = db_session()
        return planner.dependencies_of(session, get_or_404(session, Plan, plan_id, "plan"))

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(DependencyCreateSchema)
    @blp.response(201, DependencySchema)
    def post(self, data, plan_id):
        """Make one task wait on another; a cycle is refused with the tasks in it"""
        session = db_session()
        plan = editable_plan(plan_id)
        if data["predecessor_id"] == data["successor_id"]:
            raise refuse("successor_id", "A task cannot depend on itself.")
        tasks = {}
        for field in ("predecessor_id", "successor_id"):
            task = session.get(Task, data[field])
            if task is None or task.plan_id != plan.id:
                raise refuse(field, "No such task in this plan.")
            tasks[field] = task
        tree = planner.network(session, plan).tree
        before, after = tasks["predecessor_id"].id, tasks["successor_id"].id
        if before in tree.descendants(after) or after in tree.descendants(before):
            raise refuse("successor_id", "A task cannot depend on a task above or below it.")
        exists = session.scalar(
            sa.select(Dependency.id).where(
                Dependency.predecessor_id == before, Dependency.successor_id == after
            )
        )
        if exists is not None:
            raise Problem(409, "These tasks are already linked.", title="Conflict")
        dependency = planner.link(session, plan, *tasks.values(), data["type"], data["lag"])
        replanned(plan)
        return dependency, {"Location": f"/dependencies/{dependency.id}"}


@blp.route("/dependencies/<uuid:dependency_id>")
class DependenciesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, DependencySchema)
    def get(self, dependency_id):
        """Read a dependency"""
        return get_or_404(db_session(), Dependency, dependency_id, "dependency")

    @roles_required(*EDITORS)
    @blp.response(204)
    def delete(self, dependency_id):
        """Remove a dependency and reschedule"""
        session = db_session()
        dependency = get_or_404(session, Dependency, dependency_id, "dependency")
        plan = editable_plan(dependency.plan_id)
        session.delete(dependency)
        replanned(plan)

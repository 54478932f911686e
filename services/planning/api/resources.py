"""Resources (people and equipment), their daily load (draft plans tentative), and levelling."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api.support import EDITORS, READERS, today, versioned
from services.planning.domain.levelling import LevellingMode
from services.planning.domain.status import PLAN_STATUS
from services.planning.schemas import (
    LevelArgsSchema,
    LevellingJobSchema,
    LoadQueryArgsSchema,
    LoadSchema,
    ResourceCreateSchema,
    ResourceQueryArgsSchema,
    ResourceSchema,
    ResourceUpdateSchema,
)
from services.planning.usecases.levelling import job_path, read_levelling_job, request_levelling
from services.planning.usecases.resources import (
    add_resource,
    change_resource,
    list_resources,
    read_resource,
    resource_load,
)
from shared.http.auth import roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, if_match, page_of, paginate

blp = Blueprint("resources", __name__, description="Resources, load and levelling")

JOB_LOCATION = {"Location": {"description": "The job's URL", "schema": {"type": "string"}}}


@blp.route("/resources")
class Resources(MethodView):
    @roles_required(*READERS)
    @blp.arguments(ResourceQueryArgsSchema(), location="query")
    @blp.response(200, page_of(ResourceSchema))
    def get(self, args):
        """List resources by department or kind"""
        query = list_resources(args.get("department"), args.get("kind"))
        return paginate(db_session(), query, args)

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(ResourceCreateSchema())
    @blp.response(201, ResourceSchema)
    def post(self, data):
        """Add a person or a piece of equipment with hours per day and a cost rate"""
        resource = add_resource(db_session(), data)
        return versioned(resource, Location=f"/resources/{resource.id}")


@blp.route("/resources/<uuid:resource_id>")
class ResourcesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, ResourceSchema)
    def get(self, resource_id):
        """Read a resource"""
        return versioned(read_resource(db_session(), resource_id))

    @roles_required(*EDITORS)
    @blp.arguments(ResourceUpdateSchema())
    @blp.response(200, ResourceSchema)
    def patch(self, data, resource_id):
        """Change a resource's name, department, hours per day, rate or activity (If-Match)"""
        return versioned(change_resource(db_session(), resource_id, data, if_match()))


@blp.route("/resources/load")
class ResourceLoad(MethodView):
    @roles_required(*READERS)
    @blp.arguments(LoadQueryArgsSchema(), location="query")
    @blp.response(200, LoadSchema)
    def get(self, args):
        """Daily hours per resource across active plans, with draft plans' hours as tentative
        load beside them, and the over-allocated days"""
        start = args["start"] or today()
        return resource_load(db_session(), start, args["end"], args.get("resource_id"))


@blp.route("/plans/<uuid:plan_id>/level")
class PlanLevelling(MethodView):
    @roles_required(*PLAN_STATUS.roles_for("level"))
    @blp.arguments(LevelArgsSchema(), location="query")
    @blp.response(202, LevellingJobSchema, headers=JOB_LOCATION)
    def post(self, args, plan_id):
        """Ask the worker to level the plan's resources within float or, with
        mode=extend_finish, to capacity moving the finish (dry_run to preview): answers with
        the job (Location); one job per plan at a time (409 names the running one)"""
        budget = current_app.extensions["ordo"].settings.levelling_budget_seconds
        job = request_levelling(
            db_session(), plan_id, LevellingMode(args["mode"]), args["dry_run"], budget
        )
        return job, {"Location": job_path(job.id)}


@blp.route("/levelling-jobs/<uuid:job_id>")
class LevellingJobsById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, LevellingJobSchema)
    def get(self, job_id):
        """A levelling job: its status, progress and, once done, its result (the moves it
        proposes or made, what stays unresolved, the finish before and after)"""
        return read_levelling_job(db_session(), job_id)

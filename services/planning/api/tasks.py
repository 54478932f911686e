"""WBS tasks: create, read, update, move, delete, progress and resource allocations."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api import support
from services.planning.api.support import EDITORS, READERS, versioned
from services.planning.domain.status import PLAN_STATUS
from services.planning.domain.wbs_files import WBS_FILE_MEDIA_TYPES, file_kind
from services.planning.schemas import (
    AllocationCreateSchema,
    AllocationSchema,
    ProgressSchema,
    TaskCreateSchema,
    TaskQueryArgsSchema,
    TaskSchema,
    TaskUpdateSchema,
    WbsFileSchema,
    WbsImportResultSchema,
    WbsImportSchema,
)
from services.planning.usecases.tasks import (
    add_task,
    allocate_resource,
    change_task,
    delete_task,
    plan_tasks,
    read_task,
    record_progress,
    remove_allocation,
    task_allocations,
)
from services.planning.usecases.wbs_import import import_wbs, import_wbs_file
from shared.http.auth import roles_required
from shared.http.contract import if_match_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, if_match, page_of

blp = Blueprint("tasks", __name__, description="WBS tasks, progress and allocations")


@blp.route("/plans/<uuid:plan_id>/tasks")
class PlanTasks(MethodView):
    @roles_required(*READERS)
    @blp.arguments(TaskQueryArgsSchema(), location="query")
    @blp.response(200, page_of(TaskSchema))
    def get(self, args, plan_id):
        """The plan's WBS in outline order, with scheduled dates, floats and progress"""
        ordered = plan_tasks(
            db_session(),
            plan_id,
            args.get("critical"),
            args.get("department"),
            args.get("requirement_id"),
        )
        size = args["page_size"]
        start = (args["page"] - 1) * size
        return {
            "items": ordered[start : start + size],
            "page": args["page"],
            "page_size": size,
            "total": len(ordered),
            "pages": -(-len(ordered) // size),
        }

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(TaskCreateSchema())
    @blp.response(201, TaskSchema)
    def post(self, data, plan_id):
        """Add a task or milestone under a parent (or at the top) and reschedule"""
        task = add_task(db_session(), plan_id, **data)
        return versioned(task, Location=f"/tasks/{task.id}")


@blp.route("/plans/<uuid:plan_id>/wbs")
class PlanWbsImport(MethodView):
    @roles_required(*EDITORS)
    @idempotent
    @blp.doc(operationId="plans.wbs")
    @blp.arguments(WbsImportSchema())
    @blp.response(200, WbsImportResultSchema)
    def post(self, data, plan_id):
        """Create and change many tasks and link them in one request (a whole WBS), validated
        as one unit: one bad row is refused by its place and field, with nothing written"""
        return import_wbs(db_session(), plan_id, data["tasks"], data["links"])


@blp.route("/plans/<uuid:plan_id>/wbs-file")
class PlanWbsFileImport(MethodView):
    @roles_required(*EDITORS)
    @idempotent
    @blp.doc(
        operationId="plans.wbsFile",
        requestBody={
            "content": {
                "multipart/form-data": {
                    "encoding": {"file": {"contentType": ", ".join(WBS_FILE_MEDIA_TYPES)}}
                }
            }
        },
    )
    @blp.arguments(WbsFileSchema(), location="files")
    @blp.response(200, WbsImportResultSchema)
    def post(self, files, plan_id):
        """Import a WBS from a CSV sheet or a Microsoft Project XML export, as one unit

        The multipart `file` is text/csv or application/xml (for a generic type, its .csv or
        .xml suffix tells); another type is 415. Each bad value is refused by its line or task
        and field (`line 7.duration`, `Task UID 12.Duration`) in one 422, with nothing written;
        the answer gives each new task's id by the file's id (CSV) or UID (MSPDI).
        docs/planning.md describes both formats.
        """
        upload = files["file"]
        kind = file_kind(upload.mimetype, upload.filename)
        if kind is None:
            raise Problem(
                415,
                "Send a CSV sheet (text/csv, .csv) or a Microsoft Project XML export "
                f"(application/xml, .xml), not {upload.mimetype or 'a file of no type'}.",
            )
        return import_wbs_file(db_session(), plan_id, kind, upload.stream.read())


@blp.route("/tasks/<uuid:task_id>")
class TasksById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, TaskSchema)
    def get(self, task_id):
        """Read a task"""
        return versioned(read_task(db_session(), task_id))

    @roles_required(*EDITORS)
    @blp.arguments(TaskUpdateSchema())
    @blp.response(200, TaskSchema)
    def patch(self, data, task_id):
        """Change a task, or move it to another parent or position, and reschedule (If-Match)"""
        return versioned(change_task(db_session(), task_id, data, if_match()))

    @roles_required(*EDITORS)
    @blp.response(204)
    @if_match_required
    def delete(self, task_id):
        """Delete a task with everything below it, its links and allocations (If-Match)"""
        delete_task(db_session(), task_id, if_match())


@blp.route("/tasks/<uuid:task_id>/progress")
class TaskProgress(MethodView):
    @roles_required(*PLAN_STATUS.roles_for("report_progress"))
    @blp.arguments(ProgressSchema())
    @blp.response(200, TaskSchema)
    def post(self, data, task_id):
        """Report percent complete, actual dates, hours and cost of a task as of a status date"""
        day = support.today()
        as_of = data.pop("status_date") or data.pop("as_of") or day
        data.pop("as_of", None)
        task = record_progress(db_session(), task_id, as_of=as_of, today=day, **data)
        return versioned(task)


@blp.route("/tasks/<uuid:task_id>/allocations")
class TaskAllocations(MethodView):
    @roles_required(*READERS)
    @blp.response(200, AllocationSchema(many=True))
    def get(self, task_id):
        """The resources allocated to a task"""
        return task_allocations(db_session(), task_id)

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(AllocationCreateSchema())
    @blp.response(201, AllocationSchema)
    def post(self, data, task_id):
        """Allocate a resource to a task for some hours on each of its working days"""
        allocation = allocate_resource(db_session(), task_id, **data)
        return allocation, {"Location": f"/allocations/{allocation.id}"}


@blp.route("/allocations/<uuid:allocation_id>")
class AllocationsById(MethodView):
    @roles_required(*EDITORS)
    @blp.response(204)
    def delete(self, allocation_id):
        """Remove an allocation"""
        remove_allocation(db_session(), allocation_id)

"""WBS tasks: create, read, update, move, delete, progress and resource allocations."""

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning import domain, planner
from services.planning.api.support import (
    EDITORS,
    READERS,
    REPORTERS,
    editable_plan,
    editable_task,
    replanned,
    require_status,
    schedulable,
    today,
)
from services.planning.models import Allocation, Dependency, Plan, Resource, Task
from services.planning.schemas import (
    AllocationCreateSchema,
    AllocationSchema,
    ProgressSchema,
    TaskCreateSchema,
    TaskQueryArgsSchema,
    TaskSchema,
    TaskUpdateSchema,
)
from shared.http.auth import roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import (
    check_if_match,
    db_session,
    etag,
    filter_by,
    get_or_404,
    page_of,
)

blp = Blueprint("tasks", __name__, description="WBS tasks, progress and allocations")


def invalid(field: str, message: str) -> Problem:
    return Problem(422, message, errors={field: [message]})


def check_parent(plan: Plan, task: Task | None, parent_id) -> None:
    """The parent must be a task of the same plan, not a milestone, not the task or below it,
    not so deep that the WBS would pass MAX_LEVELS, and not linked to the moved tasks (nor may
    anything above it be)."""
    if parent_id is None:
        return
    parent = db_session().get(Task, parent_id)
    if parent is None or parent.plan_id != plan.id:
        raise invalid("parent_id", "The parent is not a task of this plan.")
    if parent.milestone:
        raise invalid("parent_id", "A milestone cannot have tasks below it.")
    # The outline only: the links are not needed to place a task.
    tasks = {row.id: row for row in planner.tasks_of(db_session(), plan)}
    tree = planner.wbs_tree(tasks.values())
    if task is not None:
        moved = {task.id, *tree.descendants(task.id)}
        if parent_id in moved:
            raise invalid("parent_id", "A task cannot move below itself.")
    levels = 1 if task is None else levels_taken(tree, tasks, task.id)
    if tree.depth(parent_id) + levels > domain.MAX_LEVELS:
        raise invalid("parent_id", f"The WBS would be more than {domain.MAX_LEVELS} levels deep.")
    if task is not None:
        # The new parent and everything above it become summaries of the moved tasks, and a
        # link between a task and its own summary is refused.
        above, node = set(), parent_id
        while node is not None:
            above.add(node)
            node = tree.parent(node)
        linked = db_session().scalar(
            sa.select(Dependency.id).where(
                sa.or_(
                    sa.and_(
                        Dependency.predecessor_id.in_(moved), Dependency.successor_id.in_(above)
                    ),
                    sa.and_(
                        Dependency.predecessor_id.in_(above), Dependency.successor_id.in_(moved)
                    ),
                )
            )
        )
        if linked is not None:
            raise invalid("parent_id", "A task cannot move below a task it is linked to.")


def levels_taken(tree: domain.WbsTree, tasks: dict, task_id) -> int:
    """The levels a task's subtree spans, counting one below the "Work packages" group even
    while it is empty: an approved change adds work packages there."""
    levels, layer, depth = 0, [task_id], 0
    while layer:
        depth += 1
        for node in layer:
            below = 1 if tasks[node].origin == "work_packages" else 0
            levels = max(levels, depth + below)
        layer = [child for node in layer for child in tree.children(node)]
    return levels


def apply_shape(task: Task, data: dict) -> None:
    """Duration and milestone rules: milestones have zero duration; summaries derive theirs."""
    if task.summary and ("duration" in data or data.get("milestone")):
        raise invalid("duration", "A summary task's duration comes from the tasks below it.")
    milestone = data.get("milestone", task.milestone)
    if milestone and data.get("duration", 0) > 0:
        raise invalid("duration", "A milestone has zero duration.")
    task.milestone = milestone
    if milestone:
        task.duration = 0
    elif "duration" in data:
        task.duration = data["duration"]


@blp.route("/plans/<uuid:plan_id>/tasks")
class PlanTasks(MethodView):
    @roles_required(*READERS)
    @blp.arguments(TaskQueryArgsSchema, location="query")
    @blp.response(200, page_of(TaskSchema))
    def get(self, args, plan_id):
        """The plan's WBS in outline order, with scheduled dates, floats and progress"""
        session = db_session()
        get_or_404(session, Plan, plan_id, "plan")
        query = sa.select(Task).where(Task.plan_id == plan_id)
        query = filter_by(query, args, Task.critical, Task.department, Task.requirement_id)
        ordered = planner.outline_order(list(session.scalars(query)))
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
    @blp.arguments(TaskCreateSchema)
    @blp.response(201, TaskSchema)
    def post(self, data, plan_id):
        """Add a task or milestone under a parent (or at the top) and reschedule"""
        session = db_session()
        plan = editable_plan(plan_id)
        check_parent(plan, None, data.get("parent_id"))
        position = data.pop("position", None)
        parent_id = data.pop("parent_id", None)
        milestone = data.pop("milestone")
        if milestone and data["duration"]:
            raise invalid("duration", "A milestone has zero duration.")
        if data["duration"] is None:
            data["duration"] = 0 if milestone else 1
        task = planner.new_task(plan, milestone=milestone, **data)
        session.add(task)
        session.flush()
        planner.place(session, plan, task, parent_id, position)
        replanned(plan)
        return task, {"Location": f"/tasks/{task.id}", "ETag": etag(task.version)}


@blp.route("/tasks/<uuid:task_id>")
class TasksById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, TaskSchema)
    def get(self, task_id):
        """Read a task"""
        task = get_or_404(db_session(), Task, task_id, "task")
        return task, {"ETag": etag(task.version)}

    @roles_required(*EDITORS)
    @blp.arguments(TaskUpdateSchema)
    @blp.response(200, TaskSchema)
    def patch(self, data, task_id):
        """Change a task, or move it to another parent or position, and reschedule (If-Match)"""
        session = db_session()
        task, plan = editable_task(task_id)
        check_if_match(task.version)
        apply_shape(task, data)
        if "parent_id" in data or "position" in data:
            parent_id = data.get("parent_id", task.parent_id)
            check_parent(plan, task, parent_id)
            planner.place(session, plan, task, parent_id, data.get("position"))
        for name in ("name", "department", "requirement_id", "effort_hours", "cost", "not_before"):
            if name in data:
                setattr(task, name, data[name])
        replanned(plan)
        return task, {"ETag": etag(task.version)}

    @roles_required(*EDITORS)
    @blp.response(204)
    def delete(self, task_id):
        """Delete a task with everything below it, its links and allocations (If-Match)"""
        task, plan = editable_task(task_id)
        check_if_match(task.version)
        planner.delete_subtree(db_session(), plan, task)
        replanned(plan)


@blp.route("/tasks/<uuid:task_id>/progress")
class TaskProgress(MethodView):
    @roles_required(*REPORTERS)
    @blp.arguments(ProgressSchema)
    @blp.response(200, TaskSchema)
    def post(self, data, task_id):
        """Report percent complete, actual dates, hours and cost of a task of an active plan"""
        session = db_session()
        task = get_or_404(session, Task, task_id, "task")
        plan = session.get(Plan, task.plan_id)
        require_status(plan, "active", doing="report progress")
        if task.summary:
            raise invalid("percent_complete", "A summary task's progress is rolled up.")
        percent = data["percent_complete"]
        if task.milestone and percent not in (0, 100):
            raise invalid("percent_complete", "A milestone is reached (100) or not (0).")
        if data.get("actual_finish") and percent < 100:
            raise invalid("actual_finish", "Only a finished task (100 %) has an actual finish.")
        as_of = data["as_of"] or today()
        was_done = task.done
        task.percent_complete = percent
        if "actual_start" in data:
            task.actual_start = data["actual_start"]
        elif percent > 0 and task.actual_start is None:
            task.actual_start = min(task.start_date or as_of, as_of)
        elif percent == 0:
            task.actual_start = None
        if percent >= 100:
            task.actual_finish = data.get("actual_finish") or task.actual_finish or as_of
            task.actual_start = task.actual_start or task.actual_finish
            if task.actual_finish < task.actual_start:
                raise invalid("actual_finish", "The actual finish is before the actual start.")
        else:
            task.actual_finish = None
        for name in ("actual_hours", "actual_cost"):
            if name in data:
                setattr(task, name, data[name])
        reached = [task] if task.milestone and task.done and not was_done else []
        with schedulable():
            planner.settle(session, plan, as_of, reached)
        return task, {"ETag": etag(task.version)}


@blp.route("/tasks/<uuid:task_id>/allocations")
class TaskAllocations(MethodView):
    @roles_required(*READERS)
    @blp.response(200, AllocationSchema(many=True))
    def get(self, task_id):
        """The resources allocated to a task"""
        session = db_session()
        get_or_404(session, Task, task_id, "task")
        return session.scalars(sa.select(Allocation).where(Allocation.task_id == task_id)).all()

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(AllocationCreateSchema)
    @blp.response(201, AllocationSchema)
    def post(self, data, task_id):
        """Allocate a resource to a task for some hours on each of its working days"""
        session = db_session()
        task, plan = editable_task(task_id)
        if task.summary or task.milestone:
            raise invalid(
                "task_id", "Only tasks with work (not summaries or milestones) take resources."
            )
        resource = session.get(Resource, data["resource_id"])
        if resource is None or not resource.active:
            raise invalid("resource_id", "No such active resource.")
        taken = session.scalar(
            sa.select(Allocation.id).where(
                Allocation.task_id == task.id, Allocation.resource_id == resource.id
            )
        )
        if taken is not None:
            raise Problem(409, "This resource is already allocated to the task.", title="Conflict")
        allocation = Allocation(task_id=task.id, **data)
        session.add(allocation)
        replanned(plan)
        return allocation, {"Location": f"/allocations/{allocation.id}"}


@blp.route("/allocations/<uuid:allocation_id>")
class AllocationsById(MethodView):
    @roles_required(*EDITORS)
    @blp.response(204)
    def delete(self, allocation_id):
        """Remove an allocation"""
        session = db_session()
        allocation = get_or_404(session, Allocation, allocation_id, "allocation")
        _, plan = editable_task(allocation.task_id)
        session.delete(allocation)
        replanned(plan)

"""Resources (people and equipment), their daily load across active plans, and levelling."""

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning import domain, planner
from services.planning.api.support import EDITORS, READERS, editable_plan, replanned, today
from services.planning.models import Allocation, Plan, Resource, Task
from services.planning.schemas import (
    LevelArgsSchema,
    LevellingSchema,
    LoadQueryArgsSchema,
    LoadSchema,
    ResourceCreateSchema,
    ResourceQueryArgsSchema,
    ResourceSchema,
    ResourceUpdateSchema,
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
    paginate,
)

blp = Blueprint("resources", __name__, description="Resources, load and levelling")

DEFAULT_LOAD_DAYS = 60
MAX_LOAD_DAYS = 366


@blp.route("/resources")
class Resources(MethodView):
    @roles_required(*READERS)
    @blp.arguments(ResourceQueryArgsSchema, location="query")
    @blp.response(200, page_of(ResourceSchema))
    def get(self, args):
        """List resources by department or kind"""
        query = sa.select(Resource).order_by(Resource.name)
        query = filter_by(query, args, Resource.department, Resource.kind)
        return paginate(db_session(), query, args)

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(ResourceCreateSchema)
    @blp.response(201, ResourceSchema)
    def post(self, data):
        """Add a person or a piece of equipment with hours per day and a cost rate"""
        resource = Resource(**data)
        session = db_session()
        session.add(resource)
        session.flush()
        return resource, {"Location": f"/resources/{resource.id}", "ETag": etag(resource.version)}


@blp.route("/resources/<uuid:resource_id>")
class ResourcesById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, ResourceSchema)
    def get(self, resource_id):
        """Read a resource"""
        resource = get_or_404(db_session(), Resource, resource_id, "resource")
        return resource, {"ETag": etag(resource.version)}

    @roles_required(*EDITORS)
    @blp.arguments(ResourceUpdateSchema)
    @blp.response(200, ResourceSchema)
    def patch(self, data, resource_id):
        """Change a resource's name, department, hours per day, rate or activity (If-Match)"""
        session = db_session()
        resource = get_or_404(session, Resource, resource_id, "resource")
        check_if_match(resource.version)
        for name, value in data.items():
            setattr(resource, name, value)
        session.flush()
        if {"hours_per_day", "cost_rate"} & set(data):
            for plan in plans_using(session, resource):
                replanned(plan)
        return resource, {"ETag": etag(resource.version)}


def plans_using(session, resource: Resource) -> list[Plan]:
    """The open plans with a task allocated to ``resource``, each once.

    A subquery, not SELECT DISTINCT over plan rows: PostgreSQL cannot compare their JSON
    columns (calendar, criteria)."""
    allocated = (
        sa.select(Task.plan_id)
        .join(Allocation, Allocation.task_id == Task.id)
        .where(Allocation.resource_id == resource.id)
    )
    query = (
        sa.select(Plan)
        .where(Plan.id.in_(allocated), Plan.status.in_(planner.OPEN_STATUSES))
        .order_by(Plan.created_at, Plan.id)
    )
    return list(session.scalars(query))


def booked_hours(session, exclude_plan_id=None) -> dict:
    """Hours per resource per date from every active plan's allocated tasks."""
    query = (
        sa.select(Allocation.resource_id, Allocation.hours_per_day, Task, Plan)
        .join(Task, Task.id == Allocation.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.status == "active", Task.summary.is_(False), Task.milestone.is_(False))
    )
    if exclude_plan_id is not None:
        query = query.where(Plan.id != exclude_plan_id)
    load: dict = defaultdict(lambda: defaultdict(float))
    calendars = {}
    for resource_id, hours, task, plan in session.execute(query):
        if task.start_date is None:
            continue
        calendar = calendars.setdefault(plan.id, planner.calendar_of(plan))
        day = task.start_date
        while day <= task.finish_date:
            if calendar.is_working_day(day):
                load[resource_id][day] += hours
            day += timedelta(days=1)
    return load


@blp.route("/resources/load")
class ResourceLoad(MethodView):
    @roles_required(*READERS)
    @blp.arguments(LoadQueryArgsSchema, location="query")
    @blp.response(200, LoadSchema)
    def get(self, args):
        """Daily hours per resource across all active plans, with the over-allocated days"""
        start = args["start"] or today()
        end = args["end"] or start + timedelta(days=DEFAULT_LOAD_DAYS)
        if end < start or (end - start).days > MAX_LOAD_DAYS:
            raise Problem(
                422, f"'to' must be on or after 'from' and at most {MAX_LOAD_DAYS} days later."
            )
        session = db_session()
        load = booked_hours(session)
        query = sa.select(Resource).order_by(Resource.name)
        if "resource_id" in args:
            query = query.where(Resource.id == args["resource_id"])
        resources = []
        for resource in session.scalars(query):
            days = [
                {"date": day, "hours": hours, "capacity": resource.hours_per_day}
                for day, hours in sorted(load.get(resource.id, {}).items())
                if start <= day <= end
            ]
            resources.append(
                {
                    "resource_id": resource.id,
                    "name": resource.name,
                    "capacity": resource.hours_per_day,
                    "days": days,
                    "over_allocated": [
                        day for day in days if day["hours"] > resource.hours_per_day + 1e-9
                    ],
                }
            )
        return {"start": start, "end": end, "resources": resources}


@blp.route("/plans/<uuid:plan_id>/level")
class PlanLevelling(MethodView):
    @roles_required(*EDITORS)
    @blp.arguments(LevelArgsSchema, location="query")
    @blp.response(200, LevellingSchema)
    def post(self, args, plan_id):
        """Delay non-critical tasks within their float to remove over-allocations (dry_run to
        preview); reports the over-allocations it could not resolve"""
        session = db_session()
        plan = editable_plan(plan_id)
        built = planner.network(session, plan)
        calendar = built.calendar
        leaf_ids = [task.id for task in built.leaves]
        rows = session.execute(
            sa.select(Allocation, Resource)
            .join(Resource, Resource.id == Allocation.resource_id)
            .where(Allocation.task_id.in_(leaf_ids))
        ).all()
        allocations = [
            domain.Allocation(allocation.task_id, allocation.resource_id, allocation.hours_per_day)
            for allocation, _ in rows
        ]
        resources = {resource.id: resource for _, resource in rows}
        existing = {
            resource_id: {
                calendar.to_index(day): hours
                for day, hours in days.items()
                if calendar.is_working_day(day)
            }
            for resource_id, days in booked_hours(session, plan.id).items()
            if resource_id in resources
        }
        result = domain.level_resources(
            built.inputs,
            built.links,
            allocations,
            {resource_id: resource.hours_per_day for resource_id, resource in resources.items()},
            existing,
        )
        if not args["dry_run"]:
            for task_id, index in result.not_before.items():
                built.tasks[task_id].not_before = calendar.to_date(index)
            replanned(plan)
        return {
            "dry_run": args["dry_run"],
            "moves": [
                {
                    "task_id": move.task_id,
                    "name": built.tasks[move.task_id].name,
                    "old_start": calendar.to_date(move.old_start),
                    "new_start": calendar.to_date(move.new_start),
                }
                for move in result.moves
            ],
            "unresolved": [
                {
                    "resource_id": over.resource_id,
                    "name": resources[over.resource_id].name,
                    "date": calendar.to_date(over.day),
                    "hours": over.load,
                    "capacity": over.capacity,
                }
                for over in result.unresolved
            ],
            "finish_date": finish_of(calendar, result.schedule),
        }


def finish_of(calendar: domain.WorkCalendar, planned: domain.Schedule) -> date:
    finish = planned.project_finish
    return domain.index_span_to_dates(calendar, finish, finish)[1]

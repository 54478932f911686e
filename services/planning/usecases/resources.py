"""Resources (people and equipment), their daily load (active plans, and draft plans as
tentative load), and levelling."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.levelling import UNBOUNDED, Bounds, LevellingMode, level
from services.planning.domain.levelling import Allocation as Booking
from services.planning.domain.scheduling import index_span_to_dates
from services.planning.domain.status import OPEN_PLAN_STATUSES
from services.planning.models import Allocation, Plan, Resource, Task
from services.planning.usecases.network import (
    calendar_of,
    network,
    plan_allowing,
    replan,
    schedule_refusals,
)
from services.planning.usecases.plans import rebaseline
from shared.errors import RuleViolation
from shared.usecases import ANY_VERSION, IfMatch, find

DEFAULT_LOAD_DAYS = 60
MAX_LOAD_DAYS = 366


def list_resources(department: str | None = None, kind: str | None = None) -> sa.Select:
    """Resources by name, of one department or kind if given."""
    query = sa.select(Resource).order_by(Resource.name)
    if department is not None:
        query = query.where(Resource.department == department)
    if kind is not None:
        query = query.where(Resource.kind == kind)
    return query


def read_resource(session: Session, resource_id: uuid.UUID) -> Resource:
    return find(session, Resource, resource_id, "resource")


def add_resource(session: Session, fields: dict[str, Any]) -> Resource:
    """Add a person or a piece of equipment with hours per day and a cost rate."""
    resource = Resource(**fields)
    session.add(resource)
    session.flush()
    return resource


def change_resource(
    session: Session,
    resource_id: uuid.UUID,
    changes: dict[str, Any],
    if_match: IfMatch = ANY_VERSION,
) -> Resource:
    """Change a resource; the open plans using it are rescheduled when its hours or rate move."""
    resource = find(session, Resource, resource_id, "resource")
    if_match.check(resource.version)
    for name, value in changes.items():
        setattr(resource, name, value)
    session.flush()
    if {"hours_per_day", "cost_rate"} & set(changes):
        for plan in plans_using(session, resource):
            replan(session, plan)
    return resource


def plans_using(session: Session, resource: Resource) -> list[Plan]:
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
        .where(Plan.id.in_(allocated), Plan.status.in_(OPEN_PLAN_STATUSES))
        .order_by(Plan.created_at, Plan.id)
    )
    return list(session.scalars(query))


def booked_hours(session: Session, exclude_plan_id=None, status: str = "active") -> dict:
    """Hours per resource per date from the allocated tasks of every plan in ``status``."""
    query = (
        sa.select(Allocation.resource_id, Allocation.hours_per_day, Task, Plan)
        .join(Task, Task.id == Allocation.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.status == status, Task.summary.is_(False), Task.milestone.is_(False))
    )
    if exclude_plan_id is not None:
        query = query.where(Plan.id != exclude_plan_id)
    load: dict = defaultdict(lambda: defaultdict(float))
    calendars = {}
    for resource_id, hours, task, plan in session.execute(query):
        if task.start_date is None:
            continue
        calendar = calendars.setdefault(plan.id, calendar_of(plan))
        day = task.start_date
        while day <= task.finish_date:
            if calendar.is_working_day(day):
                load[resource_id][day] += hours
            day += timedelta(days=1)
    return load


def resource_load(
    session: Session,
    start: date,
    end: date | None = None,
    resource_id: uuid.UUID | None = None,
) -> dict:
    """Daily hours per resource across active plans, the draft plans' hours beside them as
    tentative load, and the days over-allocated now and those that would be if the drafts
    were activated as they stand."""
    end = end or start + timedelta(days=DEFAULT_LOAD_DAYS)
    if end < start or (end - start).days > MAX_LOAD_DAYS:
        raise RuleViolation(
            detail=f"'to' must be on or after 'from' and at most {MAX_LOAD_DAYS} days later."
        )
    load = booked_hours(session)
    tentative = booked_hours(session, status="draft")
    query = sa.select(Resource).order_by(Resource.name)
    if resource_id is not None:
        query = query.where(Resource.id == resource_id)
    resources = []
    for resource in session.scalars(query):
        booked, drafted = load.get(resource.id, {}), tentative.get(resource.id, {})
        days = [
            {
                "date": day,
                "hours": booked.get(day, 0.0),
                "tentative_hours": drafted.get(day, 0.0),
                "capacity": resource.hours_per_day,
            }
            for day in sorted(set(booked) | set(drafted))
            if start <= day <= end
        ]
        limit = resource.hours_per_day + 1e-9
        resources.append(
            {
                "resource_id": resource.id,
                "name": resource.name,
                "capacity": resource.hours_per_day,
                "days": days,
                "over_allocated": [day for day in days if day["hours"] > limit],
                "tentatively_over_allocated": [
                    day for day in days if day["hours"] + day["tentative_hours"] > limit
                ],
            }
        )
    return {"start": start, "end": end, "resources": resources}


def level_plan(
    session: Session,
    plan_id: uuid.UUID,
    dry_run: bool,
    mode: LevellingMode = LevellingMode.WITHIN_FLOAT,
    today: date | None = None,
    bounds: Bounds = UNBOUNDED,
) -> dict:
    """Level a plan's resources in ``mode``: within float (the finish stays) or to capacity
    (the finish may move). A dry run proposes and writes nothing; otherwise the delays are
    stored as start constraints and the plan rescheduled, and an active plan whose finish
    moved is rebaselined (``ordo.plan.rebaselined``). Tasks with actual dates never move.
    ``bounds`` may stop it early with the best result so far (``complete`` false)."""
    plan = plan_allowing(session, plan_id, "level")
    built = network(session, plan)
    calendar = built.calendar
    leaf_ids = [task.id for task in built.leaves]
    rows = session.execute(
        sa.select(Allocation, Resource)
        .join(Resource, Resource.id == Allocation.resource_id)
        .where(Allocation.task_id.in_(leaf_ids))
    ).all()
    bookings = [
        Booking(allocation.task_id, allocation.resource_id, allocation.hours_per_day)
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
    # Actuals are facts: the network pins every task with actual dates to its actual start.
    pinned = {task.id for task in built.inputs if task.fixed_start is not None}
    with schedule_refusals(session):
        result = level(
            mode,
            built.inputs,
            built.links,
            bookings,
            {resource_id: resource.hours_per_day for resource_id, resource in resources.items()},
            existing,
            pinned,
            bounds,
        )
        finish_before = finish_of(calendar, result.original_finish)
        finish_after = finish_of(calendar, result.schedule.project_finish)
    if not dry_run and result.not_before:
        for task_id, index in result.not_before.items():
            built.tasks[task_id].not_before = calendar.to_date(index)
        replan(session, plan)
        if result.finish_extension:
            rebaseline(
                session,
                plan,
                f"Resource levelling moved the finish {result.finish_extension:+d} working days.",
                today or date.today(),
            )
    return {
        "dry_run": dry_run,
        "mode": str(mode),
        "moves": [
            {
                "task_id": move.task_id,
                "name": built.tasks[move.task_id].name,
                "old_start": calendar.to_date(move.old_start),
                "new_start": calendar.to_date(move.new_start),
                "delay_days": move.delay,
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
        "original_finish_date": finish_before,
        "finish_date": finish_after,
        "finish_extension_days": result.finish_extension,
        "complete": result.complete,
    }


def finish_of(calendar: WorkCalendar, finish: int) -> date:
    """The last working day of a schedule whose (exclusive) finish index is ``finish``."""
    return index_span_to_dates(calendar, finish, finish)[1]

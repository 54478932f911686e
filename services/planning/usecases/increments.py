"""Incremental plans: increments planned with their requirements, the backlog, moving a
requirement between increments (which replans), the burn-down and velocity, and a decided
package of one increment."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.increments import (
    BurndownDay,
    IncrementFigures,
    Work,
    burndown,
    check_increment_dates,
    check_requirements,
    velocity,
)
from services.planning.models import Increment, IncrementRequirement, Plan, Task
from services.planning.render.burndown import render_burndown
from services.planning.usecases import publish_about
from services.planning.usecases.network import plan_allowing, replan, tasks_of
from services.planning.usecases.plans import (
    accept_delivery,
    baselines_of,
    newest_decision,
    plan_of_order,
    read_plan,
)
from services.planning.usecases.replanning import after_replanning, plan_rework, rework_items
from services.planning.usecases.work_done import (
    increment_data,
    increment_figures,
    increment_of_requirements,
    tasks_by_requirement,
)
from shared.errors import NotFound
from shared.events.contracts.planning import IncrementPlanned
from shared.usecases import find


def increments_of(session: Session, plan: Plan) -> list[Increment]:
    query = sa.select(Increment).where(Increment.plan_id == plan.id)
    return list(session.scalars(query.order_by(Increment.number)))


def work_package_requirements(session: Session, plan: Plan) -> list[Task]:
    """The plan's work packages (one per requirement), in WBS order."""
    query = sa.select(Task).where(Task.plan_id == plan.id, Task.origin == "work_package")
    return list(session.scalars(query.order_by(Task.wbs_code)))


def plan_increment(session: Session, plan_id: uuid.UUID, data: dict, today: date) -> dict:
    """A new increment after the last, holding requirements of the backlog; their work
    packages start no earlier than the increment, and the plan is replanned."""
    plan = plan_allowing(session, plan_id)
    increments = increments_of(session, plan)
    check_increment_dates(
        data["start_date"],
        data["finish_date"],
        plan.due_date,
        increments[-1].start_date if increments else None,
    )
    scheduled = increment_of_requirements(session, plan)
    numbers = {increment.id: increment.number for increment in increments}
    check_requirements(
        data["requirement_ids"],
        [task.requirement_id for task in work_package_requirements(session, plan)],
        {requirement: numbers[increment] for requirement, increment in scheduled.items()},
    )
    increment = Increment(
        plan_id=plan.id,
        number=len(increments) + 1,
        name=data.get("name") or f"Increment {len(increments) + 1}",
        kind=data["kind"],
        start_date=data["start_date"],
        finish_date=data["finish_date"],
    )
    session.add(increment)
    session.flush()
    for requirement_id in data["requirement_ids"]:
        session.add(
            IncrementRequirement(
                plan_id=plan.id, increment_id=increment.id, requirement_id=requirement_id
            )
        )
    session.flush()
    replan_increments(session, plan, [increment], f"Increment {increment.number} planned", today)
    return increment_view(session, plan, increment)


def move_requirement(
    session: Session,
    plan_id: uuid.UUID,
    requirement_id: uuid.UUID,
    increment_id: uuid.UUID | None,
    today: date,
) -> dict:
    """Move a requirement into an increment, or back to the backlog (None), and replan."""
    plan = plan_allowing(session, plan_id)
    packages = [
        task
        for task in work_package_requirements(session, plan)
        if task.requirement_id == requirement_id
    ]
    if not packages:
        check_requirements([requirement_id], [], {}, field="requirement_id")
    target = None
    if increment_id is not None:
        target = increment_in(session, plan, increment_id)
    row = session.scalar(
        sa.select(IncrementRequirement).where(
            IncrementRequirement.plan_id == plan.id,
            IncrementRequirement.requirement_id == requirement_id,
        )
    )
    touched = [target] if target is not None else []
    if row is not None:
        touched.append(session.get(Increment, row.increment_id))
        session.delete(row)
        session.flush()
    if target is not None:
        session.add(
            IncrementRequirement(
                plan_id=plan.id, increment_id=target.id, requirement_id=requirement_id
            )
        )
        session.flush()
    touched = list({increment.id: increment for increment in touched}.values())
    replan_increments(session, plan, touched, "Requirement moved between increments", today)
    return backlog_view(session, plan)


def replan_increments(
    session: Session, plan: Plan, touched: list[Increment], reason: str, today: date
) -> None:
    """Work packages start no earlier than their increment (backlog ones: no constraint);
    reschedule, rebaseline an active plan, and announce the touched increments."""
    increments = {increment.id: increment for increment in increments_of(session, plan)}
    scheduled = increment_of_requirements(session, plan)
    for task in work_package_requirements(session, plan):
        if task.actual_start is not None:
            continue
        increment = increments.get(scheduled.get(task.requirement_id))
        task.not_before = increment.start_date if increment else None
    replan(session, plan)
    if baselines_of(session, plan):
        after_replanning(session, plan, reason, today)
    for increment in touched:
        requirement_ids = [r for r, i in scheduled.items() if i == increment.id]
        publish_about(
            session,
            plan,
            IncrementPlanned,
            **increment_data(increment, requirement_ids),
            kind=increment.kind,
        )


def increment_view(session: Session, plan: Plan, increment: Increment) -> dict:
    scheduled = increment_of_requirements(session, plan)
    requirement_ids = [r for r, i in scheduled.items() if i == increment.id]
    grouped = tasks_by_requirement(tasks_of(session, plan))
    tasks = [task for r in requirement_ids for task in grouped.get(r, [])]
    figures = increment_figures(increment, tasks)
    return {
        "id": increment.id,
        "plan_id": plan.id,
        "number": increment.number,
        "name": increment.name,
        "kind": increment.kind,
        "start_date": increment.start_date,
        "finish_date": increment.finish_date,
        "completed_on": increment.completed_on,
        "on_time": figures.on_time,
        "effort_hours": figures.effort_hours,
        "remaining_hours": round(sum(t.effort_hours for t in tasks if not t.done), 1),
        "requirement_ids": requirement_ids,
        "version": increment.version,
    }


def plan_increments(session: Session, plan_id: uuid.UUID) -> list[dict]:
    plan = read_plan(session, plan_id)
    return [increment_view(session, plan, item) for item in increments_of(session, plan)]


def backlog_view(session: Session, plan: Plan) -> dict:
    """The requirements in no increment (the backlog), and where the others are."""
    scheduled = increment_of_requirements(session, plan)
    numbers = {increment.id: increment.number for increment in increments_of(session, plan)}
    items = [
        {
            "requirement_id": task.requirement_id,
            "title": task.name,
            "effort_hours": task.effort_hours,
            "increment_id": scheduled.get(task.requirement_id),
            "increment_number": numbers.get(scheduled.get(task.requirement_id)),
        }
        for task in work_package_requirements(session, plan)
    ]
    return {
        "plan_id": plan.id,
        "backlog": [item for item in items if item["increment_id"] is None],
        "scheduled": [item for item in items if item["increment_id"] is not None],
    }


def plan_backlog(session: Session, plan_id: uuid.UUID) -> dict:
    return backlog_view(session, read_plan(session, plan_id))


def increment_in(session: Session, plan: Plan, increment_id: uuid.UUID) -> Increment:
    """The plan's increment with this id (404 for another plan's)."""
    increment = find(session, Increment, increment_id, "increment")
    if increment.plan_id != plan.id:
        raise NotFound("increment", increment_id)
    return increment


def increment_of_plan(session: Session, plan_id: uuid.UUID, increment_id: uuid.UUID):
    plan = read_plan(session, plan_id)
    return plan, increment_in(session, plan, increment_id)


def burndown_days(
    session: Session, plan: Plan, increment: Increment, today: date
) -> list[BurndownDay]:
    """Remaining effort of the increment's tasks by day, with the ideal line."""
    scheduled = increment_of_requirements(session, plan)
    grouped = tasks_by_requirement(tasks_of(session, plan))
    work = [
        Work(task.effort_hours, task.actual_finish if task.done else None)
        for requirement, inc in scheduled.items()
        if inc == increment.id
        for task in grouped.get(requirement, [])
    ]
    return burndown(work, increment.start_date, increment.finish_date, today)


def increment_burndown(
    session: Session, plan_id: uuid.UUID, increment_id: uuid.UUID, today: date
) -> dict:
    plan, increment = increment_of_plan(session, plan_id, increment_id)
    return {
        "increment": increment_view(session, plan, increment),
        "days": burndown_days(session, plan, increment, today),
    }


def burndown_chart(
    session: Session, plan_id: uuid.UUID, increment_id: uuid.UUID, today: date
) -> str:
    plan, increment = increment_of_plan(session, plan_id, increment_id)
    days = burndown_days(session, plan, increment, today)
    return render_burndown(f"{increment.name} ({increment.number})", days)


def plan_velocity(session: Session, plan_id: uuid.UUID) -> dict:
    """Effort per increment, completed or not, and the mean over the completed ones."""
    plan = read_plan(session, plan_id)
    views = [increment_view(session, plan, item) for item in increments_of(session, plan)]
    figures = [
        IncrementFigures(
            v["number"], v["name"], v["finish_date"], v["effort_hours"], v["completed_on"]
        )
        for v in views
    ]
    completed = [f for f in figures if f.completed_on is not None]
    return {
        "plan_id": plan.id,
        "velocity_hours": velocity(figures),
        "increments_on_time": sum(1 for f in completed if f.on_time),
        "increments_completed": len(completed),
        "increments": views,
    }


def decide_package(
    session: Session,
    order_id: uuid.UUID,
    package_version: int,
    decision: str,
    results: list[dict],
    final: bool,
    signed_on: date,
    increment_id: uuid.UUID | None = None,
) -> None:
    """A package was accepted. The last one (final) completes the plan; an earlier one
    accepted with conditions plans rework for the criteria not met."""
    if final:
        accept_delivery(session, order_id, package_version, signed_on)
        return
    plan = plan_of_order(session, order_id)
    if plan is None or plan.accepted_on is not None:
        return
    if not newest_decision(session, plan, package_version, increment_id):
        return
    items = rework_items(plan, results)
    if decision == "conditionally_accepted" and items:
        plan_rework(session, plan, items, "Rework after a conditional acceptance", signed_on)

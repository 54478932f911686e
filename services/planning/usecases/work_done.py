"""Work finished per requirement and per increment, announced as soon as progress shows it.

A requirement's work is done when every task made for it (its work package and any rework) is
done: `ordo.work_package.completed` sends its deliverable to quality control, whether the plan
is incremental or not. It is announced once per set of tasks, so new rework makes it due again.
An increment is complete when the work of all its requirements is done, once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.increments import IncrementFigures
from services.planning.models import Increment, IncrementRequirement, Plan, Reaction, Task
from services.planning.usecases import publish_about
from shared.events.contracts.planning import IncrementCompleted, WorkPackageCompleted


def increment_of_requirements(session: Session, plan: Plan) -> dict[uuid.UUID, uuid.UUID]:
    """Requirement id → the id of the increment it is scheduled in."""
    rows = session.execute(
        sa.select(IncrementRequirement.requirement_id, IncrementRequirement.increment_id).where(
            IncrementRequirement.plan_id == plan.id
        )
    )
    return {requirement: increment for requirement, increment in rows}


def tasks_by_requirement(tasks: list[Task]) -> dict[uuid.UUID, list[Task]]:
    grouped: dict[uuid.UUID, list[Task]] = defaultdict(list)
    for task in tasks:
        if task.requirement_id is not None and not task.summary:
            grouped[task.requirement_id].append(task)
    return grouped


def finished_on(tasks: list[Task], as_of: date) -> date | None:
    """The day the last of `tasks` finished, if all are done; else None."""
    if not tasks or not all(task.done for task in tasks):
        return None
    return max((task.actual_finish or as_of) for task in tasks)


def announce_finished_work(session: Session, plan: Plan, tasks: list[Task], as_of: date) -> None:
    """Publish the requirements whose work just finished, and the increments complete by it."""
    grouped = tasks_by_requirement(tasks)
    increments = increment_of_requirements(session, plan)
    for requirement_id, own in grouped.items():
        day = finished_on(own, as_of)
        if day is None or not Reaction.once(
            session, plan.order_id, f"work_done:{requirement_id}:{len(own)}"
        ):
            continue
        publish_about(
            session,
            plan,
            WorkPackageCompleted,
            requirement_id=requirement_id,
            increment_id=increments.get(requirement_id),
            completed_on=day,
        )
    open_increments = session.scalars(
        sa.select(Increment).where(Increment.plan_id == plan.id, Increment.completed_on.is_(None))
    )
    for increment in open_increments:
        requirement_ids = [r for r, i in increments.items() if i == increment.id]
        days = [finished_on(grouped.get(r, []), as_of) for r in requirement_ids]
        if not requirement_ids or None in days:
            continue
        increment.completed_on = max(days)
        figures = increment_figures(increment, [t for r in requirement_ids for t in grouped[r]])
        publish_about(
            session,
            plan,
            IncrementCompleted,
            **increment_data(increment, requirement_ids),
            completed_on=increment.completed_on,
            on_time=bool(figures.on_time),
            effort_hours=figures.effort_hours,
        )


def increment_figures(increment: Increment, tasks: list[Task]) -> IncrementFigures:
    return IncrementFigures(
        increment.number,
        increment.name,
        increment.finish_date,
        round(sum(task.effort_hours for task in tasks), 1),
        increment.completed_on,
    )


def increment_data(increment: Increment, requirement_ids: list[uuid.UUID]) -> dict:
    """What every increment event says about it."""
    return {
        "increment_id": increment.id,
        "number": increment.number,
        "name": increment.name,
        "start_date": increment.start_date,
        "finish_date": increment.finish_date,
        "requirement_ids": requirement_ids,
    }

"""Dependencies between tasks: FS, SS, FF, SF with a lag in working days."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.models import Dependency, Plan, Task
from services.planning.usecases.network import (
    dependencies_of,
    link,
    plan_allowing,
    plan_rows,
    replan,
)
from shared.errors import Conflict, RuleViolation
from shared.usecases import find


def _refused(field: str, message: str) -> RuleViolation:
    return RuleViolation({field: message}, detail=message)


def plan_dependencies(session: Session, plan_id: uuid.UUID) -> list[Dependency]:
    return dependencies_of(session, find(session, Plan, plan_id, "plan"))


def read_dependency(session: Session, dependency_id: uuid.UUID) -> Dependency:
    return find(session, Dependency, dependency_id, "dependency")


def link_tasks(
    session: Session,
    plan_id: uuid.UUID,
    predecessor_id: uuid.UUID,
    successor_id: uuid.UUID,
    type: str = "FS",
    lag: int = 0,
) -> Dependency:
    """Make one task wait on another and reschedule; a cycle is refused naming its tasks."""
    plan = plan_allowing(session, plan_id)
    if predecessor_id == successor_id:
        raise _refused("successor_id", "A task cannot depend on itself.")
    tasks = []
    for field, task_id in (("predecessor_id", predecessor_id), ("successor_id", successor_id)):
        task = session.get(Task, task_id)
        if task is None or task.plan_id != plan.id:
            raise _refused(field, "No such task in this plan.")
        tasks.append(task)
    before, after = tasks
    planned = plan_rows(session, plan)  # read once: the outline check and scheduling share them
    parent_of = {row.id: row.parent_id for row in planned}
    if above(parent_of, before.id, after.id) or above(parent_of, after.id, before.id):
        raise _refused("successor_id", "A task cannot depend on a task above or below it.")
    exists = session.scalar(
        sa.select(Dependency.id).where(
            Dependency.predecessor_id == before.id, Dependency.successor_id == after.id
        )
    )
    if exists is not None:
        raise Conflict("These tasks are already linked.")
    dependency = link(session, plan, before, after, type, lag)
    replan(session, plan, planned, changed=[])
    return dependency


def above(parent_of: dict[uuid.UUID, uuid.UUID | None], task_id: uuid.UUID, node) -> bool:
    """True when `task_id` is above `node` in the outline."""
    node = parent_of.get(node)
    while node is not None:
        if node == task_id:
            return True
        node = parent_of.get(node)
    return False


def unlink_tasks(session: Session, dependency_id: uuid.UUID) -> None:
    """Remove a dependency and reschedule."""
    dependency = find(session, Dependency, dependency_id, "dependency")
    plan = plan_allowing(session, dependency.plan_id)
    session.delete(dependency)
    replan(session, plan)

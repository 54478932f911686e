"""What the planning views share: roles, finding editable plans and tasks, rescheduling."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from services.planning import domain, planner
from services.planning.models import Plan, Task
from shared.http.auth import STAFF
from shared.http.errors import Problem
from shared.http.requests import db_session, get_or_404

EDITORS = ("planner", "manager")
REPORTERS = ("planner", "manager", "engineer", "quality", "logistics")
READERS = STAFF

ALLOWED_ACTIONS = {
    "draft": ["edit", "activate"],
    "active": ["edit", "report_progress", "rebaseline", "level"],
    "completed": [],
    "cancelled": [],
}


def today() -> date:
    return date.today()


def require_status(plan: Plan, *statuses: str, doing: str = "edit") -> None:
    """409 with the plan's status and what it allows when it is not in ``statuses``."""
    if plan.status not in statuses:
        raise Problem(
            409,
            f"A {plan.status} plan cannot be changed ({doing}).",
            title="Conflict",
            current_status=plan.status,
            allowed_actions=ALLOWED_ACTIONS.get(plan.status, []),
        )


def editable_plan(plan_id) -> Plan:
    plan = get_or_404(db_session(), Plan, plan_id, "plan")
    require_status(plan, *planner.OPEN_STATUSES)
    return plan


def editable_task(task_id) -> tuple[Task, Plan]:
    session = db_session()
    task = get_or_404(session, Task, task_id, "task")
    plan = session.get(Plan, task.plan_id)
    require_status(plan, *planner.OPEN_STATUSES)
    return task, plan


def replanned(plan: Plan) -> domain.Schedule:
    """Reschedule after a change, turning what the scheduler refuses into a 422."""
    with schedulable():
        return planner.replan(db_session(), plan)


@contextmanager
def schedulable() -> Iterator[None]:
    """Turn what the scheduler refuses (a cycle, dates past the calendar's end, costs past what
    money holds) into a 422."""
    session = db_session()
    try:
        yield
    except domain.CycleError as cycle:
        tasks = [session.get(Task, task_id) for task_id in cycle.cycle]
        names = " -> ".join(task.name for task in [*tasks, tasks[0]])
        raise Problem(
            422,
            f"The dependencies would form a cycle: {names}.",
            cycle=[
                {"id": str(task.id), "wbs_code": task.wbs_code, "name": task.name} for task in tasks
            ],
        ) from None
    except domain.CostRangeError as refused:
        if refused.node_id is None:
            what = "the plan's total cost"
        else:
            with session.no_autoflush:  # the refused figures must not reach the database
                task = session.get(Task, refused.node_id)
            what = f"the cost of {task.wbs_code} {task.name}"
        raise Problem(
            422,
            f"The plan cannot be costed: {what} would come to {refused.cost}, "
            f"more than {domain.MAX_COST}.",
            max_cost=str(domain.MAX_COST),
        ) from None
    except (domain.ScheduleInputError, domain.WbsError) as refused:
        raise Problem(422, f"The plan cannot be scheduled: {refused}.") from None

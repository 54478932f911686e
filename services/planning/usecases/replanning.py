"""Reshaping a plan when its order changes or its work fails: work packages added, changed
or removed on an approved change, rework tasks after a failed quality check or a rejected
delivery; then the plan is rescheduled and rebaselined (or, still a draft, announced again).

Each reaction is recorded once per order (a change request, a failed check, a decided
package), so re-sent events change nothing.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.status import PLAN_STATUS
from services.planning.domain.template import (
    REWORK_DAYS,
    default_cost,
    default_effort,
    work_package,
)
from services.planning.models import Dependency, Plan, Reaction, Task
from services.planning.usecases import publish_about
from services.planning.usecases.network import (
    delete_subtree,
    link,
    new_task,
    place,
    replan,
    requirement_tasks,
    tasks_of,
)
from services.planning.usecases.plans import (
    baselines_of,
    newest_decision,
    plan_of_order,
    rebaseline,
    task_of_origin,
)
from services.planning.usecases.tasks import follow_progress
from shared.events.contracts.planning import PlanCreated


def apply_approved_change(
    session: Session,
    order_id: uuid.UUID,
    change_request_id: uuid.UUID,
    changes: list[dict],
    reason: str,
    day: date,
    new_due_date: date | None = None,
) -> None:
    """Add, change or remove work packages, move the plan's due date with the order's,
    reschedule, and rebaseline an activated plan (so its next status shows the new baseline).
    Tasks with actual dates keep them: the scheduler pins them."""
    plan = plan_of_order(session, order_id)
    if plan is None or not Reaction.once(session, plan.order_id, f"change:{change_request_id}"):
        return
    due_moved = new_due_date is not None and new_due_date != plan.due_date
    if due_moved:
        plan.due_date = new_due_date
    changes = [change for change in changes if newest_revision(session, plan, change)]
    if not changes:
        if due_moved:
            after_replanning(session, plan, f"Change approved: {reason}", day)
        return
    for change in changes:
        packages = work_packages(session, plan, change["requirement_id"])
        requirement = change["requirement"]
        if change["action"] == "remove":
            for package in packages:
                delete_subtree(session, plan, package)
            continue
        for criterion in requirement["acceptance_criteria"]:
            plan.criteria = {**plan.criteria, str(criterion["criterion_id"]): criterion["text"]}
        planned = work_package(requirement)
        if packages:
            for package in packages:
                package.name, package.duration = planned.name, planned.duration
                # The defaults for the new duration; allocated tasks get theirs from their
                # allocations when replanned.
                package.effort_hours = default_effort(planned.duration)
                package.cost = default_cost(package.effort_hours)
        else:
            add_work_package(session, plan, requirement)
    keep_analysis_before_quality_control(session, plan)
    replan(session, plan)
    reopen_if_work_remains(session, plan)
    after_replanning(session, plan, f"Change approved: {reason}", day)


def newest_revision(session: Session, plan: Plan, change: dict) -> bool:
    """True if this requirement change is newer than every one applied so far; then remember it.

    Changes may arrive out of order: a removal is final, and an add or modify no newer than
    the requirement's revision already applied is a duplicate or arrived late."""
    prefix = f"requirement:{change['requirement_id']}:"
    seen = Reaction.keys(session, plan.order_id, prefix)
    if "removed" in seen:
        return False
    if change["action"] == "remove":
        applied = "removed"
    elif change["requirement"] is None:
        return False
    else:
        revision = change["requirement"]["revision"]
        if any(int(key) >= revision for key in seen):
            return False
        applied = str(revision)
    session.add(Reaction(order_id=plan.order_id, key=prefix + applied))
    return True


def work_packages(session: Session, plan: Plan, requirement_id: uuid.UUID) -> list[Task]:
    query = sa.select(Task).where(
        Task.plan_id == plan.id,
        Task.requirement_id == requirement_id,
        Task.origin == "work_package",
    )
    return list(session.scalars(query))


def add_work_package(session: Session, plan: Plan, requirement: dict) -> Task:
    """A new work package under "Work packages", after the analysis and before QC."""
    planned = work_package(requirement)
    group = task_of_origin(session, plan, "work_packages")
    analysis = task_of_origin(session, plan, "analysis")
    quality = task_of_origin(session, plan, "quality_control")
    if group is None:
        group = new_task(
            plan, name="Work packages", duration=0, origin="work_packages", department="engineering"
        )
        session.add(group)
        session.flush()
        place(session, plan, group, None, quality.position if quality else None)
    package = new_task(
        plan,
        name=planned.name,
        duration=planned.duration,
        origin="work_package",
        department=planned.department,
        requirement_id=planned.requirement_id,
    )
    session.add(package)
    session.flush()
    place(session, plan, package, group.id, None)
    if analysis is not None:
        link(session, plan, analysis, package)
    if quality is not None:
        link(session, plan, package, quality)
    return package


def keep_analysis_before_quality_control(session: Session, plan: Plan) -> None:
    """With no work package left, drop the empty group and let QC follow the analysis."""
    group = task_of_origin(session, plan, "work_packages")
    if group is None:
        return
    has_children = session.scalar(sa.select(Task.id).where(Task.parent_id == group.id).limit(1))
    if has_children:
        return
    delete_subtree(session, plan, group)
    analysis = task_of_origin(session, plan, "analysis")
    quality = task_of_origin(session, plan, "quality_control")
    if analysis is not None and quality is not None:
        exists = session.scalar(
            sa.select(Dependency.id).where(
                Dependency.predecessor_id == analysis.id, Dependency.successor_id == quality.id
            )
        )
        if exists is None:
            link(session, plan, analysis, quality)


def reopen_if_work_remains(session: Session, plan: Plan) -> None:
    """A completed plan is active again when an unfinished task is left after a change."""
    if plan.status != "completed":
        return
    if any(not task.done for task in tasks_of(session, plan) if not task.summary):
        plan.status = PLAN_STATUS.next_status(plan.status, "reopen")
        plan.completed_on = None


def after_replanning(session: Session, plan: Plan, reason: str, today: date) -> None:
    """Rebaseline an activated plan; a draft plan announces its new tasks as plan.created."""
    traceability = requirement_tasks(session, plan)
    if baselines_of(session, plan):
        rebaseline(session, plan, reason, today, {"requirement_tasks": traceability})
        if plan.status == "active" and all(
            task.done for task in tasks_of(session, plan) if not task.summary
        ):
            follow_progress(session, plan, today)
        return
    announce_draft(session, plan)


def plan_rework(
    session: Session, plan: Plan, items: list[tuple[uuid.UUID | None, str]], reason: str, day: date
) -> None:
    """One rework task per failed item before quality control, starting no earlier than
    ``day``; QC and the delivery milestone are done again afterwards."""
    quality = task_of_origin(session, plan, "quality_control")
    delivery = task_of_origin(session, plan, "delivery")
    for requirement_id, name in items:
        task = new_task(
            plan,
            name=name[:200],
            duration=REWORK_DAYS,
            origin="rework",
            department="production",
            requirement_id=requirement_id,
            not_before=max(day, plan.start_date),
        )
        session.add(task)
        session.flush()
        place(session, plan, task, None, quality.position if quality else None)
        if quality is not None:
            link(session, plan, task, quality)
    for reopened in (quality, delivery):
        if reopened is not None and reopened.done:
            reopened.percent_complete = 0.0
            reopened.actual_start = reopened.actual_finish = None
            reopened.actual_hours = 0.0
    replan(session, plan)
    reopen_if_work_remains(session, plan)
    after_replanning(session, plan, reason, day)


def plan_rework_after_failed_check(
    session: Session,
    order_id: uuid.UUID,
    check_id: uuid.UUID,
    requirement_id: uuid.UUID | None,
    failed_criteria: list[dict],
    failed_standards: list[str],
    day: date,
) -> None:
    """Rework for each failed criterion (or standard) of the checked deliverable, unless the
    customer already accepted the plan (a late or re-sent failure)."""
    plan = plan_of_order(session, order_id)
    if (
        plan is None
        or plan.accepted_on is not None
        or not Reaction.once(session, plan.order_id, f"qc:{check_id}")
    ):
        return
    items = [(requirement_id, f"Rework: {item['text']}") for item in failed_criteria]
    items = items or [(requirement_id, f"Rework: {standard}") for standard in failed_standards]
    items = items or [(requirement_id, "Rework after failed quality check")]
    plan_rework(session, plan, items, "Rework after a failed quality check", day)


def plan_rework_after_rejection(
    session: Session,
    order_id: uuid.UUID,
    package_version: int,
    results: list[dict],
    reasons: list[str],
    day: date,
    increment_id: uuid.UUID | None = None,
) -> None:
    """Rework for each criterion the customer rejected, unless the plan was accepted or this
    or a later package (of the increment) was already decided on (a re-sent or late one)."""
    plan = plan_of_order(session, order_id)
    if (
        plan is None
        or plan.accepted_on is not None
        or not newest_decision(session, plan, package_version, increment_id)
    ):
        return
    items = rework_items(plan, results) or [(None, f"Rework: {reason}") for reason in reasons]
    plan_rework(session, plan, items, "Rework after the delivery was rejected", day)


def rework_items(plan: Plan, results: list[dict]) -> list[tuple[uuid.UUID | None, str]]:
    """One rework item per criterion the customer found not met."""
    return [
        (
            result["requirement_id"],
            "Rework: "
            + plan.criteria.get(str(result["criterion_id"]), result.get("comment") or "criterion"),
        )
        for result in results
        if not result["met"]
    ]


def announce_draft(session: Session, plan: Plan) -> None:
    """``ordo.plan.created`` again, with the task ids per requirement, after a draft changes."""
    publish_about(
        session,
        plan,
        PlanCreated,
        start_date=plan.start_date,
        finish_date=plan.finish_date,
        requirement_tasks=requirement_tasks(session, plan),
    )

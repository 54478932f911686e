"""What the planning service does with the events it hears.

Each reaction is recorded once per order (a change request, a failed check, a decided
package, a cancellation), so re-sent events change nothing. An event about an order whose
plan does not exist yet fails and is retried by the inbox until the confirmation arrives,
unless the order was cancelled first: then it never gets a plan and the event changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning import planner
from services.planning.domain.template import (
    REWORK_DAYS,
    default_cost,
    default_effort,
    standard_plan,
    work_package,
)
from services.planning.models import MONDAY_TO_FRIDAY, Dependency, Plan, Reaction, Task
from shared.db import new_id
from shared.events.envelope import Envelope
from shared.events.inbox import dispatcher
from shared.events.outbox import record

logger = logging.getLogger(__name__)


class PlanNotYetCreated(LookupError):
    """The order's confirmation has not arrived yet; the inbox retries the event later."""


def plan_of(session: Session, order_id: uuid.UUID) -> Plan | None:
    """The order's plan to act on, or None when there is nothing to do: the plan is cancelled,
    or the order was cancelled before its confirmation arrived (so it never gets a plan)."""
    plan = session.scalar(sa.select(Plan).where(Plan.order_id == order_id))
    if plan is None:
        if Reaction.seen(session, order_id, "cancelled"):
            return None
        raise PlanNotYetCreated(f"no plan for order {order_id} yet")
    return None if plan.status == "cancelled" else plan


def on_order_confirmed(event: Envelope, session: Session) -> None:
    """Exactly one draft plan per order: analysis, a work package per requirement, QC, delivery."""
    data = event.data
    order_id = data["order_id"]
    if session.scalar(sa.select(Plan.id).where(Plan.order_id == order_id)):
        return
    if Reaction.seen(session, order_id, "cancelled"):
        logger.info("order %s was cancelled before its confirmation arrived", order_id)
        return
    start = data["confirmed_at"].date()
    plan = Plan(
        id=new_id(),
        order_id=order_id,
        order_number=data["number"],
        customer_id=data["customer_id"],
        title=data["title"],
        start_date=start,
        finish_date=start,
        due_date=data["due_date"],
        currency=(data.get("value") or {}).get("currency", "EUR"),
        working_weekdays=list(MONDAY_TO_FRIDAY),
        holidays=[],
        criteria={
            str(criterion["criterion_id"]): criterion["text"]
            for requirement in data["requirements"]
            for criterion in requirement["acceptance_criteria"]
        },
    )
    template = standard_plan(data["requirements"])
    made: dict[str, Task] = {}
    for position, planned in enumerate(template.tasks):
        made[planned.key] = planner.new_task(
            plan,
            name=planned.name,
            duration=planned.duration,
            milestone=planned.milestone,
            origin=planned.origin,
            department=planned.department,
            requirement_id=planned.requirement_id,
            parent_id=made[planned.parent].id if planned.parent else None,
            position=position,
        )
    tasks = list(made.values())
    links = [
        Dependency(
            plan_id=plan.id, predecessor_id=made[a].id, successor_id=made[b].id, type="FS", lag=0
        )
        for a, b in template.links
    ]
    # Scheduled before anything is stored, so that each row is inserted once, complete: the
    # plan, then its tasks, then the links between them (the flushes keep that order).
    planner.replan(session, plan, tasks, links, new=True)
    session.add(plan)
    session.flush()
    session.add_all(tasks)
    session.flush()
    session.add_all(links)
    record(
        session,
        "ordo.plan.created",
        {
            "order_id": plan.order_id,
            "plan_id": plan.id,
            "version": plan.version,
            "start_date": plan.start_date,
            "finish_date": plan.finish_date,
            "requirement_tasks": planner.requirement_tasks(session, plan, tasks),
        },
    )


def announce_draft(session: Session, plan: Plan) -> None:
    """``ordo.plan.created`` again, with the task ids per requirement, after a draft changes."""
    planner.publish(
        session,
        plan,
        "ordo.plan.created",
        start_date=plan.start_date,
        finish_date=plan.finish_date,
        requirement_tasks=planner.requirement_tasks(session, plan),
    )


def on_order_change_approved(event: Envelope, session: Session) -> None:
    """Add, change or remove work packages, reschedule, and rebaseline an activated plan."""
    data = event.data
    plan = plan_of(session, data["order_id"])
    change_key = f"change:{data['change_request_id']}"
    if plan is None or not Reaction.once(session, plan.order_id, change_key):
        return
    changes = [change for change in data["changes"] if newest_revision(session, plan, change)]
    if not changes:
        return
    for change in changes:
        packages = work_packages(session, plan, change["requirement_id"])
        requirement = change["requirement"]
        if change["action"] == "remove":
            for package in packages:
                planner.delete_subtree(session, plan, package)
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
    planner.replan(session, plan)
    reopen_if_work_remains(session, plan)
    after_replanning(session, plan, f"Change approved: {data['reason']}", event.occurred_at.date())


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


def task_of_origin(session: Session, plan: Plan, origin: str) -> Task | None:
    query = sa.select(Task).where(Task.plan_id == plan.id, Task.origin == origin)
    return session.scalars(query.order_by(Task.created_at)).first()


def add_work_package(session: Session, plan: Plan, requirement: dict) -> Task:
    """A new work package under "Work packages", after the analysis and before QC."""
    planned = work_package(requirement)
    group = task_of_origin(session, plan, "work_packages")
    analysis = task_of_origin(session, plan, "analysis")
    quality = task_of_origin(session, plan, "quality_control")
    if group is None:
        group = planner.new_task(
            plan, name="Work packages", duration=0, origin="work_packages", department="engineering"
        )
        session.add(group)
        session.flush()
        planner.place(session, plan, group, None, quality.position if quality else None)
    package = planner.new_task(
        plan,
        name=planned.name,
        duration=planned.duration,
        origin="work_package",
        department=planned.department,
        requirement_id=planned.requirement_id,
    )
    session.add(package)
    session.flush()
    planner.place(session, plan, package, group.id, None)
    if analysis is not None:
        planner.link(session, plan, analysis, package)
    if quality is not None:
        planner.link(session, plan, package, quality)
    return package


def keep_analysis_before_quality_control(session: Session, plan: Plan) -> None:
    """With no work package left, drop the empty group and let QC follow the analysis."""
    group = task_of_origin(session, plan, "work_packages")
    if group is None:
        return
    has_children = session.scalar(sa.select(Task.id).where(Task.parent_id == group.id).limit(1))
    if has_children:
        return
    planner.delete_subtree(session, plan, group)
    analysis = task_of_origin(session, plan, "analysis")
    quality = task_of_origin(session, plan, "quality_control")
    if analysis is not None and quality is not None:
        exists = session.scalar(
            sa.select(Dependency.id).where(
                Dependency.predecessor_id == analysis.id, Dependency.successor_id == quality.id
            )
        )
        if exists is None:
            planner.link(session, plan, analysis, quality)


def reopen_if_work_remains(session: Session, plan: Plan) -> None:
    """A completed plan is active again when an unfinished task is left after a change."""
    if plan.status != "completed":
        return
    if any(not task.done for task in planner.tasks_of(session, plan) if not task.summary):
        plan.status = "active"
        plan.completed_on = None


def after_replanning(session: Session, plan: Plan, reason: str, today: date) -> None:
    """Rebaseline an activated plan; a draft plan announces its new tasks as plan.created."""
    traceability = planner.requirement_tasks(session, plan)
    if planner.baselines_of(session, plan):
        planner.rebaseline(session, plan, reason, today, {"requirement_tasks": traceability})
        if plan.status == "active" and all(
            task.done for task in planner.tasks_of(session, plan) if not task.summary
        ):
            planner.settle(session, plan, today)
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
        task = planner.new_task(
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
        planner.place(session, plan, task, None, quality.position if quality else None)
        if quality is not None:
            planner.link(session, plan, task, quality)
    for reopened in (quality, delivery):
        if reopened is not None and reopened.done:
            reopened.percent_complete = 0.0
            reopened.actual_start = reopened.actual_finish = None
            reopened.actual_hours = 0.0
    planner.replan(session, plan)
    reopen_if_work_remains(session, plan)
    after_replanning(session, plan, reason, day)


def on_quality_check_failed(event: Envelope, session: Session) -> None:
    """Rework for each failed criterion (or standard) of the checked deliverable, unless the
    customer already accepted the plan (a late or re-sent failure)."""
    data = event.data
    plan = plan_of(session, data["order_id"])
    if (
        plan is None
        or plan.accepted_on is not None
        or not Reaction.once(session, plan.order_id, f"qc:{data['check_id']}")
    ):
        return
    requirement_id = data["requirement_id"]
    items = [(requirement_id, f"Rework: {item['text']}") for item in data["failed_criteria"]]
    items = items or [
        (requirement_id, f"Rework: {standard}") for standard in data["failed_standards"]
    ]
    items = items or [(requirement_id, "Rework after failed quality check")]
    plan_rework(
        session, plan, items, "Rework after a failed quality check", event.occurred_at.date()
    )


def newest_decision(session: Session, plan: Plan, package_version: int) -> bool:
    """True if no decision about this or a later package has been seen yet; then remember it.

    The customer decides on one package after the other, so a decision about a package no
    newer than one already decided on is a duplicate or arrived late, and changes nothing."""
    decided = Reaction.keys(session, plan.order_id, "decided:")
    if any(int(version) >= package_version for version in decided):
        return False
    session.add(Reaction(order_id=plan.order_id, key=f"decided:{package_version}"))
    return True


def on_delivery_rejected(event: Envelope, session: Session) -> None:
    """Rework for each criterion the customer rejected, unless the plan was accepted or this
    or a later package was already decided on (a re-sent or late rejection)."""
    data = event.data
    plan = plan_of(session, data["order_id"])
    if (
        plan is None
        or plan.accepted_on is not None
        or not newest_decision(session, plan, data["package_version"])
    ):
        return
    items = [
        (
            result["requirement_id"],
            "Rework: "
            + plan.criteria.get(str(result["criterion_id"]), result.get("comment") or "criterion"),
        )
        for result in data["results"]
        if not result["met"]
    ]
    items = items or [(None, f"Rework: {reason}") for reason in data["reasons"]]
    plan_rework(
        session, plan, items, "Rework after the delivery was rejected", event.occurred_at.date()
    )


def on_delivery_accepted(event: Envelope, session: Session) -> None:
    """The customer accepted: the delivery milestone is reached and the plan is completed."""
    data = event.data
    plan = plan_of(session, data["order_id"])
    if plan is None or plan.accepted_on is not None:
        return
    newest_decision(session, plan, data["package_version"])
    day = data["signed_at"].date()
    plan.accepted_on = day
    delivery = task_of_origin(session, plan, "delivery")
    if delivery is not None and not delivery.done:
        delivery.percent_complete = 100.0
        delivery.actual_start = delivery.actual_finish = day
        planner.publish(
            session,
            plan,
            "ordo.milestone.reached",
            task_id=delivery.id,
            name=delivery.name,
            reached_on=day,
        )
    if plan.status != "completed":
        plan.status = "completed"
        plan.completed_on = plan.completed_on or day
    planner.replan(session, plan)


def on_order_cancelled(event: Envelope, session: Session) -> None:
    """Stop the plan; an order cancelled before its confirmation arrives gets no plan."""
    data = event.data
    if not Reaction.once(session, data["order_id"], "cancelled"):
        return
    plan = session.scalar(sa.select(Plan).where(Plan.order_id == data["order_id"]))
    if plan is not None:
        plan.status = "cancelled"
        plan.cancelled_reason = data["reason"]


handle = dispatcher(
    {
        "ordo.order.confirmed": on_order_confirmed,
        "ordo.order.change_approved": on_order_change_approved,
        "ordo.order.cancelled": on_order_cancelled,
        "ordo.quality_check.failed": on_quality_check_failed,
        "ordo.delivery.accepted": on_delivery_accepted,
        "ordo.delivery.rejected": on_delivery_rejected,
    }
)

"""Traceability: from each requirement to its plan tasks, deliverable and accepted criteria.

The rows are fed by the other services' events (plan tasks, quality checks, acceptance
results); older news than what a row shows changes nothing.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.domain.tracking import is_newer_observation, replaces_plan_tasks
from services.orders.models import CriterionAcceptance, DeliverableTrace, RequirementTask
from services.orders.usecases.orders import readable_order
from shared.events.envelope import to_primitives
from shared.usecases import SYSTEM, Principal


def remember_plan_tasks(
    session: Session, order_id, plan_id, version: int | None, groups: list, says_tasks: bool
) -> None:
    """Remember which plan tasks implement which requirement (newest plan version wins).

    plan.created carries them for a draft; plan.rebaselined after a change or rework (work
    packages added or removed, rework tasks); a rebaseline without them changes nothing.
    """
    version = version or 0
    existing = list(
        session.scalars(sa.select(RequirementTask).where(RequirementTask.order_id == order_id))
    )
    if not replaces_plan_tasks(version, (row.plan_version for row in existing), says_tasks):
        return
    for row in existing:
        session.delete(row)
    session.flush()
    for group in groups:
        for task_id in dict.fromkeys(group["task_ids"]):
            session.add(
                RequirementTask(
                    order_id=order_id,
                    requirement_id=group["requirement_id"],
                    task_id=task_id,
                    plan_id=plan_id,
                    plan_version=version,
                )
            )


def deliverable_trace(
    session: Session, order_id, deliverable_id, requirement_id, moment: datetime
) -> DeliverableTrace | None:
    """The deliverable's trace row, or None when news of `moment` is older than what it shows."""
    trace = session.get(DeliverableTrace, deliverable_id)
    if trace is None:
        trace = DeliverableTrace(
            deliverable_id=deliverable_id,
            order_id=order_id,
            requirement_id=requirement_id,
            quality_status="unknown",
            failed_criteria=[],
            observed_at=moment,
        )
        session.add(trace)
        return trace
    if not is_newer_observation(moment, trace.observed_at):
        return None
    trace.observed_at = moment
    return trace


def note_quality_failure(
    session: Session, order_id, deliverable_id, requirement_id, failed: list, moment: datetime
) -> None:
    """A deliverable failed its quality check on these criteria."""
    trace = deliverable_trace(session, order_id, deliverable_id, requirement_id, moment)
    if trace is not None:
        trace.quality_status = "failed"
        trace.failed_criteria = to_primitives({"c": failed})["c"]


def note_quality_passed(
    session: Session, order_id, deliverables: list, package_version: int, moment: datetime
) -> None:
    """Deliverables handed over in a package passed their quality checks."""
    for item in deliverables:
        trace = deliverable_trace(
            session, order_id, item["deliverable_id"], item["requirement_id"], moment
        )
        if trace is not None:
            trace.quality_status = "passed"
            trace.failed_criteria = []
            trace.package_version = package_version


def note_acceptance_results(
    session: Session, order_id, results: list, package_version: int
) -> None:
    """The customer's verdict on each acceptance criterion of a package."""
    for result in results:
        row = session.get(CriterionAcceptance, result["criterion_id"]) or CriterionAcceptance(
            criterion_id=result["criterion_id"], order_id=order_id
        )
        row.requirement_id = result["requirement_id"]
        row.deliverable_id = result["deliverable_id"]
        row.met, row.comment = result["met"], result["comment"]
        row.package_version = package_version
        session.add(row)


def acceptance_of(result: CriterionAcceptance | None) -> dict:
    if result is None:
        return {"acceptance": "pending", "comment": None, "package_version": None}
    return {
        "acceptance": "met" if result.met else "not_met",
        "comment": result.comment,
        "package_version": result.package_version,
    }


def traceability(session: Session, order_id, actor: Principal = SYSTEM) -> dict:
    """Each requirement with its plan tasks, deliverable, quality status and acceptance."""
    order = readable_order(session, order_id, actor)
    tasks: dict = {}
    for row in session.scalars(
        sa.select(RequirementTask)
        .where(RequirementTask.order_id == order.id)
        .order_by(RequirementTask.task_id)
    ):
        tasks.setdefault(row.requirement_id, []).append(row.task_id)
    deliverables = {
        row.requirement_id: row
        for row in session.scalars(
            sa.select(DeliverableTrace)
            .where(DeliverableTrace.order_id == order.id)
            .order_by(DeliverableTrace.observed_at)
        )
    }
    results = {
        row.criterion_id: row
        for row in session.scalars(
            sa.select(CriterionAcceptance).where(CriterionAcceptance.order_id == order.id)
        )
    }
    return {
        "order_id": order.id,
        "number": order.number,
        "status": order.status,
        "delivery_progress": order.delivery_progress,
        "requirements": [
            {
                "requirement_id": requirement.id,
                "title": requirement.title,
                "status": requirement.status,
                "revision": requirement.revision,
                "task_ids": tasks.get(requirement.id, []),
                "deliverable": deliverables.get(requirement.id),
                "criteria": [
                    {
                        "criterion_id": criterion.id,
                        "position": criterion.position,
                        "text": criterion.text,
                        **acceptance_of(results.get(criterion.id)),
                    }
                    for criterion in requirement.criteria
                ],
            }
            for requirement in order.requirements
        ],
    }

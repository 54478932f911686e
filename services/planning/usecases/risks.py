"""The risk register of a plan and its 5×5 matrix."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.risk_scoring import (
    RAISE_THRESHOLD,
    RiskRating,
    is_raised,
    risk_matrix,
    risk_score,
)
from services.planning.domain.status import RISK_STATUS
from services.planning.models import Plan, Risk, Task
from services.planning.usecases import publish_about
from services.planning.usecases.network import plan_allowing
from shared.db import utcnow
from shared.errors import RuleViolation
from shared.events.contracts.planning import RiskRaised
from shared.usecases import ANY_VERSION, IfMatch, find


def plan_risks(
    session: Session, plan_id: uuid.UUID, status: str | None = None, min_score: int | None = None
) -> sa.Select:
    """The plan's risks, highest score first."""
    find(session, Plan, plan_id, "plan")
    query = sa.select(Risk).where(Risk.plan_id == plan_id)
    if status is not None:
        query = query.where(Risk.status == status)
    if min_score is not None:
        query = query.where(Risk.score >= min_score)
    return query.order_by(Risk.score.desc(), Risk.created_at)


def read_risk(session: Session, risk_id: uuid.UUID) -> Risk:
    return find(session, Risk, risk_id, "risk")


def register_risk(session: Session, plan_id: uuid.UUID, fields: dict[str, Any]) -> Risk:
    """Register a risk; one scoring 15 or more is published as raised."""
    plan = plan_allowing(session, plan_id)
    fields = {**fields, "task_ids": linked_tasks(session, plan, fields["task_ids"])}
    risk = Risk(plan_id=plan.id, **fields, score=0)
    session.add(risk)
    score_and_raise(session, plan, risk)
    session.flush()
    return risk


def change_risk(
    session: Session,
    risk_id: uuid.UUID,
    changes: dict[str, Any],
    if_match: IfMatch = ANY_VERSION,
) -> Risk:
    """Change a risk: its rating, response, owner, mitigation, status or tasks."""
    risk = find(session, Risk, risk_id, "risk")
    plan = plan_allowing(session, risk.plan_id)
    if_match.check(risk.version)
    if changes.get("status", risk.status) != risk.status:
        RISK_STATUS.action_to(risk.status, changes["status"])
    if "task_ids" in changes:
        changes = {**changes, "task_ids": linked_tasks(session, plan, changes["task_ids"])}
    for name, value in changes.items():
        setattr(risk, name, value)
    score_and_raise(session, plan, risk)
    session.flush()
    return risk


def linked_tasks(session: Session, plan: Plan, task_ids) -> list[str]:
    """The linked task ids as text, refusing tasks of other plans."""
    for task_id in task_ids:
        task = session.get(Task, task_id)
        if task is None or task.plan_id != plan.id:
            message = f"Task {task_id} is not in this plan."
            raise RuleViolation({"task_ids": message}, detail=message)
    return [str(task_id) for task_id in dict.fromkeys(task_ids)]


def score_and_raise(session: Session, plan: Plan, risk: Risk) -> None:
    """Score the risk; publish ``ordo.risk.raised`` when an open risk first reaches 15."""
    risk.score = risk_score(risk.probability, risk.impact)
    if not is_raised(risk.score) or risk.status != "open" or risk.raised_at is not None:
        return
    risk.raised_at = utcnow()
    session.flush()
    publish_about(
        session,
        plan,
        RiskRaised,
        risk_id=risk.id,
        title=risk.title,
        probability=risk.probability,
        impact=risk.impact,
        score=risk.score,
    )


def plan_risk_matrix(session: Session, plan_id: uuid.UUID) -> dict:
    """Open risks in the 5×5 probability × impact matrix, probability 5 on top."""
    find(session, Plan, plan_id, "plan")
    risks = session.scalars(sa.select(Risk).where(Risk.plan_id == plan_id, Risk.status == "open"))
    matrix = risk_matrix(RiskRating(risk.id, risk.probability, risk.impact) for risk in risks)
    rows = [
        [
            {
                "probability": probability,
                "impact": impact,
                "score": probability * impact,
                "count": matrix.count(probability, impact),
                "risk_ids": matrix.cells[probability, impact],
            }
            for impact in range(1, 6)
        ]
        for probability in range(5, 0, -1)
    ]
    return {"rows": rows, "raise_threshold": RAISE_THRESHOLD}

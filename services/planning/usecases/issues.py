"""The issue log of a plan: raise, assign, resolve; a risk that occurred becomes an issue."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.issues import ISSUE_STATUS, check_resolution
from services.planning.domain.status import RISK_STATUS
from services.planning.models import Issue, Plan, Risk
from services.planning.usecases.meetings import plan_holding_meetings
from shared.errors import Conflict
from shared.usecases import ANY_VERSION, IfMatch, Principal, find


def plan_issues(
    session: Session, plan_id: uuid.UUID, status: str | None = None, severity: str | None = None
) -> sa.Select:
    """The plan's issues, open first, then by due day."""
    find(session, Plan, plan_id, "plan")
    query = sa.select(Issue).where(Issue.plan_id == plan_id)
    if status is not None:
        query = query.where(Issue.status == status)
    if severity is not None:
        query = query.where(Issue.severity == severity)
    return query.order_by(Issue.status, Issue.due_date.is_(None), Issue.due_date, Issue.created_at)


def read_issue(session: Session, issue_id: uuid.UUID) -> Issue:
    return find(session, Issue, issue_id, "issue")


def raise_issue(
    session: Session, plan_id: uuid.UUID, fields: dict[str, Any], actor: Principal
) -> Issue:
    """Raise an issue on an order that is not cancelled."""
    plan = plan_holding_meetings(session, plan_id)
    issue = Issue(plan_id=plan.id, raised_by=actor.sub, **fields)
    session.add(issue)
    session.flush()
    return issue


def issue_from_risk(
    session: Session, risk_id: uuid.UUID, fields: dict[str, Any], actor: Principal
) -> Issue:
    """The risk occurred: it becomes an issue linked to it (once), and the risk is marked
    occurred."""
    risk = find(session, Risk, risk_id, "risk")
    plan = plan_holding_meetings(session, risk.plan_id)
    if session.scalar(sa.select(Issue.id).where(Issue.risk_id == risk.id)) is not None:
        raise Conflict("This risk is already an issue.", risk_id=str(risk.id))
    if risk.status != "occurred":
        RISK_STATUS.action_to(risk.status, "occurred")
        risk.status = "occurred"
    issue = Issue(
        plan_id=plan.id,
        risk_id=risk.id,
        raised_by=actor.sub,
        title=fields.get("title") or risk.title,
        description=fields.get("description") or risk.description,
        severity=fields["severity"],
        assignee=fields.get("assignee") or risk.owner,
        due_date=fields.get("due_date"),
    )
    session.add(issue)
    session.flush()
    return issue


def change_issue(
    session: Session,
    issue_id: uuid.UUID,
    changes: dict[str, Any],
    today: date,
    if_match: IfMatch = ANY_VERSION,
) -> Issue:
    """Assign, re-rate, move its due day, resolve with a resolution, or reopen."""
    issue = find(session, Issue, issue_id, "issue")
    plan_holding_meetings(session, issue.plan_id)
    if_match.check(issue.version)
    target = changes.get("status", issue.status)
    check_resolution(target, changes.get("resolution", issue.resolution))
    if target != issue.status:
        ISSUE_STATUS.action_to(issue.status, target)
        issue.resolved_on = today if target == "resolved" else None
    for name, value in changes.items():
        setattr(issue, name, value)
    session.flush()
    return issue

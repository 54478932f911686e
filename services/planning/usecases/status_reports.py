"""Status reports: drafted from the plan as of a status date, published by the manager.

Drafting freezes what the plan says then (the status report read model of `reports`, the
issue log and the action items) into the report's content, judged red/amber/green with its
reasons; the narrative is written on the draft; publishing makes it immutable, publishes
``ordo.status_report.published`` and mails it to the order's customer contact (the PDF
attached, and the address of its page on the portal).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.progress import check_status_date
from services.planning.domain.status_reports import (
    STATUS_REPORT_STATUS,
    changes_since,
    check_publishable,
    judge_rag,
    milestones_done_between,
    milestones_due_after,
    slipped_milestones,
)
from services.planning.models import ActionItem, Issue, Plan, StatusReport
from services.planning.render.mail import status_report_mail
from services.planning.render.status_report import report_html, report_pdf
from services.planning.usecases import publish_about
from services.planning.usecases.reports import milestone_fields, status_report
from shared.db import settings_of, utcnow
from shared.errors import Conflict, NotFound
from shared.events.contracts.planning import StatusReportPublished
from shared.events.envelope import to_primitives
from shared.links import page_link
from shared.mail import Attachment, queue_mail
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal, find

#: The report's page on the portal (services/planning/api/pages.py), linked from its mail.
REPORT_PAGE = "/portal/status-reports/{id}"


def draft_status_report(
    session: Session, plan_id: uuid.UUID, status_date: date, today: date
) -> StatusReport:
    """Draft the next report as of `status_date` (not before the plan starts, not beyond
    today + 1 day); Conflict before the plan is active (no baseline, no earned value)."""
    plan = find(session, Plan, plan_id, "plan")
    if plan.status not in ("active", "completed"):
        raise Conflict(
            f"A status report is drafted from an active plan; this one is {plan.status}.",
            current_status=plan.status,
        )
    check_status_date(status_date, plan.start_date, today)
    previous = last_published(session, plan.id)
    content = report_content(session, plan, status_date, previous)
    number = (
        session.scalar(
            sa.select(sa.func.max(StatusReport.number)).where(StatusReport.plan_id == plan.id)
        )
        or 0
    ) + 1
    report = StatusReport(
        plan_id=plan.id,
        number=number,
        status_date=status_date,
        rag=content["summary"]["rag"],
        reasons=content["summary"]["reasons"],
        content=content,
    )
    session.add(report)
    session.flush()
    return report


def last_published(session: Session, plan_id: uuid.UUID) -> StatusReport | None:
    return session.scalars(
        sa.select(StatusReport)
        .where(StatusReport.plan_id == plan_id, StatusReport.status == "published")
        .order_by(StatusReport.number.desc())
        .limit(1)
    ).first()


def report_content(
    session: Session, plan: Plan, status_date: date, previous: StatusReport | None
) -> dict:
    """What the report says (JSON): summary with RAG and reasons, progress, earned value,
    milestones done since the previous report and due in two weeks, top risks, open issues
    and action items, slip, and the changes since the previous report."""
    read = status_report(session, plan.id, status_date)
    earned = read["earned_value"] or {}
    milestones = read["milestones"]
    issues = session.scalars(
        sa.select(Issue).where(Issue.plan_id == plan.id, Issue.status == "open")
    ).all()
    items = session.scalars(
        sa.select(ActionItem)
        .where(ActionItem.plan_id == plan.id, ActionItem.status == "open")
        .order_by(ActionItem.due_date)
    ).all()
    overdue = [item for item in items if item.due_date is not None and item.due_date < status_date]
    rag = judge_rag(
        earned.get("status"),
        earned.get("reasons", []),
        slipped_milestones(milestones),
        len(overdue),
        [issue.severity for issue in issues],
    )
    summary = {
        "rag": rag.colour,
        "reasons": list(rag.reasons),
        "percent_complete": read["progress"]["percent_complete"],
        "spi": _number(earned.get("spi")),
        "cpi": _number(earned.get("cpi")),
        "forecast_finish": read["slip"]["finish_date"],
        "open_issues": len(issues),
        "open_high_issues": sum(issue.severity in ("high", "critical") for issue in issues),
        "open_action_items": len(items),
        "overdue_action_items": len(overdue),
    }
    summary = to_primitives(summary)
    since = previous.status_date if previous else None
    content = {
        "order_number": plan.order_number,
        "order_title": plan.title,
        "status_date": status_date,
        "previous_report": previous.number if previous else None,
        "summary": summary,
        "progress": read["progress"],
        "earned_value": {
            key: earned.get(key)
            for key in ("bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac")
        }
        | {"currency": plan.currency, "forecast_finish": earned.get("forecast_finish")},
        "milestones_done": milestones_done_between(milestones, since, status_date),
        "milestones_due": milestones_due_after(milestones, status_date),
        "top_risks": [
            {"id": risk.id, "title": risk.title, "score": risk.score, "response": risk.response}
            for risk in read["top_risks"]
        ],
        "open_issues": [
            {
                "id": issue.id,
                "title": issue.title,
                "severity": issue.severity,
                "assignee": issue.assignee,
                "due_date": issue.due_date,
            }
            for issue in sorted(
                issues,
                key=lambda issue: -(["low", "medium", "high", "critical"].index(issue.severity)),
            )
        ],
        "open_action_items": [
            {
                "id": item.id,
                "title": item.title,
                "owner": item.owner,
                "due_date": item.due_date,
                "overdue": item in overdue,
                "internal": item.internal,
            }
            for item in items
        ],
        "slip": read["slip"],
        "critical_path": [milestone_fields(task) for task in read["critical_path"]],
        "changes": changes_since(previous.content["summary"] if previous else None, summary),
    }
    return to_primitives(content)


def _number(value) -> float | None:
    return None if value is None else float(value)


def plan_status_reports(
    session: Session, plan_id: uuid.UUID, actor: Principal = SYSTEM
) -> list[StatusReport | dict]:
    """The plan's reports, newest first; a customer's: the published ones of its order."""
    plan = find(session, Plan, plan_id, "plan")
    actor.require_access(plan.customer_id)
    query = sa.select(StatusReport).where(StatusReport.plan_id == plan.id)
    if actor.is_customer:
        query = query.where(StatusReport.status == "published")
    reports = session.scalars(query.order_by(StatusReport.number.desc()))
    return [as_seen_by(report, actor) for report in reports]


def read_status_report(
    session: Session, report_id: uuid.UUID, actor: Principal = SYSTEM
) -> StatusReport:
    """A report; a customer reads only the published reports of its orders."""
    report = find(session, StatusReport, report_id, "status report")
    if actor.is_customer:
        plan = session.get(Plan, report.plan_id)
        if report.status != "published" or str(plan.customer_id) != str(actor.customer_id):
            raise NotFound("status report", report_id)
    return report


def customer_view(report: StatusReport) -> dict:
    """The report's content without internal action items, as a customer reads it."""
    content = dict(report.content)
    content["open_action_items"] = [
        item for item in content.get("open_action_items", []) if not item.get("internal")
    ]
    return content


def read_status_report_view(
    session: Session, report_id: uuid.UUID, actor: Principal = SYSTEM
) -> StatusReport | dict:
    """The report as the actor may read it (a customer: without internal items)."""
    return as_seen_by(read_status_report(session, report_id, actor), actor)


def as_seen_by(report: StatusReport, actor: Principal) -> StatusReport | dict:
    """Staff see the report; a customer sees it without internal items."""
    if not actor.is_customer:
        return report
    fields = ("id", "plan_id", "number", "status_date", "status", "rag", "reasons", "narrative")
    return {
        **{name: getattr(report, name) for name in fields},
        "published_at": report.published_at,
        "content": customer_view(report),
    }


def write_narrative(
    session: Session, report_id: uuid.UUID, narrative: str, if_match: IfMatch
) -> StatusReport:
    """The manager's narrative on a draft; 409 once published."""
    report = find(session, StatusReport, report_id, "status report")
    if_match.check(report.version)
    STATUS_REPORT_STATUS.require(report.status, "edit")
    report.narrative = narrative
    session.flush()
    return report


def publish_status_report(
    session: Session, report_id: uuid.UUID, actor: Principal, if_match: IfMatch = ANY_VERSION
) -> StatusReport:
    """Publish: immutable from now on; the event, and the mail to the customer contact."""
    report = find(session, StatusReport, report_id, "status report")
    if_match.check(report.version)
    STATUS_REPORT_STATUS.require(report.status, "publish")
    check_publishable(report.narrative)
    plan = session.get(Plan, report.plan_id)
    if plan.status == "cancelled":
        raise Conflict("The order was cancelled: its status reports are no longer sent.")
    newer = last_published(session, plan.id)
    if newer is not None and newer.number > report.number:
        raise Conflict(
            f"Report {newer.number} is already published; draft a new report instead.",
            current_status=report.status,
        )
    report.status = STATUS_REPORT_STATUS.next_status(report.status, "publish")
    report.published_at = utcnow()
    report.published_by = actor.sub
    mailed = 0
    if plan.customer_email:
        summary = report.content["summary"]
        content = customer_view(report)
        mail = status_report_mail(
            to=plan.customer_email,
            to_name=plan.contact_name,
            locale=plan.customer_locale,
            order_id=plan.order_id,
            order_number=plan.order_number,
            order_title=plan.title,
            number=report.number,
            status_date=report.status_date,
            rag=report.rag,
            reasons=report.reasons,
            percent_complete=summary["percent_complete"],
            forecast_finish=summary["forecast_finish"],
            narrative=report.narrative,
            milestones_done=content["milestones_done"],
            milestones_due=content["milestones_due"],
            open_issues=content["open_issues"],
            changes=content["changes"],
            link=page_link(
                settings_of(session), REPORT_PAGE.format(id=report.id), plan.customer_locale
            ),
        )
        pdf = _document(report, content, "pdf", mail.locale)
        attachment = Attachment(f"status-report-{report.number}.pdf", "application/pdf", pdf)
        queue_mail(session, replace(mail, attachments=(attachment,)))
        mailed = 1
    session.flush()
    summary = report.content["summary"]
    publish_about(
        session,
        plan,
        StatusReportPublished,
        status_report_id=report.id,
        number=report.number,
        status_date=report.status_date,
        rag=report.rag,
        reasons=report.reasons,
        percent_complete=summary["percent_complete"],
        spi=summary["spi"],
        cpi=summary["cpi"],
        open_issues=summary["open_issues"],
        open_action_items=summary["open_action_items"],
        mailed_to=mailed,
        milestones=milestone_forecasts(session, plan, report.status_date),
    )
    return report


def milestone_forecasts(session: Session, plan: Plan, status_date: date) -> list[dict]:
    """Every milestone of the plan as of `status_date`: baseline, forecast and reached days."""
    return [
        {
            "name": milestone["name"],
            "planned_date": milestone["baseline_date"],
            "forecast_date": milestone["finish_date"],
            "reached_on": milestone["reached_on"],
        }
        for milestone in status_report(session, plan.id, status_date)["milestones"]
    ]


def status_report_document(
    session: Session, report_id: uuid.UUID, kind: str, locale: str, actor: Principal = SYSTEM
) -> bytes | str:
    """The report as HTML or PDF in `locale` (a customer's without internal items)."""
    report = read_status_report(session, report_id, actor)
    content = customer_view(report) if actor.is_customer else report.content
    return _document(report, content, kind, locale)


def _document(report: StatusReport, content: dict, kind: str, locale: str) -> bytes | str:
    render = report_pdf if kind == "pdf" else report_html
    return render(
        number=report.number,
        status=report.status,
        narrative=report.narrative,
        content=content,
        locale=locale,
    )

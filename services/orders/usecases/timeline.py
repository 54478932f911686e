"""The order timeline: every event about an order, with a one-line summary for people.

The service's own events go on it as they are published (`add_to_timeline`, the publish
hook); the other services' events as they are heard (`record_heard_event`).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.models import Order, TimelineEntry
from shared.days import describe_slip
from shared.events.contracts import contract_for
from shared.events.contracts.delivery import (
    DeliveryAccepted,
    DeliveryLinkLocked,
    DeliveryLinkReissued,
    DeliveryRejected,
    DeliverySubmitted,
    QualityCheckFailed,
)
from shared.events.contracts.feedback import FeedbackReceived, RetrospectiveCompleted, SurveySent
from shared.events.contracts.orders import (
    OrderCancelled,
    OrderChangeApproved,
    OrderClosed,
    OrderConfirmed,
    OrderCreated,
    OrderSubmitted,
    RequirementsCustomerReviewed,
)
from shared.events.contracts.planning import (
    ActionItemOverdue,
    IncrementCompleted,
    IncrementPlanned,
    MeetingCancelled,
    MeetingScheduled,
    MilestoneReached,
    MinutesPublished,
    PlanActivated,
    PlanCompleted,
    PlanCreated,
    PlanRebaselined,
    PlanStatusChanged,
    RiskRaised,
    StatusReportPublished,
    WorkPackageCompleted,
)
from shared.events.envelope import Envelope, to_primitives
from shared.usecases import SYSTEM, Principal, find

OWN_SOURCE = contract_for(OrderCreated).source

SUMMARIES = {
    event.type: template
    for event, template in {
        OrderCreated: "Order {number} created",
        OrderSubmitted: "Order {number} submitted for review with {requirement_count} requirements",
        OrderConfirmed: "Order {number} confirmed with {requirement_total} approved "
        "requirements{override_text}",
        RequirementsCustomerReviewed: "The customer reviewed the requirements: {agreed_total} "
        "agreed, {changes_total} asked to change",
        OrderChangeApproved: "Change approved: {change_total} requirement changes, "
        "{schedule_impact_days} days schedule impact",
        OrderCancelled: "Order cancelled while {previous_status}: {reason}",
        OrderClosed: "Order closed by {closed_by}",
        PlanCreated: "Draft plan created, finishing {finish_date}",
        PlanActivated: "Plan activated: work starts {start_date}, finish {finish_date}",
        PlanRebaselined: "Plan rebaselined: finish {finish_date} ({slip} against baseline 1)",
        PlanStatusChanged: "Plan is {status}{reason_text}",
        MilestoneReached: "Milestone reached: {name}",
        RiskRaised: "Risk raised: {title} (score {score})",
        PlanCompleted: "All planned work completed",
        QualityCheckFailed: "Quality check failed on {failed_criteria_count}",
        MeetingScheduled: "Meeting scheduled: {title} on {starts_at:.10}{series}",
        MeetingCancelled: "Meeting cancelled: {title} on {cancelled_days}",
        MinutesPublished: "Minutes of {title} published: {decision_total}, {action_total}",
        ActionItemOverdue: "Action item overdue: {title} (due {due_date})",
        StatusReportPublished: "Status report {number} as of {status_date} published: "
        "{rag_upper}{reason_text}",
        IncrementPlanned: "Increment {number} ({name}) planned {start_date} to {finish_date} "
        "with {requirement_ids_count}",
        IncrementCompleted: "Increment {number} ({name}) completed {completed_on}",
        WorkPackageCompleted: "Work done for a requirement: its deliverable goes to QC",
        DeliverySubmitted: "Delivery package v{package_version} submitted for acceptance; "
        "the acceptance link was mailed to {link_recipient}{partial}",
        DeliveryLinkReissued: "A new acceptance link for package v{package_version} was mailed "
        "to {link_recipient}; the earlier link stopped working",
        DeliveryLinkLocked: "The acceptance link for package v{package_version} locked after "
        "{attempts} wrong codes; re-issue the link for the customer to decide",
        DeliveryAccepted: "Delivery accepted ({decision}) by {signed_by}{partial}",
        DeliveryRejected: "Delivery rejected: {reason_list}{partial}",
        SurveySent: "{survey_mail} mailed to {email}",
        FeedbackReceived: "Feedback received (CSAT {csat}, NPS {nps})",
        RetrospectiveCompleted: "Retrospective completed with {lessons}",
    }.items()
}


def summary(event: Envelope) -> str:
    data = to_primitives(event.data)
    data["failed_criteria_count"] = counted(
        len(data.get("failed_criteria", [])), "criterion", "criteria"
    )
    data["lessons"] = counted(data.get("lesson_count", 0), "lesson", "lessons")
    data["reason_list"] = "; ".join(data.get("reasons", []))
    data["requirement_total"] = len(data.get("requirements", []))
    data["slip"] = describe_slip(data.get("slip_days"))
    data["reason_text"] = ": " + "; ".join(data["reasons"]) if data.get("reasons") else ""
    data["change_total"] = len(data.get("changes", []))
    data["link_recipient"] = data.get("link_sent_to") or "the customer"
    data["survey_mail"] = (
        "A new satisfaction survey link (the earlier one stopped working)"
        if data.get("resent")
        else "Satisfaction survey reminder"
        if data.get("reminder")
        else "Satisfaction survey"
    )
    data["series"] = (
        f", weekly x{len(data['occurrences'])}" if len(data.get("occurrences", [])) > 1 else ""
    )
    days = [str(item["starts_at"])[:10] for item in data.get("occurrences", [])]
    later = counted(len(days) - 1, "later occurrence", "later occurrences")
    data["cancelled_days"] = f"{days[0]} and {later}" if len(days) > 1 else "".join(days)
    data["decision_total"] = counted(len(data.get("decisions", [])), "decision", "decisions")
    data["action_total"] = counted(len(data.get("action_items", [])), "action item", "action items")
    data["rag_upper"] = str(data.get("rag", "")).upper()
    data["override_text"] = (
        f" without the customer's agreement (manager's reason: {data['customer_override_reason']})"
        if data.get("customer_override_reason")
        else ""
    )
    verdicts = [d.get("decision") for d in data.get("decisions", []) if isinstance(d, dict)]
    data["agreed_total"] = verdicts.count("approved")
    data["changes_total"] = verdicts.count("changes_requested")
    if not data.get("email"):
        data["email"] = "the customer"
    data["requirement_ids_count"] = counted(
        len(data.get("requirement_ids", [])), "requirement", "requirements"
    )
    data["partial"] = partial_delivery(data)
    template = SUMMARIES.get(event.type, event.type)
    return " ".join(template.format_map(_Blank(data)).split())[:500]


def partial_delivery(data: dict) -> str:
    """`; partial delivery: …` for a delivery event that leaves requirements outstanding."""
    progress = data.get("progress")
    if not progress or data.get("final", True):
        return ""
    return (
        f"; partial delivery: {progress['accepted']} accepted, {progress['delivered']} "
        f"delivered, {progress['outstanding']} outstanding of {progress['requirements']} "
        "requirements"
    )


def counted(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


class _Blank(dict):
    def __missing__(self, key):
        return "?"


INSERT_ENTRY = sa.insert(TimelineEntry.__table__)


def add_to_timeline(session: Session, envelope: Envelope) -> None:
    """The publish hook: an event the service publishes about an order goes on its timeline.

    Written at once by a Core insert, not left to the unit of work: every write of the
    service publishes, and a new entry is never read back or changed in its transaction."""
    if "order_id" in envelope.data:
        row = timeline_row(envelope, envelope.data["order_id"])
        session.connection().execute(INSERT_ENTRY, row)


def record_heard_event(session: Session, event: Envelope) -> None:
    """Add another service's event to its order's timeline, once.

    The orders service's own events are added when they are published; their copies coming
    back through the `ordo.#` binding add nothing.
    """
    order_id = event.data.get("order_id")
    if order_id is None or event.source == OWN_SOURCE:
        return
    if session.get(TimelineEntry, event.id) is None:
        session.add(timeline_entry(event, order_id))


def timeline_entry(event: Envelope, order_id) -> TimelineEntry:
    return TimelineEntry(**timeline_row(event, order_id))


def timeline_row(event: Envelope, order_id) -> dict:
    return {
        "event_id": event.id,
        "order_id": uuid.UUID(str(order_id)),
        "type": event.type,
        "source": event.source,
        "occurred_at": event.occurred_at,
        "summary": summary(event),
        "data": to_primitives(event.data),
    }


def timeline_of(session: Session, order_id, actor: Principal = SYSTEM) -> list[TimelineEntry]:
    """Every event about the order, from every service, oldest first (customers: their own)."""
    order = find(session, Order, order_id, "order")
    actor.require_access(order.customer_id)
    query = (
        sa.select(TimelineEntry)
        .where(TimelineEntry.order_id == order_id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.event_id)
    )
    return list(session.scalars(query))


def has_heard(session: Session, order_id, event_type: str) -> bool:
    """Whether an event of this type about the order is on its timeline."""
    query = sa.select(TimelineEntry.event_id).where(
        TimelineEntry.order_id == order_id, TimelineEntry.type == event_type
    )
    return session.scalar(query.limit(1)) is not None

"""What the orders service does with the events it hears: each maps to a use case.

Every event about an order goes on its timeline (`record_heard_event`); the types below also
move the order, flag it, or feed traceability.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.orders.usecases.deliveries import record_delivery_decision, record_delivery_submitted
from services.orders.usecases.progress import (
    close_on_retrospective,
    record_feedback,
    record_plan_health,
    start_work,
)
from services.orders.usecases.timeline import record_heard_event
from services.orders.usecases.traceability import note_quality_failure, remember_plan_tasks
from shared.events.contracts.delivery import (
    DeliveryAccepted,
    DeliveryLinkLocked,
    DeliveryLinkReissued,
    DeliveryRejected,
    DeliverySubmitted,
    QualityCheckFailed,
)
from shared.events.contracts.feedback import (
    FeedbackReceived,
    RetrospectiveCompleted,
    SurveySent,
)
from shared.events.contracts.planning import (
    ActionItemOverdue,
    MeetingCancelled,
    MeetingScheduled,
    MilestoneReached,
    MinutesPublished,
    PlanActivated,
    PlanCreated,
    PlanRebaselined,
    PlanStatusChanged,
    RiskRaised,
    StatusReportPublished,
)
from shared.events.envelope import Envelope
from shared.events.inbox import dispatcher


def on_every_event(event: Envelope, session: Session) -> None:
    record_heard_event(session, event)


def on_plan_created(event: Envelope, session: Session) -> None:
    data = event.data
    remember_plan_tasks(
        session,
        data["order_id"],
        data["plan_id"],
        data.get("version"),
        data["requirement_tasks"],
        says_tasks=True,
    )


def on_plan_rebaselined(event: Envelope, session: Session) -> None:
    data = event.data
    remember_plan_tasks(
        session,
        data["order_id"],
        data["plan_id"],
        data.get("version"),
        data["requirement_tasks"],
        says_tasks=bool(data["requirement_tasks"]),
    )


def on_plan_activated(event: Envelope, session: Session) -> None:
    start_work(session, event.data["order_id"])


def on_plan_status_changed(event: Envelope, session: Session) -> None:
    data = event.data
    record_plan_health(session, data["order_id"], data["status"], data.get("version"))


def on_quality_check_failed(event: Envelope, session: Session) -> None:
    data = event.data
    note_quality_failure(
        session,
        data["order_id"],
        data["deliverable_id"],
        data["requirement_id"],
        data["failed_criteria"],
        event.occurred_at,
    )


def on_delivery_submitted(event: Envelope, session: Session) -> None:
    data = event.data
    record_delivery_submitted(
        session,
        data["order_id"],
        data["package_version"],
        data["deliverables"],
        event.occurred_at,
        data["final"],
        data["progress"],
    )


def on_delivery_accepted(event: Envelope, session: Session) -> None:
    data = event.data
    record_delivery_decision(
        session,
        data["order_id"],
        True,
        data["package_version"],
        data["results"],
        data["final"],
        data["progress"],
    )


def on_delivery_rejected(event: Envelope, session: Session) -> None:
    data = event.data
    record_delivery_decision(
        session,
        data["order_id"],
        False,
        data["package_version"],
        data["results"],
        data["final"],
        data["progress"],
    )


def on_feedback_received(event: Envelope, session: Session) -> None:
    data = event.data
    record_feedback(session, data["order_id"], data["csat"], data["nps"], data["detractor"])


def on_retrospective_completed(event: Envelope, session: Session) -> None:
    close_on_retrospective(session, event.data["order_id"])


def noted_on_timeline(event: Envelope, session: Session) -> None:
    """These events only go on the order's timeline."""


handle = dispatcher(
    {
        PlanCreated: on_plan_created,
        PlanActivated: on_plan_activated,
        PlanRebaselined: on_plan_rebaselined,
        PlanStatusChanged: on_plan_status_changed,
        MilestoneReached: noted_on_timeline,
        RiskRaised: noted_on_timeline,
        MeetingScheduled: noted_on_timeline,
        MeetingCancelled: noted_on_timeline,
        MinutesPublished: noted_on_timeline,
        ActionItemOverdue: noted_on_timeline,
        StatusReportPublished: noted_on_timeline,
        QualityCheckFailed: on_quality_check_failed,
        DeliverySubmitted: on_delivery_submitted,
        DeliveryLinkReissued: noted_on_timeline,
        DeliveryLinkLocked: noted_on_timeline,
        SurveySent: noted_on_timeline,
        DeliveryAccepted: on_delivery_accepted,
        DeliveryRejected: on_delivery_rejected,
        FeedbackReceived: on_feedback_received,
        RetrospectiveCompleted: on_retrospective_completed,
    },
    every_event=on_every_event,
)

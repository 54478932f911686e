"""What the feedback service does with the events it hears.

Every event about an order is folded into the order's row (the KPI read model); then, whatever
order the events came in, an accepted order gets its survey and an accepted or cancelled order
its retrospective, each exactly once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.feedback.usecases.communication import (
    record_action_item_closed,
    record_action_item_overdue,
    record_meetings_cancelled,
    record_meetings_scheduled,
    record_minutes_published,
    record_status_report_published,
)
from services.feedback.usecases.orders import (
    record_failed_check,
    record_order_event,
    record_plan_health,
    record_work_completed,
)
from services.feedback.usecases.pulse_surveys import open_pulse_survey
from services.feedback.usecases.retrospectives import open_retrospective
from services.feedback.usecases.surveys import open_survey, register_customer
from shared.events.contracts.delivery import (
    DeliveryAccepted,
    DeliveryRejected,
    DeliverySubmitted,
    QualityCheckFailed,
)
from shared.events.contracts.orders import (
    CustomerRegistered,
    CustomerUpdated,
    OrderCancelled,
    OrderChangeApproved,
    OrderClosed,
    OrderConfirmed,
    OrderCreated,
)
from shared.events.contracts.planning import (
    ActionItemClosed,
    ActionItemOverdue,
    IncrementCompleted,
    MeetingCancelled,
    MeetingScheduled,
    MinutesPublished,
    PlanActivated,
    PlanCompleted,
    PlanRebaselined,
    PlanStatusChanged,
    StatusReportPublished,
)
from shared.events.envelope import Envelope
from shared.events.inbox import dispatcher


def on_customer_described(event: Envelope, session: Session) -> None:
    """A registered or updated customer: its newest contact and language are kept."""
    register_customer(session, event.data)


def on_order_moved(event: Envelope, session: Session) -> None:
    """The order's facts are folded; its survey and retrospective open once they are due."""
    order = record_order_event(session, event.type, event.data, event.occurred_at)
    open_survey(session, order)
    open_retrospective(session, order)


def on_package_accepted(event: Envelope, session: Session) -> None:
    """An accepted increment may get a pulse survey; the final acceptance opens the survey and
    the retrospective."""
    order = record_order_event(session, event.type, event.data, event.occurred_at)
    open_pulse_survey(session, order, event.data)
    open_survey(session, order)
    open_retrospective(session, order)


def on_order_facts(event: Envelope, session: Session) -> None:
    record_order_event(session, event.type, event.data, event.occurred_at)


def on_plan_status_changed(event: Envelope, session: Session) -> None:
    record_plan_health(session, event.data, event.occurred_at)


def on_plan_completed(event: Envelope, session: Session) -> None:
    record_work_completed(session, event.data)


def on_quality_check_failed(event: Envelope, session: Session) -> None:
    record_failed_check(session, event.data)


def on_meeting_scheduled(event: Envelope, session: Session) -> None:
    record_meetings_scheduled(session, event.data)


def on_meeting_cancelled(event: Envelope, session: Session) -> None:
    record_meetings_cancelled(session, event.data, event.occurred_at)


def on_minutes_published(event: Envelope, session: Session) -> None:
    record_minutes_published(session, event.data, event.occurred_at)


def on_action_item_overdue(event: Envelope, session: Session) -> None:
    record_action_item_overdue(session, event.data)


def on_action_item_closed(event: Envelope, session: Session) -> None:
    record_action_item_closed(session, event.data)


def on_status_report_published(event: Envelope, session: Session) -> None:
    record_status_report_published(session, event.data, event.occurred_at)


handle = dispatcher(
    {
        CustomerRegistered: on_customer_described,
        CustomerUpdated: on_customer_described,
        OrderCreated: on_order_moved,
        OrderConfirmed: on_order_moved,
        OrderChangeApproved: on_order_facts,
        OrderCancelled: on_order_moved,
        OrderClosed: on_order_moved,
        PlanActivated: on_order_moved,
        PlanRebaselined: on_order_facts,
        PlanStatusChanged: on_plan_status_changed,
        PlanCompleted: on_plan_completed,
        QualityCheckFailed: on_quality_check_failed,
        DeliverySubmitted: on_order_moved,
        DeliveryAccepted: on_package_accepted,
        IncrementCompleted: on_order_facts,
        DeliveryRejected: on_order_moved,
        MeetingScheduled: on_meeting_scheduled,
        MeetingCancelled: on_meeting_cancelled,
        MinutesPublished: on_minutes_published,
        ActionItemOverdue: on_action_item_overdue,
        ActionItemClosed: on_action_item_closed,
        StatusReportPublished: on_status_report_published,
    }
)

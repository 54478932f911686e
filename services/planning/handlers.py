"""What the planning service does with the events it hears: each event calls one use case.

Each reaction is recorded once per order (a change request, a failed check, a decided
package, a cancellation), so re-sent events change nothing. An event about an order whose
plan does not exist yet fails and is retried by the inbox until the confirmation arrives,
unless the order was cancelled first: then it never gets a plan and the event changes nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.planning.usecases.increments import decide_package
from services.planning.usecases.meetings import cancel_meetings_of_cancelled_order
from services.planning.usecases.plans import cancel_plan, create_plan_for_order
from services.planning.usecases.replanning import (
    apply_approved_change,
    plan_rework_after_failed_check,
    plan_rework_after_rejection,
)
from shared.events.contracts.delivery import DeliveryAccepted, DeliveryRejected, QualityCheckFailed
from shared.events.contracts.orders import OrderCancelled, OrderChangeApproved, OrderConfirmed
from shared.events.envelope import Envelope
from shared.events.inbox import dispatcher


def on_order_confirmed(event: Envelope, session: Session) -> None:
    create_plan_for_order(session, event.data)


def on_order_change_approved(event: Envelope, session: Session) -> None:
    data = event.data
    apply_approved_change(
        session,
        data["order_id"],
        data["change_request_id"],
        data["changes"],
        data["reason"],
        event.occurred_at.date(),
        data.get("new_due_date"),
    )


def on_order_cancelled(event: Envelope, session: Session) -> None:
    cancel_plan(session, event.data["order_id"], event.data["reason"])
    cancel_meetings_of_cancelled_order(session, event.data["order_id"])


def on_quality_check_failed(event: Envelope, session: Session) -> None:
    data = event.data
    plan_rework_after_failed_check(
        session,
        data["order_id"],
        data["check_id"],
        data["requirement_id"],
        data["failed_criteria"],
        data["failed_standards"],
        event.occurred_at.date(),
    )


def on_delivery_rejected(event: Envelope, session: Session) -> None:
    data = event.data
    plan_rework_after_rejection(
        session,
        data["order_id"],
        data["package_version"],
        data["results"],
        data["reasons"],
        event.occurred_at.date(),
        data["increment_id"],
    )


def on_delivery_accepted(event: Envelope, session: Session) -> None:
    data = event.data
    decide_package(
        session,
        data["order_id"],
        data["package_version"],
        data["decision"],
        data["results"],
        data["final"],
        data["signed_at"].date(),
        data["increment_id"],
    )


handle = dispatcher(
    {
        OrderConfirmed: on_order_confirmed,
        OrderChangeApproved: on_order_change_approved,
        OrderCancelled: on_order_cancelled,
        QualityCheckFailed: on_quality_check_failed,
        DeliveryAccepted: on_delivery_accepted,
        DeliveryRejected: on_delivery_rejected,
    }
)

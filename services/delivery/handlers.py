"""What the delivery service does with the events it hears: each calls one use case."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.delivery.usecases.deliverables import (
    apply_approved_change,
    mark_work_done,
    record_confirmed_order,
)
from services.delivery.usecases.increments import mark_requirement_done, record_increment_planned
from services.delivery.usecases.orders import cancel_order, record_customer_contact
from shared.events.contracts.orders import (
    CustomerUpdated,
    OrderCancelled,
    OrderChangeApproved,
    OrderConfirmed,
)
from shared.events.contracts.planning import IncrementPlanned, PlanCompleted, WorkPackageCompleted
from shared.events.envelope import Envelope
from shared.events.inbox import dispatcher


def on_order_confirmed(event: Envelope, session: Session) -> None:
    record_confirmed_order(session, event.data)


def on_order_change_approved(event: Envelope, session: Session) -> None:
    apply_approved_change(session, event.data)


def on_order_cancelled(event: Envelope, session: Session) -> None:
    cancel_order(session, event.data["order_id"])


def on_customer_updated(event: Envelope, session: Session) -> None:
    record_customer_contact(session, event.data)


def on_plan_completed(event: Envelope, session: Session) -> None:
    mark_work_done(session, event.data["order_id"])


def on_work_package_completed(event: Envelope, session: Session) -> None:
    data = event.data
    mark_requirement_done(session, data["order_id"], data["requirement_id"], data["increment_id"])


def on_increment_planned(event: Envelope, session: Session) -> None:
    record_increment_planned(session, event.data)


handle = dispatcher(
    {
        OrderConfirmed: on_order_confirmed,
        OrderChangeApproved: on_order_change_approved,
        OrderCancelled: on_order_cancelled,
        PlanCompleted: on_plan_completed,
        WorkPackageCompleted: on_work_package_completed,
        IncrementPlanned: on_increment_planned,
        CustomerUpdated: on_customer_updated,
    }
)

"""What a signed-in customer reads on the portal of an order's communication: its published
status reports and the meetings its contacts attended, with their published minutes.

Every read goes through the reads the API serves a customer principal (`plan_status_reports`,
`read_status_report_view`, `status_report_document`, `plan_meetings`, `read_meeting`), so the
portal shows what the API shows a customer and nothing more: published reports without
internal action items, attended meetings, and published minutes without internal decisions or
action items. Another customer's order, report or meeting is not found, like an unknown one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.models import Plan
from services.planning.usecases.meetings import plan_meetings, read_meeting
from services.planning.usecases.status_reports import (
    plan_status_reports,
    read_status_report_view,
    status_report_document,
)
from shared.errors import NotFound
from shared.usecases import Principal


@dataclass(frozen=True)
class OrderRef:
    """The order a page belongs to, for its heading and the way back."""

    id: uuid.UUID
    number: str
    title: str


@dataclass(frozen=True)
class OrderCommunication:
    """The order's reports-and-minutes page: published reports newest first, the attended
    meetings by start (each with its minutes once published)."""

    order: OrderRef
    reports: list[dict]
    meetings: list[dict]


@dataclass(frozen=True)
class CustomerReport:
    order: OrderRef
    report: dict


@dataclass(frozen=True)
class CustomerMeeting:
    order: OrderRef
    meeting: dict


def customer_principal(customer_id: uuid.UUID) -> Principal:
    """The signed-in customer as the actor of the customer-safe reads."""
    return Principal(
        sub=f"customer:{customer_id}", roles=frozenset({"customer"}), customer_id=customer_id
    )


def order_communication(
    session: Session, order_id: uuid.UUID, customer_id: uuid.UUID
) -> OrderCommunication:
    """The customer's order's published reports and attended meetings; NotFound for an order
    that is not the customer's (or not planned yet)."""
    plan = session.scalars(sa.select(Plan).where(Plan.order_id == order_id)).first()
    if plan is None or str(plan.customer_id) != str(customer_id):
        raise NotFound("order", order_id)
    actor = customer_principal(customer_id)
    return OrderCommunication(
        order=_order_of(plan),
        reports=plan_status_reports(session, plan.id, actor),
        meetings=plan_meetings(session, plan.id, actor),
    )


def customer_report(
    session: Session, report_id: uuid.UUID, customer_id: uuid.UUID
) -> CustomerReport:
    """A published report of the customer's order, without internal items."""
    report = read_status_report_view(session, report_id, customer_principal(customer_id))
    return CustomerReport(_order_of(session.get(Plan, report["plan_id"])), report)


def customer_report_pdf(
    session: Session, report_id: uuid.UUID, customer_id: uuid.UUID, locale: str
) -> tuple[str, bytes]:
    """The published report as a PDF in `locale`, and its file name."""
    actor = customer_principal(customer_id)
    report = read_status_report_view(session, report_id, actor)
    pdf = status_report_document(session, report_id, "pdf", locale, actor)
    return f"status-report-{report['number']}.pdf", pdf


def customer_meeting(
    session: Session, meeting_id: uuid.UUID, customer_id: uuid.UUID
) -> CustomerMeeting:
    """A meeting of the customer's order its contacts attend, with its published minutes."""
    meeting = read_meeting(session, meeting_id, customer_principal(customer_id))
    return CustomerMeeting(_order_of(session.get(Plan, meeting["plan_id"])), meeting)


def _order_of(plan: Plan) -> OrderRef:
    return OrderRef(plan.order_id, plan.order_number, plan.title)

"""What the signed-in customer sees of its orders on the portal.

Read models only: the customer's orders, and per order its stage, progress and RAG with the
reasons, milestones with planned and forecast days, the requirements with their acceptance
criteria and the customer's own review decisions, the timeline as the customer may read it,
deliveries and the change requests it raised. Everything comes from the orders service's own
rows and the events it heard (the timeline keeps their data). An order of another customer is
not found (404): the portal never says that it exists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from services.orders.domain.approval import CUSTOMER
from services.orders.models import (
    ChangeRequest,
    Customer,
    Order,
    Requirement,
    ReviewDecision,
    TimelineEntry,
)
from services.orders.usecases.changes import customer_change_requests
from services.orders.usecases.requirements import live_requirements
from shared.errors import NotFound
from shared.events.contracts.delivery import DeliveryAccepted, DeliveryRejected, DeliverySubmitted
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
    MilestoneReached,
    PlanActivated,
    PlanRebaselined,
    PlanStatusChanged,
    StatusReportPublished,
)
from shared.usecases import Principal

#: The events a customer reads on its order's timeline (the rest is the staff's business).
CUSTOMER_TIMELINE = tuple(
    event.type
    for event in (
        OrderCreated,
        OrderSubmitted,
        RequirementsCustomerReviewed,
        OrderConfirmed,
        OrderChangeApproved,
        PlanActivated,
        PlanRebaselined,
        MilestoneReached,
        StatusReportPublished,
        DeliverySubmitted,
        DeliveryAccepted,
        DeliveryRejected,
        OrderClosed,
        OrderCancelled,
    )
)
DONE_STATUSES = ("delivered", "accepted", "closed")


@dataclass
class Rag:
    colour: str  # green, amber, red
    reasons: list[str]
    as_of: date | None


@dataclass
class Milestone:
    name: str
    planned: date | None
    forecast: date | None
    reached_on: date | None = None


@dataclass
class Delivery:
    delivery_id: str
    package_version: int
    state: str  # awaiting_decision, accepted, rejected
    submitted_at: datetime


@dataclass
class OrderPage:
    order: Order
    customer: Customer
    percent_complete: float | None
    rag: Rag | None
    milestones: list[Milestone]
    requirements: list
    customer_decisions: dict  # requirement id -> the customer's latest ReviewDecision
    timeline: list[TimelineEntry]
    deliveries: list[Delivery]
    change_requests: list[ChangeRequest]
    review_open: bool


def customer_order(session: Session, order_id, customer_id) -> Order:
    """The customer's order; NotFound for an unknown order and for another customer's alike."""
    # The page shows every requirement with its criteria: loaded in two queries, not one each.
    loading = selectinload(Order.requirements).selectinload(Requirement.criteria)
    order = session.get(Order, order_id, options=[loading])
    if order is None or order.customer_id != customer_id:
        raise NotFound("order", order_id)
    return order


def portal_principal(session: Session, customer_id) -> Principal:
    """The signed-in customer as the actor of what it does on the portal (named by its
    address in the rows it writes, e.g. a review decision's reviewer)."""
    customer = customer_of(session, customer_id)
    name = customer.email or customer.contact_name or customer.name
    return Principal(
        sub=f"customer:{name}"[:200], roles=frozenset({"customer"}), customer_id=customer.id
    )


def customer_of(session: Session, customer_id) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("customer", customer_id)
    return customer


@dataclass
class OrderLine:
    order: Order
    percent_complete: float | None
    rag: Rag | None
    review_open: bool


def customer_orders(session: Session, customer_id: uuid.UUID) -> list[OrderLine]:
    """The customer's orders, newest first, with progress and RAG."""
    orders = session.scalars(
        sa.select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(Order.created_at.desc(), Order.number.desc())
    ).all()
    lines = []
    for order in orders:
        heard = latest_heard(session, order.id)
        lines.append(
            OrderLine(
                order,
                percent_of(order, heard),
                rag_of(heard),
                order.status == "submitted",
            )
        )
    return lines


def order_page(session: Session, order_id, customer_id: uuid.UUID) -> OrderPage:
    order = customer_order(session, order_id, customer_id)
    heard = latest_heard(session, order.id)
    entries = list(
        session.scalars(
            sa.select(TimelineEntry)
            .where(TimelineEntry.order_id == order.id, TimelineEntry.type.in_(CUSTOMER_TIMELINE))
            .order_by(TimelineEntry.occurred_at, TimelineEntry.event_id)
        )
    )
    return OrderPage(
        order=order,
        customer=customer_of(session, customer_id),
        percent_complete=percent_of(order, heard),
        rag=rag_of(heard),
        milestones=milestones_of(heard, entries),
        requirements=live_requirements(order),
        customer_decisions=customer_decisions(session, order),
        timeline=entries,
        deliveries=deliveries_of(entries),
        change_requests=customer_change_requests(session, order),
        review_open=order.status == "submitted",
    )


def customer_decisions(session: Session, order: Order) -> dict:
    """The customer's latest decision per requirement in the current review round."""
    rows = session.scalars(
        sa.select(ReviewDecision)
        .where(
            ReviewDecision.order_id == order.id,
            ReviewDecision.review_round == order.review_round,
            ReviewDecision.party == CUSTOMER,
        )
        .order_by(ReviewDecision.decided_at, ReviewDecision.id)
    )
    return {row.requirement_id: row for row in rows}


def latest_heard(session: Session, order_id) -> dict[str, dict]:
    """The data of the latest event of each planning type that the portal reads."""
    types = (
        StatusReportPublished.type,
        PlanStatusChanged.type,
        PlanActivated.type,
        PlanRebaselined.type,
    )
    rows = session.execute(
        sa.select(TimelineEntry.type, TimelineEntry.data)
        .where(TimelineEntry.order_id == order_id, TimelineEntry.type.in_(types))
        .order_by(TimelineEntry.occurred_at, TimelineEntry.event_id)
    )
    return {type_: data for type_, data in rows}


def percent_of(order: Order, heard: dict) -> float | None:
    if order.status in DONE_STATUSES:
        return 100.0
    report = heard.get(StatusReportPublished.type)
    if report is not None:
        return float(report["percent_complete"])
    return 0.0 if order.status in ("confirmed", "in_progress", "on_hold") else None


#: Plan health in the RAG colours a status report uses.
HEALTH_RAG = {"on_track": "green", "at_risk": "amber", "off_track": "red"}


def rag_of(heard: dict) -> Rag | None:
    """The latest published status report's RAG with its reasons, else the plan's health."""
    report = heard.get(StatusReportPublished.type)
    if report is not None:
        return Rag(report["rag"], list(report.get("reasons") or []), _day(report["status_date"]))
    health = heard.get(PlanStatusChanged.type)
    if health is not None and health.get("status") in HEALTH_RAG:
        return Rag(HEALTH_RAG[health["status"]], list(health.get("reasons") or []), None)
    return None


def milestones_of(heard: dict, entries: list[TimelineEntry]) -> list[Milestone]:
    """The milestones as the latest status report states them; before one, the plan's finish
    (baseline and forecast) and the milestones reached so far."""
    report = heard.get(StatusReportPublished.type)
    if report and report.get("milestones"):
        return [
            Milestone(
                m["name"],
                _day(m.get("planned_date")),
                _day(m.get("forecast_date")),
                _day(m.get("reached_on")),
            )
            for m in report["milestones"]
        ]
    reached = [
        Milestone(e.data["name"], None, None, _day(e.data.get("reached_on")))
        for e in entries
        if e.type == MilestoneReached.type
    ]
    baseline = heard.get(PlanRebaselined.type) or heard.get(PlanActivated.type)
    if baseline is None:
        return reached
    planned = _day(baseline["finish_date"])
    health = heard.get(PlanStatusChanged.type) or {}
    forecast = _day(health.get("forecast_finish")) or planned
    return [*reached, Milestone("Finish", planned, forecast)]


def deliveries_of(entries: list[TimelineEntry]) -> list[Delivery]:
    """Each delivery package submitted, with its latest state."""
    packages: dict[str, Delivery] = {}
    states = {DeliveryAccepted.type: "accepted", DeliveryRejected.type: "rejected"}
    for entry in entries:
        delivery_id = str(entry.data.get("delivery_id", ""))
        if entry.type == DeliverySubmitted.type:
            packages[delivery_id] = Delivery(
                delivery_id,
                entry.data["package_version"],
                "awaiting_decision",
                entry.occurred_at,
            )
        elif entry.type in states and delivery_id in packages:
            packages[delivery_id].state = states[entry.type]
    return list(packages.values())


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])

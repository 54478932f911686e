"""The orders service's tables: customers, orders, requirements, reviews, changes, history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import TYPE_ANNOTATIONS, infrastructure_tables, new_id, utcnow


class Base(DeclarativeBase):
    type_annotation_map = TYPE_ANNOTATIONS


infrastructure_tables(Base.metadata)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(320))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    # The language Ordo's mails to the customer are written in (shared.vocabulary.LOCALES).
    locale: Mapped[str] = mapped_column(sa.String(10), default="en", server_default="en")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    priority: Mapped[str] = mapped_column(sa.String(10), default="normal", index=True)
    due_date: Mapped[date | None] = mapped_column(index=True)
    value_amount: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    review_round: Mapped[int] = mapped_column(default=0)
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    plan_health: Mapped[str | None] = mapped_column(sa.String(20))
    plan_health_version: Mapped[int] = mapped_column(default=0)
    at_risk: Mapped[bool] = mapped_column(default=False)
    delivery_package_version: Mapped[int] = mapped_column(default=0)
    delivery_decision: Mapped[str | None] = mapped_column(sa.String(20))
    # Partial delivery (increments): accepted / delivered / outstanding requirements, as the
    # latest delivery event counted them; None before the first package.
    delivery_progress: Mapped[dict | None]
    # Iterative delivery settings, passed on with the confirmation.
    packages_per_increment: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    pulse_surveys: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    csat: Mapped[int | None]
    nps: Mapped[int | None]
    detractor: Mapped[bool | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="order", order_by="Requirement.position"
    )

    __mapper_args__ = {"version_id_col": version}


class Requirement(Base):
    __tablename__ = "requirements"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(20))
    source: Mapped[str] = mapped_column(sa.String(20))
    priority: Mapped[str] = mapped_column(sa.String(10))
    estimate_days: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="proposed")
    revision: Mapped[int] = mapped_column(default=1)
    # The revision a review sent back (changes requested): resubmitting it unchanged is refused.
    sent_back_revision: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(back_populates="requirements")
    criteria: Mapped[list[AcceptanceCriterion]] = relationship(
        order_by="AcceptanceCriterion.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class AcceptanceCriterion(Base):
    __tablename__ = "acceptance_criteria"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    requirement_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("requirements.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)


class RequirementRevision(Base):
    """A requirement as it was at one revision, with who made it and why."""

    __tablename__ = "requirement_revisions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    requirement_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("requirements.id"), index=True)
    revision: Mapped[int]
    content: Mapped[dict]
    changed_by: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    requirement: Mapped[Requirement] = relationship()

    __table_args__ = (sa.UniqueConstraint("requirement_id", "revision"),)


class ReviewDecision(Base):
    """One reviewer's decision on one requirement in one review round."""

    __tablename__ = "review_decisions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    review_round: Mapped[int]
    requirement_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("requirements.id"))
    reviewer: Mapped[str] = mapped_column(sa.String(200))
    decision: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    # staff (an internal reviewer) or customer (the customer's review, on the portal or API).
    party: Mapped[str] = mapped_column(sa.String(10), default="staff", server_default="staff")
    # The requirement's revision the decision was made on (customers' decisions keep it).
    requirement_revision: Mapped[int | None]


class ChangeRequest(Base):
    __tablename__ = "change_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    changes: Mapped[list]
    schedule_impact_days: Mapped[int]
    cost_impact_amount: Mapped[Decimal]
    cost_impact_currency: Mapped[str] = mapped_column(sa.String(3))
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_by: Mapped[str] = mapped_column(sa.String(200))
    # Raised by the customer on the portal: title, description (reason) and wished date; the
    # staff complete the requirement changes and impact before deciding.
    raised_by_customer: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    title: Mapped[str | None] = mapped_column(sa.String(200))
    wished_date: Mapped[date | None]
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))
    decision_comment: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class TimelineEntry(Base):
    """One event about an order, from any service, as the order's history."""

    __tablename__ = "timeline_entries"

    event_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    type: Mapped[str] = mapped_column(sa.String(128))
    source: Mapped[str] = mapped_column(sa.String(128))
    occurred_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(sa.String(500))
    data: Mapped[dict]


class RequirementTask(Base):
    """A plan task that implements a requirement (from ordo.plan.created)."""

    __tablename__ = "requirement_tasks"

    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    requirement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    task_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[uuid.UUID]
    plan_version: Mapped[int] = mapped_column(default=0)


class DeliverableTrace(Base):
    """The deliverable of a requirement and its quality status, as delivery reported it."""

    __tablename__ = "deliverable_traces"

    deliverable_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    requirement_id: Mapped[uuid.UUID] = mapped_column(index=True)
    quality_status: Mapped[str] = mapped_column(sa.String(20))
    failed_criteria: Mapped[list] = mapped_column(default=list)
    package_version: Mapped[int | None]
    observed_at: Mapped[datetime]


class CriterionAcceptance(Base):
    """The customer's verdict on one acceptance criterion, from the latest delivery decision."""

    __tablename__ = "criterion_acceptances"

    criterion_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    requirement_id: Mapped[uuid.UUID]
    deliverable_id: Mapped[uuid.UUID]
    met: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    package_version: Mapped[int]


# The lists' indexes (migration 0004_scale): each serves its list's filter and order, so a
# page costs the rows it shows (shared.http.pages).
sa.Index("ix_orders_list", Order.created_at, Order.number)
sa.Index("ix_orders_status_list", Order.status, Order.created_at, Order.number)
sa.Index("ix_orders_customer_list", Order.customer_id, Order.created_at, Order.number)
sa.Index("ix_customers_list", Customer.name, Customer.id)
sa.Index(
    "ix_change_requests_list", ChangeRequest.order_id, ChangeRequest.created_at, ChangeRequest.id
)


class SignInLink(Base):
    """A single-use portal sign-in link mailed to a customer: its digest, never the link."""

    __tablename__ = "sign_in_links"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

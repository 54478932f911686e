"""The feedback service's tables: its read model of customers and orders, surveys,
retrospectives with their lessons, actions and archive, the knowledge base and follow-ups."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.feedback.domain.kpi_totals import CONTRIBUTIONS
from shared.db import TYPE_ANNOTATIONS, infrastructure_tables, new_id, utcnow


class Base(DeclarativeBase):
    type_annotation_map = TYPE_ANNOTATIONS


infrastructure_tables(Base.metadata)


class Customer(Base):
    """A customer as ordo.customer.registered described it: the contact for surveys."""

    __tablename__ = "customers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    locale: Mapped[str] = mapped_column(sa.String(10), default="en", server_default="en")
    version: Mapped[int] = mapped_column(default=1)


class Order(Base):
    """What this service knows of one order, folded from events (see domain.kpis.OrderFacts)."""

    __tablename__ = "orders"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(sa.String(20))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    due_date: Mapped[date | None]
    facts: Mapped[dict] = mapped_column(default=dict)
    requirement_kinds: Mapped[dict] = mapped_column(default=dict)
    plan_health: Mapped[str | None] = mapped_column(sa.String(20))
    plan_health_at: Mapped[datetime | None]
    work_completed_on: Mapped[date | None]
    failed_check_ids: Mapped[list] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Survey(Base):
    """One satisfaction survey per accepted order; the link is its only credential."""

    __tablename__ = "surveys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    order_number: Mapped[str | None] = mapped_column(sa.String(20))
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    sent_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # The digest of the one link that may still answer: every mail carries a fresh link.
    link_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    link_sent_to: Mapped[str | None] = mapped_column(sa.String(320))
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    csat: Mapped[int | None]
    nps: Mapped[int | None]
    quality: Mapped[int | None]
    schedule: Mapped[int | None]
    communication: Mapped[int | None]
    service: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    detractor: Mapped[bool | None]


class FollowUp(Base):
    """A detractor's answer waiting for the order's manager to get in touch."""

    __tablename__ = "follow_ups"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    survey_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("surveys.id"), unique=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    order_number: Mapped[str | None] = mapped_column(sa.String(20))
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    owner_role: Mapped[str] = mapped_column(sa.String(20), default="manager")
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Retrospective(Base):
    """The look back at one order, opened on acceptance or cancellation."""

    __tablename__ = "retrospectives"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    order_number: Mapped[str | None] = mapped_column(sa.String(20))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    opened_on: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(default=1)

    lessons: Mapped[list[Lesson]] = relationship(order_by="Lesson.created_at")
    actions: Mapped[list[ImprovementAction]] = relationship(order_by="ImprovementAction.created_at")
    archive: Mapped[list[ArchiveItem]] = relationship(order_by="ArchiveItem.created_at")

    __mapper_args__ = {"version_id_col": version}


class Lesson(Base):
    __tablename__ = "lessons"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    retrospective_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("retrospectives.id"), index=True
    )
    went_well: Mapped[str | None] = mapped_column(sa.Text)
    problem: Mapped[str | None] = mapped_column(sa.Text)
    root_cause: Mapped[str | None] = mapped_column(sa.Text)
    suggestion: Mapped[str | None] = mapped_column(sa.Text)
    tags: Mapped[list] = mapped_column(default=list)
    requirement_id: Mapped[uuid.UUID | None]
    requirement_kind: Mapped[str | None] = mapped_column(sa.String(20))
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImprovementAction(Base):
    __tablename__ = "improvement_actions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    retrospective_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("retrospectives.id"), index=True
    )
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    owner: Mapped[str] = mapped_column(sa.String(200), index=True)
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ArchiveItem(Base):
    """A delivery document kept by reference (its id, title, kind and digest) with a summary."""

    __tablename__ = "archive_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    retrospective_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("retrospectives.id"), index=True
    )
    document_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(50))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    summary: Mapped[str] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeEntry(Base):
    """A lesson or archived item of any order, denormalised for search."""

    __tablename__ = "knowledge_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entry_type: Mapped[str] = mapped_column(sa.String(20))
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    order_number: Mapped[str | None] = mapped_column(sa.String(20))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    requirement_kind: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    tags: Mapped[list] = mapped_column(default=list)
    # " tag-a tag-b ": a tag filter is a portable substring match on a padded word list.
    tag_words: Mapped[str] = mapped_column(sa.Text, default=" ")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    # PostgreSQL's full-text search reads this GIN index (the expression the search queries;
    # written by hand in migration 0002).
    __table_args__ = (
        sa.Index(
            "ix_knowledge_entries_search",
            sa.text("to_tsvector('english'::regconfig, title || ' ' || body || tag_words)"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )


# The lists' indexes (migration 0004_scale): each serves its list's filter and order, so a
# page costs the rows it shows (shared.http.pages).
sa.Index("ix_surveys_list", Survey.sent_at, Survey.id)
sa.Index("ix_follow_ups_list", FollowUp.created_at, FollowUp.id)
sa.Index("ix_retrospectives_list", Retrospective.opened_at, Retrospective.id)
sa.Index("ix_improvement_actions_list", ImprovementAction.due_date, ImprovementAction.created_at)
sa.Index("ix_knowledge_entries_list", KnowledgeEntry.created_at, KnowledgeEntry.id)


class MeetingFact(Base):
    """A meeting the planning service scheduled (one per occurrence), held once minuted, or
    cancelled (then no longer planned)."""

    __tablename__ = "meeting_facts"

    meeting_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    starts_at: Mapped[datetime]
    held_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class ActionItemFact(Base):
    """An action item from published minutes: due when, closed when, on time or not."""

    __tablename__ = "action_item_facts"

    action_item_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    closed_on: Mapped[date | None]
    on_time: Mapped[bool | None]
    overdue: Mapped[bool] = mapped_column(default=False)


class StatusReportFact(Base):
    """A status report the planning service published."""

    __tablename__ = "status_report_facts"

    status_report_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    status_date: Mapped[date]
    published_at: Mapped[datetime]


class PulseSurvey(Base):
    """A short survey after one accepted increment (the order's pulse_surveys setting): one
    score and a comment, answered by the customer in its session."""

    __tablename__ = "pulse_surveys"
    __table_args__ = (sa.UniqueConstraint("order_id", "increment_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    increment_id: Mapped[uuid.UUID]
    customer_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    requested_by: Mapped[str] = mapped_column(sa.String(200))
    sent_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(sa.Text)


# The sums of the orders' contributions to the KPIs (domain/kpi_totals.py) per creation month
# and customer ("" while unknown), kept up by the fold as events change an order, so that
# the KPIs of any span of months are a sum over a few rows (migration 0007_kpi_sums).
kpi_sums = sa.Table(
    "kpi_sums",
    Base.metadata,
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("customer", sa.String(36), primary_key=True),
    *(
        sa.Column(
            name,
            sa.Numeric(20, 6) if name == "increments_effort" else sa.BigInteger,
            nullable=False,
        )
        for name in CONTRIBUTIONS
    ),
)

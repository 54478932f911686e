"""The planning service's tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import TYPE_ANNOTATIONS, Reactions, infrastructure_tables, new_id, utcnow


class Base(DeclarativeBase):
    type_annotation_map = TYPE_ANNOTATIONS


infrastructure_tables(Base.metadata)


MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)


class Plan(Base):
    """One project plan per confirmed order, with its working calendar and health."""

    __tablename__ = "plans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    order_number: Mapped[str] = mapped_column(sa.String(20))
    customer_id: Mapped[uuid.UUID]
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    health: Mapped[str | None] = mapped_column(sa.String(20))
    start_date: Mapped[date]
    finish_date: Mapped[date]
    due_date: Mapped[date | None]
    # The data date: progress is reported as of it; unfinished work before it is moved after it.
    status_date: Mapped[date | None]
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    working_weekdays: Mapped[list] = mapped_column(default=lambda: list(MONDAY_TO_FRIDAY))
    holidays: Mapped[list] = mapped_column(default=list)
    # Acceptance-criterion texts by id, from the order, to name rework after a rejection.
    criteria: Mapped[dict] = mapped_column(default=dict)
    activated_on: Mapped[date | None]
    completed_on: Mapped[date | None]
    accepted_on: Mapped[date | None]
    cancelled_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Whom status reports are mailed to, as the order's confirmation named them.
    customer_email: Mapped[str | None] = mapped_column(sa.String(320))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    customer_locale: Mapped[str | None] = mapped_column(sa.String(16))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Task(Base):
    """A WBS element: a summary (has children), a task, or a milestone (zero duration)."""

    __tablename__ = "tasks"
    # Room on each page for a row's next version: a replan rewrites the (unindexed) dates and
    # floats of every task it moves, which PostgreSQL then does without touching the indexes.
    __table_args__ = {"postgresql_with": {"fillfactor": 70}}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tasks.id"))
    position: Mapped[int] = mapped_column(default=0)
    wbs_code: Mapped[str] = mapped_column(sa.String(60), default="")
    level: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(200))
    department: Mapped[str] = mapped_column(sa.String(20), default="other")
    requirement_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    origin: Mapped[str] = mapped_column(sa.String(20), default="manual")
    milestone: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[bool] = mapped_column(default=False)
    duration: Mapped[int] = mapped_column(default=1)
    effort_hours: Mapped[float] = mapped_column(default=0.0)
    cost: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    not_before: Mapped[date | None]
    percent_complete: Mapped[float] = mapped_column(default=0.0)
    actual_start: Mapped[date | None]
    actual_finish: Mapped[date | None]
    actual_hours: Mapped[float] = mapped_column(default=0.0)
    actual_cost: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    start_date: Mapped[date | None]
    finish_date: Mapped[date | None]
    late_start: Mapped[date | None]
    late_finish: Mapped[date | None]
    total_float: Mapped[int] = mapped_column(default=0)
    free_float: Mapped[int] = mapped_column(default=0)
    critical: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    @property
    def done(self) -> bool:
        return self.percent_complete >= 100


class Dependency(Base):
    """``successor`` waits on ``predecessor`` (FS, SS, FF or SF) with a lag in working days."""

    __tablename__ = "dependencies"
    __table_args__ = (sa.UniqueConstraint("predecessor_id", "successor_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    predecessor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tasks.id"))
    successor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tasks.id"))
    type: Mapped[str] = mapped_column(sa.String(2), default="FS")
    lag: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Baseline(Base):
    """A numbered snapshot of the plan: 1 on activation, more after changes and rework."""

    __tablename__ = "baselines"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    number: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    taken_on: Mapped[date]
    start_date: Mapped[date]
    finish_date: Mapped[date]
    effort_hours: Mapped[float]
    cost: Mapped[Decimal]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BaselineTask(Base):
    """One task's dates, effort and cost as a baseline saw them."""

    __tablename__ = "baseline_tasks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    baseline_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("baselines.id"), index=True)
    task_id: Mapped[uuid.UUID]
    wbs_code: Mapped[str] = mapped_column(sa.String(60))
    name: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[bool]
    milestone: Mapped[bool]
    start_date: Mapped[date]
    finish_date: Mapped[date]
    effort_hours: Mapped[float]
    cost: Mapped[Decimal]


class Resource(Base):
    """A person or a piece of equipment that tasks are allocated to."""

    __tablename__ = "resources"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    department: Mapped[str] = mapped_column(sa.String(20))
    hours_per_day: Mapped[float]
    cost_rate: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Allocation(Base):
    """A resource working ``hours_per_day`` on each working day of a task."""

    __tablename__ = "allocations"
    __table_args__ = (sa.UniqueConstraint("task_id", "resource_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    task_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tasks.id"), index=True)
    resource_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("resources.id"), index=True)
    hours_per_day: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Risk(Base):
    """A risk on a plan: probability and impact 1–5, a response, an owner, linked tasks."""

    __tablename__ = "risks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    probability: Mapped[int]
    impact: Mapped[int]
    score: Mapped[int]
    response: Mapped[str] = mapped_column(sa.String(20))
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    mitigation: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    task_ids: Mapped[list] = mapped_column(default=list)
    raised_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Meeting(Base):
    """One meeting of an order (one row per occurrence of a recurring one) and its minutes."""

    __tablename__ = "meetings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    series_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    call_url: Mapped[str | None] = mapped_column(sa.String(500))
    recurrence: Mapped[str | None] = mapped_column(sa.String(200))
    attendees: Mapped[list] = mapped_column(default=list)
    agenda: Mapped[list] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(sa.String(20), default="scheduled")
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    decisions: Mapped[list] = mapped_column(default=list)
    # Action items as drafted in the minutes; rows in action_items once published.
    draft_action_items: Mapped[list] = mapped_column(default=list)
    minutes_published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # Mailed to the attendees with the cancellation; shown with the meeting.
    cancellation_reason: Mapped[str | None] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class ActionItem(Base):
    """What a meeting's minutes ask someone to do by a day, linked to a task, risk or issue."""

    __tablename__ = "action_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("meetings.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    owner: Mapped[str] = mapped_column(sa.String(320))
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    internal: Mapped[bool] = mapped_column(default=False)
    task_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tasks.id"))
    risk_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("risks.id"))
    issue_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("issues.id"))
    closed_on: Mapped[date | None]
    # Set when ordo.action_item.overdue was published: it is said once per item.
    overdue_published_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Issue(Base):
    """A problem that happened on the order, followed until resolved; may come from a risk."""

    __tablename__ = "issues"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    severity: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    raised_by: Mapped[str] = mapped_column(sa.String(200))
    assignee: Mapped[str | None] = mapped_column(sa.String(200))
    due_date: Mapped[date | None]
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    resolved_on: Mapped[date | None]
    risk_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("risks.id"), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class StatusReport(Base):
    """A status report as of a status date: its figures frozen when drafted, the manager's
    narrative, immutable once published."""

    __tablename__ = "status_reports"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    number: Mapped[int]
    status_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    rag: Mapped[str] = mapped_column(sa.String(10))
    reasons: Mapped[list] = mapped_column(default=list)
    content: Mapped[dict] = mapped_column(default=dict)
    narrative: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Reaction(Reactions, Base):
    """An event already acted on for an order (a change, a failed check, a rejection, a cancel),
    so that a re-sent event with a new id changes nothing."""


class Increment(Base):
    """An iteration or release of an incremental plan: dates and, through
    `IncrementRequirement`, the requirements (work packages) it delivers."""

    __tablename__ = "increments"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), default="iteration")
    start_date: Mapped[date]
    finish_date: Mapped[date]
    completed_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class IncrementRequirement(Base):
    """A requirement scheduled in an increment; one increment per requirement at most (the
    requirements of a plan in none are its backlog)."""

    __tablename__ = "increment_requirements"
    __table_args__ = (sa.UniqueConstraint("plan_id", "requirement_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    increment_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("increments.id"), index=True)
    requirement_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# The lists' indexes (migration 0004_scale): each serves its list's filter and order, so a
# page costs the rows it shows (shared.http.pages).
sa.Index("ix_plans_list", Plan.created_at, Plan.id)
sa.Index("ix_plans_status_list", Plan.status, Plan.created_at, Plan.id)
sa.Index("ix_resources_list", Resource.name, Resource.id)
sa.Index("ix_risks_list", Risk.plan_id, Risk.score.desc(), Risk.created_at, Risk.id)


class LevellingJob(Base):
    """A levelling of one plan that the worker runs within a time budget; at most one queued or
    running per plan."""

    __tablename__ = "levelling_jobs"
    __table_args__ = (
        sa.Index(
            "ux_levelling_jobs_unfinished",
            "plan_id",
            unique=True,
            postgresql_where=sa.text("status IN ('queued', 'running')"),
            sqlite_where=sa.text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    plan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    mode: Mapped[str] = mapped_column(sa.String(20))
    dry_run: Mapped[bool]
    status: Mapped[str] = mapped_column(sa.String(20), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    budget_seconds: Mapped[float]
    complete: Mapped[bool | None]  # False: the budget ran out and the result is the best by then
    result: Mapped[dict | None]
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

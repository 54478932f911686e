"""The delivery service's tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import TYPE_ANNOTATIONS, Reactions, infrastructure_tables, new_id, utcnow


class Base(DeclarativeBase):
    # Measured values and tolerances need more places than money.
    type_annotation_map = {**TYPE_ANNOTATIONS, Decimal: sa.Numeric(18, 6)}


infrastructure_tables(Base.metadata)


class OrderRecord(Base):
    """What delivery knows of an order, folded from the orders and planning events."""

    __tablename__ = "order_records"

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    customer_name: Mapped[str | None] = mapped_column(sa.String(200))
    # Whom the acceptance request is mailed to (ordo.order.confirmed, ordo.customer.updated).
    customer_email: Mapped[str | None] = mapped_column(sa.String(320))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    customer_locale: Mapped[str | None] = mapped_column(sa.String(10))
    customer_version: Mapped[int | None]
    number: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    cancelled: Mapped[bool] = mapped_column(default=False)
    plan_completed: Mapped[bool] = mapped_column(default=False)
    order_version: Mapped[int] = mapped_column(default=0)
    # The order forbids packages that mix increments (ordo.order.confirmed).
    packages_per_increment: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    confirmed_at: Mapped[datetime]


class Reaction(Reactions, Base):
    """What delivery remembers of an order's events beyond its rows: a change request applied,
    a requirement removed, a cancellation (also of an order never confirmed here), so that a
    re-sent or overtaken event changes nothing it should not."""


class Deliverable(Base):
    """What one approved requirement is delivered as."""

    __tablename__ = "deliverables"
    __table_args__ = (sa.UniqueConstraint("order_id", "requirement_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("order_records.order_id"), index=True)
    requirement_id: Mapped[uuid.UUID]
    requirement_revision: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    # The increment of an incremental plan that delivers it (ordo.increment.planned).
    increment_id: Mapped[uuid.UUID | None]
    increment_number: Mapped[int | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    criteria: Mapped[list[DeliverableCriterion]] = relationship(
        order_by="DeliverableCriterion.position", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def active_criteria(self) -> list[DeliverableCriterion]:
        return [criterion for criterion in self.criteria if not criterion.withdrawn]


class DeliverableCriterion(Base):
    """A snapshot of one acceptance criterion of the deliverable's requirement."""

    __tablename__ = "deliverable_criteria"
    __table_args__ = (sa.UniqueConstraint("deliverable_id", "criterion_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    deliverable_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("deliverables.id"), index=True)
    criterion_id: Mapped[uuid.UUID] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int]
    withdrawn: Mapped[bool] = mapped_column(default=False)


class QualityCheck(Base):
    """One inspection of a deliverable against its checklist."""

    __tablename__ = "quality_checks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    deliverable_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("deliverables.id"), index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    attempt: Mapped[int]
    inspector: Mapped[str] = mapped_column(sa.String(200))
    passed: Mapped[bool]
    passed_count: Mapped[int]
    failed_count: Mapped[int]
    not_applicable_count: Mapped[int]
    inspected_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[QualityCheckItem]] = relationship(
        order_by="QualityCheckItem.position", lazy="selectin"
    )


class QualityCheckItem(Base):
    """One answered line of a checklist: a criterion or a standard item."""

    __tablename__ = "quality_check_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    check_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("quality_checks.id"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(64))
    criterion_id: Mapped[uuid.UUID | None]
    description: Mapped[str] = mapped_column(sa.Text)
    specification: Mapped[str | None] = mapped_column(sa.Text)
    tolerance: Mapped[dict | None]
    result: Mapped[str] = mapped_column(sa.String(20))
    measured: Mapped[Decimal | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")


class NonConformance(Base):
    """A failed check's record of what is wrong and what is done about it."""

    __tablename__ = "non_conformances"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    check_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("quality_checks.id"), unique=True)
    deliverable_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("deliverables.id"), index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    severity: Mapped[str] = mapped_column(sa.String(10))
    description: Mapped[str] = mapped_column(sa.Text)
    corrective_action: Mapped[str] = mapped_column(sa.Text, default="")
    preventive_action: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    version: Mapped[int] = mapped_column(default=1)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}


class Document(Base):
    """One version of a delivery document; its bytes live in `document_contents`."""

    __tablename__ = "documents"
    __table_args__ = (sa.UniqueConstraint("order_id", "name", "document_version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("order_records.order_id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    document_version: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by: Mapped[str] = mapped_column(sa.String(200))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocumentContent(Base):
    """A document's bytes, apart so that listing documents never loads them."""

    __tablename__ = "document_contents"

    document_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("documents.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


delivery_deliverables = sa.Table(
    "delivery_deliverables",
    Base.metadata,
    sa.Column("delivery_id", sa.ForeignKey("deliveries.id"), primary_key=True),
    sa.Column("deliverable_id", sa.ForeignKey("deliverables.id"), primary_key=True),
)

delivery_documents = sa.Table(
    "delivery_documents",
    Base.metadata,
    sa.Column("delivery_id", sa.ForeignKey("deliveries.id"), primary_key=True),
    sa.Column("document_id", sa.ForeignKey("documents.id"), primary_key=True),
)


class Delivery(Base):
    """A delivery package: deliverables and documents handed over for acceptance."""

    __tablename__ = "deliveries"
    __table_args__ = (sa.UniqueConstraint("order_id", "package_version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("order_records.order_id"), index=True)
    package_version: Mapped[int]
    # The one increment whose deliverables it holds (None: a classic plan or a mix).
    increment_id: Mapped[uuid.UUID | None]
    status: Mapped[str] = mapped_column(sa.String(30), default="draft", index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    content: Mapped[dict | None]
    content_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # Only the digest of the one link that may still decide; the link itself was mailed.
    link_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    link_sent_to: Mapped[str | None] = mapped_column(sa.String(320))
    link_expires_at: Mapped[datetime | None]
    # The acceptance code (ORDO_ACCEPTANCE_CODE): only its HMAC, keyed with the link.
    code_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    code_expires_at: Mapped[datetime | None]
    wrong_codes: Mapped[int] = mapped_column(default=0, server_default="0")
    link_locked_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    deliverables: Mapped[list[Deliverable]] = relationship(
        secondary=delivery_deliverables, order_by=Deliverable.created_at, lazy="selectin"
    )
    documents: Mapped[list[Document]] = relationship(
        secondary=delivery_documents, order_by=Document.uploaded_at, lazy="selectin"
    )
    acceptance: Mapped[Acceptance | None] = relationship(lazy="selectin")
    punch_items: Mapped[list[PunchItem]] = relationship(
        order_by="PunchItem.position", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class Acceptance(Base):
    """The customer's signed decision on one submitted package."""

    __tablename__ = "acceptances"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    delivery_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("deliveries.id"), unique=True)
    decision: Mapped[str] = mapped_column(sa.String(30))
    results: Mapped[list] = mapped_column(sa.JSON)
    reasons: Mapped[list] = mapped_column(sa.JSON)
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_title: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    signed_at: Mapped[datetime]
    client_address: Mapped[str] = mapped_column(sa.String(64))
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    via: Mapped[str] = mapped_column(sa.String(10))
    decided_by: Mapped[str] = mapped_column(sa.String(200))


class PunchItem(Base):
    """Work still owed after a conditional acceptance."""

    __tablename__ = "punch_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    delivery_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("deliveries.id"), index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    position: Mapped[int]
    description: Mapped[str] = mapped_column(sa.Text)
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(10), default="open")
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


# The lists' indexes (migration 0004_scale): each serves its list's filter and order, so a
# page costs the rows it shows (shared.http.pages).
sa.Index("ix_deliverables_list", Deliverable.created_at, Deliverable.id)
sa.Index("ix_deliveries_list", Delivery.created_at, Delivery.id)
sa.Index("ix_non_conformances_list", NonConformance.opened_at, NonConformance.id)

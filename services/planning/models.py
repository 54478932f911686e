"""The planning service's tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, infrastructure_tables, new_id, utcnow


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, Decimal: sa.Numeric(14, 2), dict: sa.JSON}


infrastructure_tables(Base.metadata)


class Plan(Base):
    """One project plan per confirmed order."""

    __tablename__ = "plans"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    order_number: Mapped[str] = mapped_column(sa.String(20))
    customer_id: Mapped[uuid.UUID]
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    start_date: Mapped[date]
    finish_date: Mapped[date]
    due_date: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}

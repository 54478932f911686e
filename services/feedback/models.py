"""The feedback service's tables."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

from shared.db import UTCDateTime, infrastructure_tables


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, Decimal: sa.Numeric(14, 2), dict: sa.JSON}


infrastructure_tables(Base.metadata)

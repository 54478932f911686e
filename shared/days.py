"""The days Ordo stores and schedules: from 1900-01-01 to 2999-12-31."""

from datetime import date

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)

"""What the planning views share: who may read, edit and report, today's date, and the ETag
of what they answer with."""

from __future__ import annotations

from datetime import date

from services.planning.domain.status import EDITORS, REPORTERS
from shared.http.auth import STAFF
from shared.http.requests import etag

READERS = STAFF

__all__ = ["EDITORS", "READERS", "REPORTERS", "today", "versioned"]


def today() -> date:
    return date.today()


def versioned(row, body=None, **headers: str):
    """The response `body` (default: the row itself) with the row's version as its ETag."""
    return (row if body is None else body), {"ETag": etag(row.version), **headers}

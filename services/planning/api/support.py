"""What the planning views share: who may read, edit and report, and today's date."""

from __future__ import annotations

from datetime import date

from services.planning.domain.status import EDITORS, REPORTERS
from shared.http.auth import STAFF

READERS = STAFF

__all__ = ["EDITORS", "READERS", "REPORTERS", "today"]


def today() -> date:
    return date.today()

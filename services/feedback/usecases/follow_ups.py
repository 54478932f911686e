"""Follow-ups: detractors' answers waiting for the order's manager, closed with a note."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain.follow_through import status_after_closing_follow_up
from services.feedback.models import FollowUp
from shared.db import filter_by
from shared.usecases import ANY_VERSION, IfMatch, find


def list_follow_ups(filters: Mapping[str, Any]) -> sa.Select:
    """Follow-ups, oldest first."""
    query = sa.select(FollowUp).order_by(FollowUp.created_at, FollowUp.id)
    return filter_by(query, filters, FollowUp.status, FollowUp.customer_id)


def close_follow_up(
    session: Session, follow_up_id: uuid.UUID, note: str, if_match: IfMatch = ANY_VERSION
) -> FollowUp:
    """Close a follow-up with what was done (409 once closed)."""
    follow_up = find(session, FollowUp, follow_up_id, "follow-up")
    if_match.check(follow_up.version)
    follow_up.status = status_after_closing_follow_up(follow_up.status)
    follow_up.note = note
    follow_up.closed_at = datetime.now(UTC)
    session.flush()
    return follow_up

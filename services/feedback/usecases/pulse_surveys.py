"""Pulse surveys: a short survey after each accepted increment (the order's setting), sent on
the acceptance or on staff request, answered once by the customer in its session."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain.pulse import check_pulse_answer, check_pulse_request
from services.feedback.models import Order, PulseSurvey
from services.feedback.usecases.orders import facts_of, order_row
from shared.errors import Conflict
from shared.usecases import SYSTEM, Principal, find


def open_pulse_survey(session: Session, order: Order, data: Mapping[str, Any]) -> None:
    """An increment accepted before the final acceptance gets a pulse survey, once, when the
    order asks for them."""
    increment_id = data.get("increment_id")
    facts = facts_of(order)
    if not increment_id or data.get("final", True) or not facts.pulse_surveys:
        return
    if pulse_of(session, order.id, increment_id) is None:
        add_pulse_survey(session, order, increment_id, SYSTEM.sub)


def pulse_of(session: Session, order_id, increment_id) -> PulseSurvey | None:
    query = sa.select(PulseSurvey).where(
        PulseSurvey.order_id == order_id, PulseSurvey.increment_id == increment_id
    )
    return session.scalar(query)


def add_pulse_survey(session: Session, order: Order, increment_id, requested_by: str):
    survey = PulseSurvey(
        order_id=order.id,
        increment_id=increment_id,
        customer_id=order.customer_id,
        requested_by=requested_by,
        sent_at=datetime.now(UTC),
    )
    session.add(survey)
    session.flush()
    return survey


def request_pulse_survey(
    session: Session, order_id: uuid.UUID, increment_id: uuid.UUID, actor: Principal
) -> PulseSurvey:
    """Staff ask for a pulse survey about an accepted increment (422 if it is not, 409 if one
    was sent already)."""
    order = order_row(session, order_id)
    check_pulse_request(str(increment_id), facts_of(order).accepted_increments)
    if pulse_of(session, order.id, increment_id) is not None:
        raise Conflict("A pulse survey about this increment was sent already.")
    return add_pulse_survey(session, order, increment_id, actor.sub)


def list_pulse_surveys(filters: Mapping[str, Any], actor: Principal = SYSTEM) -> sa.Select:
    """Pulse surveys, newest first, of one order if given (customers: their own only)."""
    query = sa.select(PulseSurvey).order_by(PulseSurvey.sent_at.desc(), PulseSurvey.id)
    if "order_id" in filters:
        query = query.where(PulseSurvey.order_id == filters["order_id"])
    if actor.is_customer:
        query = query.where(PulseSurvey.customer_id == actor.customer_id)
    return query


def answer_pulse_survey(
    session: Session, survey_id: uuid.UUID, data: Mapping[str, Any], actor: Principal
) -> PulseSurvey:
    survey = find(session, PulseSurvey, survey_id, "pulse survey")
    actor.require_access(survey.customer_id)
    check_pulse_answer(survey.answered_at is not None, data["score"])
    survey.score, survey.comment = data["score"], data.get("comment")
    survey.answered_at = datetime.now(UTC)
    session.flush()
    return survey

"""Pulse surveys: a short survey after each accepted increment (the order's setting), sent on
the acceptance or on staff request, mailed to the customer with the address of its page on the
portal, answered once by the customer in its session (the page, or the API with its token)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain.pulse import check_pulse_answer, check_pulse_request
from services.feedback.models import Customer, Order, PulseSurvey
from services.feedback.render.mail import pulse_survey_mail
from services.feedback.usecases.orders import facts_of, order_row
from shared.db import settings_of
from shared.errors import Conflict, NotFound
from shared.links import page_link
from shared.mail import queue_mail
from shared.usecases import SYSTEM, Principal, find

#: The survey's page on the portal (a signed-in customer's: the address alone opens nothing).
PAGE_PATH = "/portal/pulse-surveys/{survey_id}"


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
    mail_pulse_survey(session, survey, order)
    return survey


def mail_pulse_survey(session: Session, survey: PulseSurvey, order: Order) -> None:
    """Mail the customer the address of the survey's page, in its language, in the caller's
    transaction (a customer not known with an e-mail address yet finds it on the API only)."""
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    if customer is None or not customer.email:
        return
    path = PAGE_PATH.format(survey_id=survey.id)
    queue_mail(
        session,
        pulse_survey_mail(
            order_number=order.number or str(order.id),
            link=page_link(settings_of(session), path, customer.locale),
            to=customer.email,
            to_name=customer.contact_name,
            locale=customer.locale,
        ),
    )


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
    return record_pulse_answer(session, survey, data)


def own_pulse_survey(
    session: Session, survey_id: uuid.UUID, customer_id: uuid.UUID, *, lock: bool = False
) -> tuple[PulseSurvey, Order | None]:
    """A signed-in customer's pulse survey and its order (another customer's: NotFound, as
    an unknown one is); `lock` holds the row until commit, so that two answers cannot race."""
    survey = session.get(PulseSurvey, survey_id, with_for_update=lock)
    if survey is None or survey.customer_id != customer_id:
        raise NotFound("pulse survey", survey_id)
    return survey, session.get(Order, survey.order_id)


def record_pulse_answer(
    session: Session, survey: PulseSurvey, data: Mapping[str, Any]
) -> PulseSurvey:
    """The answer, once: a score from 1 to 5 and an optional comment (Conflict for a second,
    RuleViolation naming what is wrong, nothing written)."""
    check_pulse_answer(survey.answered_at is not None, data.get("score"), data.get("comment"))
    survey.score, survey.comment = data["score"], data.get("comment")
    survey.answered_at = datetime.now(UTC)
    session.flush()
    return survey

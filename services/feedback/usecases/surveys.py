"""Surveys: mailed to the customer with a signed link, reminded once, re-sent by staff on
request, answered once through the newest link. Every mail carries a fresh link and only its
digest is kept, so the earlier link stops working and nobody but the customer ever sees one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain.questionnaire import (
    QUESTIONNAIRE,
    SCALE_BOUNDS,
    Question,
    validate_answers,
)
from services.feedback.domain.scores import follow_up_reason, is_detractor
from services.feedback.domain.survey_window import (
    DEFAULT_REMINDER_DELAY,
    AlreadyAnswered,
    reminder_due,
    require_answerable,
    require_resendable,
)
from services.feedback.models import Customer, FollowUp, Order, Survey
from services.feedback.render.mail import REMINDER, RESENT, SURVEY, survey_mail
from services.feedback.usecases import publish
from services.feedback.usecases.orders import fold, record_customer
from shared.config import Settings
from shared.db import filter_by, settings_of
from shared.errors import Conflict, NotFound
from shared.events.contracts.feedback import FeedbackReceived, SurveySent
from shared.links import link_digest, page_link, sign_link, verify_link
from shared.mail import queue_mail
from shared.usecases import SYSTEM, Principal, find

LINK_PURPOSE = "survey"
#: Where the mailed link opens the survey page (its JSON API is /surveys/by-token/<token>).
PUBLIC_PATH = "/portal/surveys/"
REMINDER_HOURS_SETTING = "survey_reminder_hours"
REMINDER_HOURS_ENV = "ORDO_FEEDBACK_SURVEY_REMINDER_HOURS"
REMINDER_BATCH = 200

#: The questions as the survey form shows them.
QUESTIONS = [
    {
        "id": question.id,
        "text": question.text,
        "kind": question.kind.value,
        "required": question.required,
        "minimum": SCALE_BOUNDS.get(question.kind, (None, None))[0],
        "maximum": SCALE_BOUNDS.get(question.kind, (None, None))[1],
    }
    for question in QUESTIONNAIRE
]


class SurveyMissing(NotFound):
    """A valid link to a survey that no longer exists."""

    def __init__(self, survey_id: uuid.UUID) -> None:
        super().__init__("survey", survey_id)
        self.detail = "This survey no longer exists."


def reminder_delay(settings: Settings) -> timedelta:
    """How long an unanswered survey waits for its one reminder (configuration, in hours)."""
    hours = settings.extra.get(REMINDER_HOURS_SETTING) or os.environ.get(REMINDER_HOURS_ENV)
    return timedelta(hours=float(hours)) if hours else DEFAULT_REMINDER_DELAY


def open_survey(session: Session, order: Order, now: datetime | None = None) -> None:
    """Mail the order's one survey once it is accepted and its customer can be written to.

    That means both: the order names its customer (ordo.order.created/confirmed) and the
    customer is known with an e-mail address (ordo.customer.registered or .updated).
    Whichever comes last sends it (see `register_customer`).
    """
    if order.status not in ("accepted", "closed") or order.customer_id is None:
        return
    if not order.facts.get("accepted_at"):
        return
    customer = session.get(Customer, order.customer_id)
    if customer is None or not customer.email:
        return
    if session.scalar(sa.select(Survey.id).where(Survey.order_id == order.id)):
        return
    settings = settings_of(session)
    now = now or datetime.now(UTC)
    survey = Survey(
        order_id=order.id,
        order_number=order.number,
        customer_id=order.customer_id,
        sent_at=now,
        expires_at=now + timedelta(hours=settings.link_ttl_hours),
    )
    session.add(survey)
    session.flush()
    mail_survey(session, survey, customer, settings, SURVEY)


def register_customer(session: Session, data: Mapping[str, Any]) -> None:
    """Keep the customer (registered or updated); the surveys of its accepted orders that
    waited for it, or for its e-mail address, go out."""
    record_customer(session, data)
    session.flush()
    # Lock every order of the customer (not only the accepted ones): an acceptance being
    # folded at the same time then waits for this transaction and sees the customer.
    orders = session.scalars(
        sa.select(Order)
        .where(Order.customer_id == data["customer_id"])
        .order_by(Order.id)
        .with_for_update()
    ).all()
    now = datetime.now(UTC)
    for order in orders:
        open_survey(session, order, now)


def send_due_reminders(
    session: Session, now: datetime, settings: Settings | None = None
) -> list[uuid.UUID]:
    """Remind once about every unanswered, unexpired survey sent `reminder_delay` ago."""
    settings = settings or settings_of(session)
    delay = reminder_delay(settings)
    candidates = session.scalars(
        sa.select(Survey)
        .where(
            Survey.answered_at.is_(None),
            Survey.reminded_at.is_(None),
            Survey.sent_at <= now - delay,
            Survey.expires_at > now,
        )
        .order_by(Survey.sent_at)
        .limit(REMINDER_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    reminded = []
    for survey in candidates:
        customer = session.get(Customer, survey.customer_id)
        if customer is None or not customer.email:
            continue
        if reminder_due(survey.sent_at, survey.answered_at, survey.reminded_at, delay, now):
            survey.reminded_at = now
            mail_survey(session, survey, customer, settings, REMINDER)
            reminded.append(survey.id)
    return reminded


def resend_survey(
    session: Session, survey_id: uuid.UUID, actor: Principal = SYSTEM, now: datetime | None = None
) -> Survey:
    """Mail the customer a new link to an unanswered survey (e.g. the first mail went astray);
    the earlier links stop working. Staff never see the link, only where it went."""
    survey = find(session, Survey, survey_id, "survey")
    session.refresh(survey, with_for_update=True)
    require_resendable(
        survey.answered_at, survey.reminded_at, survey.expires_at, now or datetime.now(UTC)
    )
    customer = session.get(Customer, survey.customer_id)
    if customer is None or not customer.email:
        raise Conflict(
            "The customer has no e-mail address, so the survey link cannot be mailed. Record "
            "the customer's e-mail in the orders service first.",
            missing="customer_email",
        )
    mail_survey(session, survey, customer, settings_of(session), RESENT)
    return survey


def mail_survey(
    session: Session, survey: Survey, customer: Customer, settings: Settings, kind: str
) -> None:
    """Mail the survey with a fresh link (its digest replaces the earlier one's) in the caller's
    transaction, and publish to whom it went; the link itself goes nowhere else."""
    token = sign_link(settings.jwt_secret, LINK_PURPOSE, survey.id, survey.expires_at)
    survey.link_sha256 = link_digest(token)
    survey.link_sent_to = customer.email
    queue_mail(
        session,
        survey_mail(
            kind,
            order_id=survey.order_id,
            order_number=survey.order_number,
            link=page_link(settings, PUBLIC_PATH + token, customer.locale),
            expires_at=survey.expires_at,
            to=customer.email,
            to_name=customer.contact_name,
            locale=customer.locale,
        ),
    )
    session.flush()
    publish(
        session,
        SurveySent,
        {
            "order_id": survey.order_id,
            "survey_id": survey.id,
            "customer_id": survey.customer_id,
            "expires_at": survey.expires_at,
            "reminder": kind == REMINDER,
            "resent": kind == RESENT,
            "order_number": survey.order_number,
            "email": customer.email,
            "contact_name": customer.contact_name,
        },
    )


def _survey_by_token(session: Session, settings: Settings, token: str, now: datetime) -> Survey:
    """The survey a link opens while it can be answered: 401 forged, 410 expired, answered or
    replaced by a newer link, 404 if it no longer exists."""
    claims = verify_link(settings.jwt_secret, LINK_PURPOSE, token)
    survey = session.get(Survey, claims.subject_id)
    if survey is None:
        raise SurveyMissing(claims.subject_id)
    require_answerable(
        survey.answered_at,
        survey.reminded_at,
        survey.expires_at,
        now,
        current_link=survey.link_sha256 == link_digest(token),
    )
    return survey


@dataclass(frozen=True)
class SurveyPage:
    """What the survey's page shows: the survey, whose it is, and the questions."""

    survey: Survey
    customer_name: str | None
    questions: tuple[Question, ...] = QUESTIONNAIRE

    @property
    def answered(self) -> bool:
        return self.survey.answered_at is not None


def survey_page(session: Session, token: str) -> SurveyPage:
    """What the link's page shows: the questions or, once this link answered the survey, the
    answer (so the page after answering, and a reload of it, say thank you)."""
    settings = settings_of(session)
    claims = verify_link(settings.jwt_secret, LINK_PURPOSE, token)
    survey = session.get(Survey, claims.subject_id)
    answered_here = survey is not None and survey.answered_at is not None
    if not (answered_here and survey.link_sha256 == link_digest(token)):
        survey = _survey_by_token(session, settings, token, datetime.now(UTC))
    customer = session.get(Customer, survey.customer_id)
    return SurveyPage(survey, customer.name if customer else None)


def survey_form(session: Session, token: str) -> dict[str, Any]:
    """What the link shows: the order number, the customer's name and the questions."""
    survey = _survey_by_token(session, settings_of(session), token, datetime.now(UTC))
    customer = session.get(Customer, survey.customer_id)
    return {
        "survey_id": survey.id,
        "order_number": survey.order_number,
        "customer_name": customer.name if customer else None,
        "expires_at": survey.expires_at,
        "questions": QUESTIONS,
    }


def answer_survey(
    session: Session,
    token: str,
    read_answers: Callable[[], Mapping[str, Any]],
) -> dict[str, Any]:
    """Take the survey's one answer: the link is checked first (401, 410, 404), then
    ``read_answers`` reads the body and the answers are validated (422).

    The answer publishes the scores; a detractor's opens a follow-up for the order's manager.
    """
    now = datetime.now(UTC)
    survey = _survey_by_token(session, settings_of(session), token, now)
    answers = validate_answers(read_answers())
    detractor = is_detractor(answers.get("nps"), answers.get("csat"))
    stored = session.execute(
        sa.update(Survey)
        .where(Survey.id == survey.id, Survey.answered_at.is_(None))
        .values(answered_at=now, detractor=detractor, **answers)
        .execution_options(synchronize_session=False)
    ).rowcount
    if stored != 1:
        raise AlreadyAnswered()  # another answer won the race
    session.refresh(survey)
    feedback = {
        "order_id": survey.order_id,
        "survey_id": survey.id,
        "csat": survey.csat,
        "nps": survey.nps,
        "detractor": detractor,
    }
    publish(session, FeedbackReceived, feedback)
    # The service does not hear its own events, so its read model takes this one directly.
    fold(session, FeedbackReceived, feedback, now)
    if detractor:
        session.add(
            FollowUp(
                survey_id=survey.id,
                order_id=survey.order_id,
                order_number=survey.order_number,
                customer_id=survey.customer_id,
                owner_role="manager",
                reason=follow_up_reason(
                    survey.order_number or str(survey.order_id),
                    survey.csat,
                    survey.nps,
                    survey.comment,
                ),
            )
        )
    return {"survey_id": survey.id, "answered_at": now, "message": "Thank you for your answer."}


def list_surveys(filters: Mapping[str, Any], actor: Principal = SYSTEM) -> sa.Select:
    """Surveys, newest first; customers see their own."""
    query = sa.select(Survey).order_by(Survey.sent_at.desc(), Survey.id.desc())
    if actor.is_customer:
        query = query.where(Survey.customer_id == actor.customer_id)
    query = filter_by(query, filters, Survey.customer_id, Survey.order_id)
    if filters.get("answered") is not None:
        answered = Survey.answered_at.is_not(None)
        query = query.where(answered if filters["answered"] else ~answered)
    return query


def read_survey(session: Session, survey_id: uuid.UUID, actor: Principal = SYSTEM) -> Survey:
    """A survey and its answer; customers only their own."""
    survey = find(session, Survey, survey_id, "survey")
    actor.require_access(survey.customer_id)
    return survey

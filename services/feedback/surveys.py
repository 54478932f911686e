"""Issuing surveys with their signed links, reminding once, and taking the one answer."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.feedback.domain import DEFAULT_REMINDER_DELAY, is_detractor, reminder_due
from services.feedback.models import Customer, FollowUp, Order, Survey
from services.feedback.readmodel import fold
from shared.config import Settings, load_settings
from shared.events.outbox import record
from shared.links import sign_link, verify_link

LINK_PURPOSE = "survey"
PUBLIC_PATH = "/surveys/by-token/"
REMINDER_HOURS_SETTING = "survey_reminder_hours"
REMINDER_HOURS_ENV = "ORDO_FEEDBACK_SURVEY_REMINDER_HOURS"
REMINDER_BATCH = 200


def reminder_delay(settings: Settings) -> timedelta:
    """How long an unanswered survey waits for its one reminder (configuration, in hours)."""
    hours = settings.extra.get(REMINDER_HOURS_SETTING) or os.environ.get(REMINDER_HOURS_ENV)
    return timedelta(hours=float(hours)) if hours else DEFAULT_REMINDER_DELAY


def survey_url(settings: Settings, token: str) -> str:
    return settings.public_base_url.rstrip("/") + PUBLIC_PATH + token


def open_survey(session: Session, order: Order, settings: Settings, now: datetime) -> None:
    """Send the order's one survey once it is accepted and its customer is known.

    Known means both: the order names its customer (ordo.order.created/confirmed) and the
    customer was registered (ordo.customer.registered), so the survey carries an e-mail and a
    contact. Whichever comes last sends it (see `open_customer_surveys`).
    """
    if order.status not in ("accepted", "closed") or order.customer_id is None:
        return
    if not order.facts.get("accepted_at"):
        return
    if session.get(Customer, order.customer_id) is None:
        return
    if session.scalar(sa.select(Survey.id).where(Survey.order_id == order.id)):
        return
    survey = Survey(
        order_id=order.id,
        order_number=order.number,
        customer_id=order.customer_id,
        sent_at=now,
        expires_at=now + timedelta(hours=settings.link_ttl_hours),
    )
    session.add(survey)
    session.flush()
    _announce(session, survey, settings, reminder=False)


def open_customer_surveys(
    session: Session, customer_id: uuid.UUID, settings: Settings, now: datetime
) -> None:
    """Send the surveys that waited for this customer: its accepted orders that have none."""
    # Lock every order of the customer (not only the accepted ones): an acceptance being
    # folded at the same time then waits for this transaction and sees the customer.
    orders = session.scalars(
        sa.select(Order)
        .where(Order.customer_id == customer_id)
        .order_by(Order.id)
        .with_for_update()
    ).all()
    for order in orders:
        open_survey(session, order, settings, now)


def send_due_reminders(
    session: Session, now: datetime, settings: Settings | None = None
) -> list[uuid.UUID]:
    """Remind once about every unanswered, unexpired survey sent `reminder_delay` ago."""
    settings = settings or load_settings("feedback")
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
        if reminder_due(survey.sent_at, survey.answered_at, survey.reminded_at, delay, now):
            survey.reminded_at = now
            _announce(session, survey, settings, reminder=True)
            reminded.append(survey.id)
    return reminded


def _announce(session: Session, survey: Survey, settings: Settings, *, reminder: bool) -> None:
    token = sign_link(settings.jwt_secret, LINK_PURPOSE, survey.id, survey.expires_at)
    customer = session.get(Customer, survey.customer_id)
    record(
        session,
        "ordo.survey.sent",
        {
            "order_id": survey.order_id,
            "survey_id": survey.id,
            "customer_id": survey.customer_id,
            "survey_url": survey_url(settings, token),
            "expires_at": survey.expires_at,
            "reminder": reminder,
            "order_number": survey.order_number,
            "email": customer.email if customer else None,
            "contact_name": customer.contact_name if customer else None,
        },
    )


def survey_for_token(session: Session, settings: Settings, token: str) -> Survey | None:
    """The survey a link opens (401 if forged, 410 if expired), None if it no longer exists."""
    claims = verify_link(settings.jwt_secret, LINK_PURPOSE, token)
    return session.get(Survey, claims.subject_id)


def take_answer(session: Session, survey: Survey, answers: dict, now: datetime) -> bool:
    """Store the answer unless one was stored first; record the feedback and any follow-up.

    Returns False when another answer won the race (the caller answers 410).
    """
    detractor = is_detractor(answers.get("nps"), answers.get("csat"))
    stored = session.execute(
        sa.update(Survey)
        .where(Survey.id == survey.id, Survey.answered_at.is_(None))
        .values(answered_at=now, detractor=detractor, **answers)
        .execution_options(synchronize_session=False)
    ).rowcount
    if stored != 1:
        return False
    session.refresh(survey)
    feedback = {
        "order_id": survey.order_id,
        "survey_id": survey.id,
        "csat": survey.csat,
        "nps": survey.nps,
        "detractor": detractor,
    }
    record(session, "ordo.feedback.received", feedback)
    # The service does not hear its own events, so its read model takes this one directly.
    fold(session, "ordo.feedback.received", feedback, now)
    if detractor:
        session.add(
            FollowUp(
                survey_id=survey.id,
                order_id=survey.order_id,
                order_number=survey.order_number,
                customer_id=survey.customer_id,
                owner_role="manager",
                reason=_follow_up_reason(survey),
            )
        )
    return True


def _follow_up_reason(survey: Survey) -> str:
    scores = f"CSAT {survey.csat}, NPS {survey.nps}"
    comment = f": {survey.comment}" if survey.comment else ""
    return f"Detractor on {survey.order_number or survey.order_id} ({scores}){comment}"

"""The survey's window: sent once, reminded at most once after a delay, answered once, or left
to expire. Its status (SURVEY_STATUS) is read from its times, never stored."""

from datetime import datetime, timedelta

from services.feedback.domain.status import SURVEY_STATUS
from shared.errors import Gone

DEFAULT_REMINDER_DELAY = timedelta(days=5)
ALREADY_ANSWERED = "This survey was already answered; thank you."
LINK_EXPIRED = "This link has expired."
LINK_REPLACED = "A newer link replaced this one."


class AlreadyAnswered(Gone):
    """The survey has its one answer; a second is refused (410) and changes nothing."""

    def __init__(self) -> None:
        super().__init__(ALREADY_ANSWERED)


def survey_status(
    answered_at: datetime | None,
    reminded_at: datetime | None,
    expires_at: datetime | None,
    now: datetime,
) -> str:
    """The survey's status: answered wins over expiry, an unanswered one expires at its time."""
    if answered_at is not None:
        return "answered"
    if expires_at is not None and now >= expires_at:
        return "expired"
    return "reminded" if reminded_at is not None else "sent"


def reminder_due(
    sent_at: datetime | None,
    answered_at: datetime | None,
    reminded_at: datetime | None,
    delay: timedelta,
    now: datetime,
) -> bool:
    """True when a sent, unanswered survey has waited ``delay`` and was never reminded.

    One reminder only: a customer who ignores two mails is not helped by a third.
    """
    if sent_at is None:
        return False
    status = survey_status(answered_at, reminded_at, None, now)
    return SURVEY_STATUS.allows(status, "remind") and now - sent_at >= delay


def require_answerable(
    answered_at: datetime | None,
    reminded_at: datetime | None,
    expires_at: datetime | None,
    now: datetime,
    *,
    current_link: bool = True,
) -> None:
    """Gone (410) unless the survey may still be answered through this link: the link is used
    up once it was answered, expires with the survey, and stops working when a newer link
    replaced it (every mail carries a fresh link)."""
    status = survey_status(answered_at, reminded_at, expires_at, now)
    if not SURVEY_STATUS.allows(status, "answer"):
        raise AlreadyAnswered() if status == "answered" else Gone(LINK_EXPIRED)
    if not current_link:
        raise Gone(LINK_REPLACED)


def require_resendable(
    answered_at: datetime | None,
    reminded_at: datetime | None,
    expires_at: datetime | None,
    now: datetime,
) -> str:
    """The status of a survey whose link staff want re-sent: only an unanswered, unexpired
    one (409 with the allowed actions otherwise)."""
    status = survey_status(answered_at, reminded_at, expires_at, now)
    SURVEY_STATUS.require(status, "resend")
    return status

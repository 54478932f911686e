"""The feedback service's mails to customers: the survey, its reminder, a re-sent link, and the
pulse survey after an accepted increment. The templates are beside this module, one per mail
and locale (`<name>.<locale>.txt`, first line the subject, and `<name>.<locale>.html`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from shared.mail import Mail, MailTemplates

TEMPLATES = MailTemplates(Path(__file__).parent)

#: The mail for each way a survey's link goes out.
SURVEY, REMINDER, RESENT = "survey", "survey_reminder", "survey_resent"


def survey_mail(
    kind: str,
    *,
    order_id: uuid.UUID,
    order_number: str | None,
    link: str,
    expires_at: datetime,
    to: str,
    to_name: str | None,
    locale: str | None,
) -> Mail:
    """The customer is asked (or reminded, or given a new link) to answer the order's survey."""
    return TEMPLATES.mail(
        kind,
        locale,
        to=to,
        to_name=to_name,
        order_id=order_id,
        order_number=order_number or str(order_id),
        link=link,
        expires_on=f"{expires_at:%Y-%m-%d %H:%M} UTC",
    )


def pulse_survey_mail(
    *, order_number: str, link: str, to: str, to_name: str | None, locale: str | None
) -> Mail:
    """The customer is asked one question about a delivery it accepted before the final one."""
    return TEMPLATES.mail(
        "pulse_survey", locale, to=to, to_name=to_name, order_number=order_number, link=link
    )

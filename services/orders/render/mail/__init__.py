"""The orders service's mails to customers: the templates beside this module, one per mail
and locale (`<name>.<locale>.txt`, first line the subject, and `<name>.<locale>.html`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from shared.mail import Mail, MailTemplates

TEMPLATES = MailTemplates(Path(__file__).parent)


def sign_in_link(
    *,
    link: str,
    expires_at: datetime,
    customer_name: str,
    to: str,
    to_name: str | None,
    locale: str | None,
) -> Mail:
    """The single-use link that signs the customer in to the portal."""
    return TEMPLATES.mail(
        "sign_in_link",
        locale,
        to=to,
        to_name=to_name,
        customer_name=customer_name,
        link=link,
        expires_on=f"{expires_at:%Y-%m-%d %H:%M} UTC",
    )


def review_invitation(
    *,
    order_id: uuid.UUID,
    order_number: str,
    order_title: str,
    requirement_count: int,
    link: str,
    to: str,
    to_name: str | None,
    locale: str | None,
) -> Mail:
    """The customer is invited to review the requirements of a submitted order."""
    return TEMPLATES.mail(
        "review_invitation",
        locale,
        to=to,
        to_name=to_name,
        order_id=order_id,
        order_number=order_number,
        order_title=order_title,
        requirement_count=requirement_count,
        link=link,
    )

"""The delivery service's mails to customers: the templates beside this module, one per mail
and locale (`<name>.<locale>.txt`, first line the subject, and `<name>.<locale>.html`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from shared.mail import Mail, MailTemplates

TEMPLATES = MailTemplates(Path(__file__).parent)


def acceptance_request(
    *,
    order_id: uuid.UUID,
    order_number: str,
    order_title: str,
    package_version: int,
    deliverable_titles: list[str],
    link: str,
    expires_at: datetime,
    to: str,
    to_name: str | None,
    locale: str | None,
) -> Mail:
    """The customer is asked to review a delivery package and decide, through `link`."""
    return TEMPLATES.mail(
        "acceptance_request",
        locale,
        to=to,
        to_name=to_name,
        order_id=order_id,
        order_number=order_number,
        order_title=order_title,
        package_version=package_version,
        deliverable_titles=deliverable_titles,
        link=link,
        expires_on=f"{expires_at:%Y-%m-%d %H:%M} UTC",
    )


def acceptance_code(
    *,
    order_id: uuid.UUID,
    order_number: str,
    package_version: int,
    code: str,
    expires_at: datetime,
    to: str,
    to_name: str | None,
    locale: str | None,
) -> Mail:
    """The code the customer asked for to sign a decision through the acceptance link."""
    return TEMPLATES.mail(
        "acceptance_code",
        locale,
        to=to,
        to_name=to_name,
        order_id=order_id,
        order_number=order_number,
        package_version=package_version,
        code=code,
        expires_on=f"{expires_at:%Y-%m-%d %H:%M} UTC",
    )

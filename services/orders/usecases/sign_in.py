"""Signing a customer in to the portal with a single-use link mailed to its address.

Asking for a link never tells whether the address is known: the same answer either way, and
a mail only to a known customer. The link is a signed token (shared.links, purpose
`portal-sign-in`) naming a stored link row that keeps only its digest; using it marks the row
used, so a second use, an expired or a replaced link opens nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.models import Customer, SignInLink
from services.orders.render.mail import sign_in_link
from shared.config import Settings
from shared.db import new_id, utcnow
from shared.errors import Gone, Unauthorized
from shared.links import link_digest, sign_link, verify_link
from shared.mail import address_problem, queue_mail
from shared.vocabulary import LOCALES

logger = logging.getLogger(__name__)

LINK_PURPOSE = "portal-sign-in"
LINK_MINUTES = 15


@dataclass(frozen=True)
class SignedIn:
    customer_id: object
    locale: str
    email: str


def request_sign_in(
    session: Session, email: str, settings: Settings, locale: str, target: str | None = None
) -> None:
    """Mail a sign-in link to each customer with this address (none: nothing, silently).
    `locale` is the page's, for a customer without one; `target` the page to open after."""
    address = (email or "").strip()
    if address_problem(address):
        return
    customers = session.scalars(
        sa.select(Customer).where(sa.func.lower(Customer.email) == address.lower())
    ).all()
    expires_at = utcnow() + timedelta(minutes=LINK_MINUTES)
    for customer in customers:
        link = SignInLink(id=new_id(), customer_id=customer.id, expires_at=expires_at)
        token = sign_link(settings.jwt_secret, LINK_PURPOSE, link.id, expires_at)
        link.digest = link_digest(token)
        session.add(link)
        url = f"{settings.public_base_url.rstrip('/')}/portal/sign-in/{token}"
        if target:
            url += f"?next={quote(target, safe='')}"
        queue_mail(
            session,
            sign_in_link(
                link=url,
                expires_at=expires_at,
                customer_name=customer.name,
                to=customer.email,
                to_name=customer.contact_name,
                locale=customer.locale if customer.locale in LOCALES else locale,
            ),
        )
    session.flush()


def check_sign_in_link(
    session: Session, token: str, settings: Settings, *, lock: bool = False
) -> SignInLink:
    """The unused link row `token` names; Unauthorized if forged, Gone if expired or used.
    Opening the link only checks it (a mail scanner fetching it must not spend it)."""
    claims = verify_link(settings.jwt_secret, LINK_PURPOSE, token)
    link = session.get(SignInLink, claims.subject_id, with_for_update=lock)
    if link is None or link.digest != link_digest(token):
        raise Unauthorized("This link is not valid.")
    if link.used_at is not None:
        raise Gone("This sign-in link has already been used.")
    return link


def sign_in_with_link(session: Session, token: str, settings: Settings) -> SignedIn:
    """Spend the link: the customer it signs in (errors as `check_sign_in_link`)."""
    link = check_sign_in_link(session, token, settings, lock=True)
    link.used_at = utcnow()
    customer = session.get(Customer, link.customer_id)
    session.flush()
    return SignedIn(customer.id, customer.locale, customer.email or "")

"""The customer's portal session: a signed cookie every service reads the same way.

Flask's own signed-cookie session, configured identically in all four services (secret
ORDO_PORTAL_SECRET, cookie `ordo_portal`, salt `ordo-portal-session`), so whichever service
signed the customer in, the others accept it. It holds the customer's id and language, the
language the visitor switched to, and Flask-WTF's CSRF secret — never a token or a link.

The cookie is HttpOnly and SameSite=Lax (a form on another site cannot post with it), Secure
when the service's public URL is https, and its signature carries its time: a cookie older than
ORDO_PORTAL_IDLE_MINUTES is refused, and every page refreshes it, so the session ends after
that long without a request.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask, current_app, session
from flask.sessions import SecureCookieSessionInterface

from shared.config import portal_secret_refusal

COOKIE_NAME = "ordo_portal"
CUSTOMER, CUSTOMER_LOCALE = "customer_id", "customer_locale"


class PortalSessionInterface(SecureCookieSessionInterface):
    salt = "ordo-portal-session"


def install_session(app: Flask) -> None:
    settings = app.extensions["ordo"].settings
    refusal = portal_secret_refusal(settings)
    if refusal:
        raise ValueError(refusal)
    app.secret_key = settings.portal_secret
    app.session_interface = PortalSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
        SESSION_REFRESH_EACH_REQUEST=True,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.portal_idle_minutes),
    )


def sign_in(customer_id: uuid.UUID, locale: str) -> None:
    """Start the customer's session (a fresh one: nothing of the visitor's carries over but
    the language switched to)."""
    chosen = session.get("locale")
    session.clear()
    session.permanent = True
    session[CUSTOMER] = str(customer_id)
    session[CUSTOMER_LOCALE] = locale
    if chosen:
        session["locale"] = chosen


def sign_out() -> None:
    session.clear()


def current_customer_id() -> uuid.UUID | None:
    """The signed-in customer's id, or None."""
    value = session.get(CUSTOMER)
    try:
        return uuid.UUID(value) if value else None
    except (TypeError, ValueError):
        return None


def idle_minutes() -> int:
    return int(current_app.permanent_session_lifetime.total_seconds() // 60)

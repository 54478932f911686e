"""Helpers for tests of every layer: tokens, delivering events, reading the outbox."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from shared.events.contracts import contract_for
from shared.events.envelope import Envelope, build, parse
from shared.http.auth import mint_token

JWT_SECRET = "ordo-tests-signing-key-3f9a1c7e5b2d4806"  # >= 32 bytes, no placeholder
PORTAL_SECRET = "ordo-tests-portal-session-key-8e41b07c2d"  # the portal's session cookie
SECRETS = {"jwt_secret": JWT_SECRET, "portal_secret": PORTAL_SECRET}  # a service's, as config


def auth(role="admin", customer_id=None, sub: str | None = None) -> dict[str, str]:
    """Authorization header for a token with `role` (a name or a list of names)."""
    roles = [role] if isinstance(role, str) else list(role)
    customer = str(customer_id) if customer_id else None
    token = mint_token(JWT_SECRET, sub or f"{roles[0]}-user", roles, customer)
    return {"Authorization": f"Bearer {token}"}


def event(type: str, data: dict, **overrides) -> Envelope:
    """An envelope as the producer of `type` would publish it."""
    contract = contract_for(type)
    envelope = build(type, data, source=contract.source, dataschema=contract.dataschema)
    subject = data.get(contract.subject_field)
    return Envelope(**{**envelope.__dict__, "subject": subject and str(subject), **overrides})


def deliver(app, type_or_envelope, data: dict | None = None) -> str:
    """Hand an event to a service's inbox as its worker would; returns the inbox status."""
    envelope = type_or_envelope
    if not isinstance(envelope, Envelope):
        envelope = event(type_or_envelope, data)
    return app.extensions["ordo"].inbox.receive(envelope.to_json(), envelope.headers())


def published(app, type: str | None = None) -> list[Envelope]:
    """The events a service has recorded in its outbox, oldest first."""
    db = app.extensions["ordo"].db
    outbox = db.tables.outbox
    query = sa.select(outbox.c.body).order_by(outbox.c.position)
    if type:
        query = query.where(outbox.c.type == type)
    with db.engine.connect() as connection:
        return [parse(body) for body in connection.scalars(query)]


def relay_to(source_app, target_app) -> int:
    """Carry what `source_app` published to `target_app`'s inbox (a broker in miniature)."""
    delivered = 0
    for envelope in published(source_app):
        deliver(target_app, envelope)
        delivered += 1
    return delivered


def problem(response) -> dict:
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return json.loads(response.get_data())


def mailed(app, kind: str | None = None) -> list:
    """The mails a service has queued in its mail outbox, oldest first (rows with `to_address`,
    `subject`, `text_body`, `html_body`, `locale`, `kind`, `order_id`)."""
    db = app.extensions["ordo"].db
    mail = db.tables.mail
    query = sa.select(mail).order_by(mail.c.created_at, mail.c.id)
    if kind:
        query = query.where(mail.c.kind == kind)
    with db.engine.connect() as connection:
        return list(connection.execute(query))


def api_path(link: str) -> str:
    """The JSON API's path behind a mailed link: the mail opens the customer's page, and
    integrators (and these tests) use the API with the same token."""
    path = urlsplit(link).path
    return path.replace("/portal/acceptance/", "/acceptance/").replace(
        "/portal/surveys/", "/surveys/by-token/"
    )


def link_in(text: str) -> str:
    """The one link a customer's mail carries (its call to action), from the text part."""
    links = set(re.findall(r"https?://\S+", text))
    assert len(links) == 1, links
    return links.pop()

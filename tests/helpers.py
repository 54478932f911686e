"""Helpers for tests of every layer: tokens, delivering events, reading the outbox."""

from __future__ import annotations

import json

import sqlalchemy as sa

from shared.events.contracts import contract_for
from shared.events.envelope import Envelope, build, parse
from shared.http.auth import mint_token

JWT_SECRET = "test-secret"


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

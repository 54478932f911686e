"""`Idempotency-Key` on creates: the same key gives the same response, creates nothing twice.

A key lives `ORDO_IDEMPOTENCY_TTL_HOURS` (24 h): after that it is treated as new (the worker
prunes expired keys, see shared.retention).
"""

from __future__ import annotations

import functools
import hashlib
from datetime import timedelta

import sqlalchemy as sa
from flask import Response, request

from shared.db import settings_of, tables_of, utcnow
from shared.http.auth import current_principal
from shared.http.errors import Problem
from shared.http.requests import db_session

MAX_KEY_LENGTH = 200
REPLAYED_HEADERS = ("Location", "ETag", "Content-Type")


def idempotent(view):
    """Put above @blp.arguments/@blp.response on a create view."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise Problem(400, f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.")
        # Hashed before the view runs: parsing a multipart form consumes the body.
        request_hash = _request_hash()
        session = db_session()
        table = tables_of(session).idempotency
        scope = _scope()
        stored = _stored(session, table, scope, key)
        if stored is not None and _expired(stored, session):
            # Not pruned yet, but new again: its old row must not answer for it.
            session.execute(sa.delete(table).where(table.c.scope == scope, table.c.key == key))
            stored = None
        if stored is not None:
            return _replay(stored, request_hash)
        response = view(*args, **kwargs)
        if isinstance(response, Response) and response.status_code < 400:
            try:
                session.execute(
                    sa.insert(table).values(
                        scope=scope,
                        key=key,
                        status_code=response.status_code,
                        body=response.get_data(as_text=True),
                        headers={
                            "request_hash": request_hash,
                            "response": {
                                n: response.headers[n]
                                for n in REPLAYED_HEADERS
                                if n in response.headers
                            },
                        },
                        created_at=utcnow(),
                    )
                )
            except sa.exc.IntegrityError:
                # A concurrent request with the same key won: undo ours, answer with its result.
                session.rollback()
                return _replay(_stored(session, table, scope, key), request_hash)
        return response

    guarded._ordo_idempotent = True  # documented: the Idempotency-Key header
    return guarded


def _expired(stored, session) -> bool:
    lifetime = timedelta(hours=settings_of(session).idempotency_ttl_hours)
    return stored.created_at < utcnow() - lifetime


def _stored(session, table, scope: str, key: str):
    query = sa.select(table).where(table.c.scope == scope, table.c.key == key)
    return session.execute(query).first()


def _replay(stored, request_hash: str) -> Response:
    if stored.headers.get("request_hash") != request_hash:
        raise Problem(422, "This Idempotency-Key was used with a different request.")
    replay = Response(stored.body, status=stored.status_code)
    for name, value in stored.headers.get("response", {}).items():
        replay.headers[name] = value
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def _scope() -> str:
    return f"{current_principal().sub}:{request.method}:{request.path}"[:300]


def _request_hash() -> str:
    return hashlib.sha256(request.get_data()).hexdigest()

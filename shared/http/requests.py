"""Per-request plumbing: one database transaction, ids, ETag/If-Match, pagination."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from flask import current_app, g, request
from sqlalchemy.orm import Session

from shared.db import filter_by  # noqa: F401  (re-exported for views)
from shared.http.deadline import WATCHDOG, RequestTimeout
from shared.http.errors import handle_concurrent_write, handle_database_unavailable
from shared.http.pages import (  # noqa: F401  (re-exported for views)
    PageArgsSchema,
    page_of,
    paginate,
)
from shared.usecases import ANY_VERSION, IfMatch

STRONG_TAG = re.compile(r'"[0-9]{1,18}"')


def db_session() -> Session:
    """The request's session; its work commits when the response is a success."""
    session = g.get("db_session")
    if session is None:
        session = current_app.extensions["ordo"].db.sessions()
        session.begin()
        g.db_session = session
        raw = session.connection().connection.dbapi_connection
        # Past the request's deadline its running statement is cancelled (shared.http.deadline).
        WATCHDOG.on_deadline(getattr(raw, "interrupt", None) or raw.cancel)
    return session


def finish_transaction(response):
    """after_request: commit on success, roll back on any error response."""
    session = g.pop("db_session", None)
    if session is not None:
        WATCHDOG.disarm()  # an answer is decided: a deadline passing now no longer stops it
        try:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        except sa.exc.IntegrityError as error:
            session.rollback()
            return handle_concurrent_write(error)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            return handle_database_unavailable(error)
        finally:
            session.close()
    return response


def discard_transaction(_error=None) -> None:
    """teardown_request: a request that raised never commits."""
    session = g.pop("db_session", None)
    if isinstance(_error, RequestTimeout) and session is not None:
        session.invalidate()  # its connection may be mid-statement or about to be cancelled
    elif session is not None:
        session.rollback()
        session.close()


def wants_page() -> bool:
    """Whether the client (a browser following a mailed link) prefers HTML to JSON."""
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def request_ids() -> tuple[str, str]:
    """The request id and correlation id, taken from headers when a caller sent them."""
    request_id = _clean(request.headers.get("X-Request-Id")) or str(uuid.uuid4())
    correlation_id = _clean(request.headers.get("X-Correlation-Id")) or request_id
    return request_id, correlation_id


def _clean(value: str | None) -> str | None:
    if value and len(value) <= 128 and value.isprintable():
        return value
    return None


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(required: bool = True) -> IfMatch:
    """The versions the request's If-Match names, for a use case to check.

    Updates require it (the check is 428 without, 412 when stale); actions already guarded by
    a status machine (submit, approve, cancel) take it as an option, so a script can still make
    sure of what it acts on.
    """
    header = request.headers.get("If-Match")
    if not header and required:
        return IfMatch(missing=True)
    if not header or header.strip() == "*":
        return ANY_VERSION
    tags = (tag.strip() for tag in header.split(","))  # strong comparison: W/ never matches
    return IfMatch(frozenset(int(tag[1:-1]) for tag in tags if STRONG_TAG.fullmatch(tag)))

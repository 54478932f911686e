"""RFC 9457 problem details for every error a client can see."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

from shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    NotFound,
    RuleViolation,
    Unauthorized,
)
from shared.usecases import StaleVersion, VersionRequired

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(HTTPException):
    """An HTTP error with a detail and extra problem members (e.g. the allowed actions)."""

    def __init__(self, status: int, detail: str, *, title: str | None = None, **extra: Any):
        super().__init__(description=detail)
        self.code = status
        self.title = title
        self.extra = extra


def problem_response(
    status: int, title: str, detail: str | None = None, headers: dict | None = None, **extra: Any
) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    title = getattr(error, "title", None) or error.name
    extra = dict(getattr(error, "extra", {}) or {})
    data = getattr(error, "data", None) or {}
    detail = error.description
    if "messages" in data:  # webargs/flask-smorest validation errors, keyed by location
        extra["errors"] = _field_errors(data["messages"])
        detail = "The request body or parameters are not valid."
    if data.get("message"):
        detail = data["message"]
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem_response(status, title, detail, headers, **extra)


#: The one mapping from a use case's refusal to an HTTP status (the most specific class wins).
DOMAIN_STATUSES: dict[type[DomainError], tuple[int, str]] = {
    Unauthorized: (401, "Unauthorized"),
    NotFound: (404, "Not Found"),
    Gone: (410, "Gone"),
    Forbidden: (403, "Forbidden"),
    Conflict: (409, "Conflict"),
    StaleVersion: (412, "Precondition Failed"),
    VersionRequired: (428, "Precondition Required"),
    RuleViolation: (422, "Unprocessable Entity"),
}


def handle_domain_error(error: DomainError) -> Response:
    """A refusal raised by a use case or a rule, as the problem its class stands for."""
    for kind in type(error).__mro__:
        if kind in DOMAIN_STATUSES:
            status, title = DOMAIN_STATUSES[kind]
            return problem_response(status, title, error.detail, **error.extra)
    return problem_response(400, "Bad Request", error.detail, **error.extra)


def handle_concurrent_write(error: Exception) -> Response:
    """Another request changed the same row first (its version moved on) or wrote the same
    unique key: the caller reads again and retries."""
    logger.warning("concurrent write refused: %s", str(error).splitlines()[0])
    detail = "A concurrent request changed or wrote the same thing first; read and retry."
    return problem_response(409, "Conflict", detail)


#: How long a client should wait before retrying while the database is away.
DATABASE_RETRY_AFTER_SECONDS = 5


def handle_database_unavailable(error: Exception) -> Response:
    """The database did not answer (restarting, failing over, cut off): nothing was written,
    and the caller may retry in a few seconds; the pool reconnects once it is back."""
    logger.warning("database unavailable: %s", str(error).splitlines()[0][:300])
    return problem_response(
        503,
        "Service Unavailable",
        "The database is unavailable; retry in a few seconds.",
        {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    logger.exception("unhandled error")
    return problem_response(500, "Internal Server Error", "An unexpected error occurred.")


def _field_errors(messages: dict) -> dict:
    """Flatten {"json": {...}, "query": {...}} into one mapping of field -> messages."""
    flat: dict[str, Any] = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            flat.update(errors)
        else:
            flat[f"_{location}"] = errors
    return flat

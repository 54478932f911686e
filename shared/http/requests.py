"""Per-request plumbing: one database transaction, ids, ETag/If-Match, pagination."""

from __future__ import annotations

import math
import re
import uuid

import sqlalchemy as sa
from flask import current_app, g, request
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from shared.db import filter_by  # noqa: F401  (re-exported for views)
from shared.http.errors import handle_concurrent_write
from shared.usecases import ANY_VERSION, IfMatch

MAX_PAGE_SIZE = 100
STRONG_TAG = re.compile(r'"[0-9]{1,18}"')


def db_session() -> Session:
    """The request's session; its work commits when the response is a success."""
    session = g.get("db_session")
    if session is None:
        session = current_app.extensions["ordo"].db.sessions()
        session.begin()
        g.db_session = session
    return session


def finish_transaction(response):
    """after_request: commit on success, roll back on any error response."""
    session = g.pop("db_session", None)
    if session is not None:
        try:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        except sa.exc.IntegrityError as error:
            session.rollback()
            return handle_concurrent_write(error)
        finally:
            session.close()
    return response


def discard_transaction(_error=None) -> None:
    """teardown_request: a request that raised never commits."""
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()


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


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class PageSchema(Schema):
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


_page_schemas: dict[type, type[Schema]] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """A response schema `{items: [...], page, page_size, total, pages}` for `item_schema`."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema))}
        )
    return _page_schemas[item_schema]


def paginate(session: Session, query: sa.Select, args: dict, rows: bool = False) -> dict:
    """One page of `query` (already filtered and ordered) with the total count.

    Items are ORM objects, or Core rows when `rows` is set.
    """
    page, size = args.get("page", 1), args.get("page_size", 20)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    result = session.execute(query.limit(size).offset((page - 1) * size))
    items = result.all() if rows else result.scalars().all()
    return {
        "items": items,
        "page": page,
        "page_size": size,
        "total": total,
        "pages": math.ceil(total / size) if total else 0,
    }

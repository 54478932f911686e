"""Lists a page at a time: page numbers, or a cursor that costs one index range whatever the depth.

Every list answers `{items, page_size, total, total_exact, pages, page, next_cursor}`:

- `?page=N` skips (N-1) pages (OFFSET): simple, but a deep page reads every row before it.
- `?cursor=…` continues after the last row of the page that gave it (`next_cursor`, present
  whenever another page follows): `WHERE (order columns) > (that row's values)`, served by
  the list's index, so page 400 costs what page 1 does. The cursor is opaque and signed
  (itsdangerous, with the service's secret), and bound to the list's path, its filters and
  its order: a cursor altered or used on another filter is refused with 400.
- `total` (and `pages`) are counted up to ESTIMATE_ABOVE matching rows, at a bounded cost;
  beyond, counting would cost the whole filtered set, so they are left out (`total_exact:
  false`) unless the caller asks `?total=exact`. On the last page the total is known anyway.
  The bounded count is a column of the page's own statement (one round trip; PostgreSQL runs
  the uncorrelated subquery once).

A list's order is its query's ORDER BY with the table's primary key added as the tie-breaker,
so that every row has one place; a cursor is offered where that order is plain non-null
columns (an order by an expression, e.g. a search rank, pages by number only).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import uuid

import sqlalchemy as sa
from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators

from shared.http.errors import Problem
from shared.http.items import ItemList

MAX_PAGE_SIZE = 100
#: Up to this many matching rows `total` is counted exactly; beyond, it is estimated.
ESTIMATE_ABOVE = 1000
#: Query parameters that move through a list rather than choose it.
PAGING_PARAMETERS = ("page", "page_size", "cursor", "total")


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    cursor = fields.String(
        validate=validate.Length(max=2000),
        metadata={
            "description": "Continue after the page that gave this `next_cursor` (then `page` "
            "is ignored); 400 if altered or from another filter or order"
        },
    )
    total = fields.String(
        load_default="estimate",
        validate=validate.OneOf(["estimate", "exact"]),
        metadata={
            "description": f"`exact` counts every matching row; `estimate` (default) counts up "
            f"to {ESTIMATE_ABOVE} and leaves `total` out beyond (see `total_exact`)"
        },
    )


class PageSchema(Schema):
    page = fields.Integer(metadata={"description": "The page number (absent for a cursor)"})
    page_size = fields.Integer()
    total = fields.Integer()
    total_exact = fields.Boolean(
        metadata={"description": "False when `total` was not counted (more than 1,000 rows)"}
    )
    pages = fields.Integer()
    next_cursor = fields.String(
        metadata={"description": "Pass as `cursor` for the next page; absent on the last"}
    )


_page_schemas: dict[type, type[Schema]] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """A response schema `{items: [...], page, page_size, total, …}` for `item_schema`."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(name, (PageSchema,), {"items": ItemList(item_schema)})
    return _page_schemas[item_schema]


def paginate(session: Session, query: sa.Select, args: dict, rows: bool = False) -> dict:
    """One page of `query` (already filtered and ordered), by number or after a cursor.

    Items are ORM objects, or Core rows when `rows` is set.
    """
    size = args.get("page_size", 20)
    order = _total_order(query)
    keys = _key_columns(order)
    paged = query.order_by(None).order_by(*order)
    answer: dict = {"page_size": size}
    if args.get("cursor"):
        if keys is None:
            raise Problem(400, "This list pages by number only.", errors={"cursor": ["Unused."]})
        paged = paged.where(_after(order, _read_cursor(args["cursor"], order, keys)))
    else:
        answer["page"] = args.get("page", 1)
        paged = paged.offset((answer["page"] - 1) * size)
    counted = None
    if rows or args.get("total") == "exact":
        result = session.execute(paged.limit(size + 1))
        items = result.all() if rows else result.scalars().all()
    else:
        # The bounded count rides along in the page's own statement: one round trip, not two.
        found = session.execute(paged.limit(size + 1).add_columns(_bounded_count(query))).all()
        items = [item for item, _ in found]
        counted = found[0][1] if found else None
    more = len(items) > size
    if more:
        items = items[:size]
        if keys is not None:
            answer["next_cursor"] = _cursor(order, [_value(items[-1], c, rows) for c in keys])
    if "page" in answer and not more and (items or answer["page"] == 1):
        total, exact = (answer["page"] - 1) * size + len(items), True  # the last page: known
    elif counted is not None:
        total, exact = (counted, True) if counted <= ESTIMATE_ABOVE else (None, False)
    else:
        total, exact = count(session, query, args.get("total") == "exact")
    answer.update(items=items, total_exact=exact)
    if total is not None:
        answer.update(total=total, pages=math.ceil(total / size))
    return answer


def _bounded_count(query: sa.Select) -> sa.ScalarSelect:
    """How many rows `query` matches, counting at most ESTIMATE_ABOVE + 1, as a column."""
    bounded = query.order_by(None).limit(ESTIMATE_ABOVE + 1).subquery()
    return sa.select(sa.func.count()).select_from(bounded).correlate(None).scalar_subquery()


def count(session: Session, query: sa.Select, exact: bool) -> tuple[int | None, bool]:
    """How many rows `query` matches: exactly when asked, else up to ESTIMATE_ABOVE (counting
    at most one more row, so the cost stays bounded); None beyond."""
    query = query.order_by(None)
    if exact:
        return session.scalar(sa.select(sa.func.count()).select_from(query.subquery())), True
    bounded = query.limit(ESTIMATE_ABOVE + 1).subquery()
    counted = session.scalar(sa.select(sa.func.count()).select_from(bounded))
    return (counted, True) if counted <= ESTIMATE_ABOVE else (None, False)


def _total_order(query: sa.Select) -> list:
    """The query's ORDER BY, with the primary key of its first table added as tie-breaker."""
    order = list(query._order_by_clauses)
    columns = {_column(item) for item in order} - {None}
    if not columns or any(column.unique or column.primary_key for column in columns):
        return order  # already one place per row (or an order by expressions alone)
    table = next(iter(columns)).table
    descending = bool(order) and _is_descending(order[-1])
    for key in table.primary_key:
        if key not in columns:
            order.append(key.desc() if descending else key.asc())
    return order


def _column(item):
    element = getattr(item, "element", item)
    return element if isinstance(element, sa.Column) else None


def _is_descending(item) -> bool:
    return getattr(item, "modifier", None) is operators.desc_op


def _key_columns(order: list) -> list[sa.Column] | None:
    """The columns a cursor holds, or None where the order is not plain non-null columns."""
    columns = [_column(item) for item in order]
    if any(column is None or column.nullable for column in columns):
        return None
    return columns


def _after(order: list, values: list) -> sa.ColumnElement[bool]:
    """Rows after `values` in `order`: one row comparison when every column runs the same way
    (an index range), else the expanded OR of comparisons."""
    columns = [_column(item) for item in order]
    descending = [_is_descending(item) for item in order]
    if len(set(descending)) == 1:
        left = sa.tuple_(*columns)
        right = sa.tuple_(*(sa.literal(v, c.type) for c, v in zip(columns, values, strict=True)))
        return left < right if descending[0] else left > right
    clauses = []
    for index, (column, value) in enumerate(zip(columns, values, strict=True)):
        beyond = column < value if descending[index] else column > value
        ties = [c == v for c, v in zip(columns[:index], values[:index], strict=True)]
        clauses.append(sa.and_(*ties, beyond))
    return sa.or_(*clauses)


def _value(item, column: sa.Column, rows: bool):
    return item._mapping[column] if rows else getattr(item, column.key)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.extensions["ordo"].settings.jwt_secret, "ordo.cursor")


def _list_digest(order: list) -> str:
    """What a cursor is bound to: the path, the filters (every other parameter) and the order."""
    chosen = sorted(
        (name, value)
        for name, value in request.args.items(multi=True)
        if name not in PAGING_PARAMETERS
    )
    ordering = [
        f"{_column(item)} {'desc' if _is_descending(item) else 'asc'}"
        if _column(item) is not None
        else str(item)
        for item in order
    ]
    text = json.dumps([request.path, chosen, ordering])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cursor(order: list, values: list) -> str:
    return _serializer().dumps([_list_digest(order), [_plain(value) for value in values]])


def _read_cursor(cursor: str, order: list, keys: list[sa.Column]) -> list:
    try:
        digest, values = _serializer().loads(cursor)
        if digest != _list_digest(order) or len(values) != len(keys):
            raise ValueError("another list's cursor")
        return [_typed(column, value) for column, value in zip(keys, values, strict=True)]
    except (BadSignature, ValueError, TypeError):
        raise Problem(
            400,
            "The cursor was altered, or belongs to another filter or order: start again "
            "without it and follow next_cursor.",
            errors={"cursor": ["Not a cursor of this list."]},
        ) from None


def _plain(value):
    if isinstance(value, dt.date | uuid.UUID | decimal.Decimal):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    return value


def _typed(column: sa.Column, value):
    try:
        kind = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator's own
    except NotImplementedError:
        return value
    if value is None or isinstance(value, kind):
        return value
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return kind(value)

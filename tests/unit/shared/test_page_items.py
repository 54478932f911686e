"""A list page's items are dumped by attribute (shared.http.items) exactly as their schema's
`dump` would: objects, rows and mappings, missing attributes, and schemas that read values
their own way."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from marshmallow import Schema, fields, post_dump

from shared.http.items import AttributeDump
from shared.http.pages import page_of


class PartSchema(Schema):
    name = fields.String()


class ItemSchema(Schema):
    id = fields.UUID()
    title = fields.String()
    count = fields.Integer()
    ready = fields.Boolean()
    due = fields.Date(allow_none=True)
    at = fields.DateTime()
    price = fields.Decimal(as_string=True, places=2)
    label = fields.String(data_key="displayName")
    code = fields.String(attribute="internal_code")
    secret = fields.String(load_only=True)
    summary = fields.Method("dump_summary")
    part = fields.Nested(PartSchema, allow_none=True)

    def dump_summary(self, item):
        return f"{item.title} x{item.count}"


def item(**changes):
    values = {
        "id": uuid.UUID(int=7),
        "title": "Frame",
        "count": 3,
        "ready": True,
        "due": None,
        "at": datetime(2026, 12, 2, 9, 30, tzinfo=UTC),
        "price": Decimal("12.5"),
        "label": "Frame A",
        "internal_code": "F-1",
        "secret": "never dumped",
        "part": SimpleNamespace(name="bolt"),
    }
    return SimpleNamespace(**{**values, **changes})


def test_objects_dump_as_their_schema_dumps_them():
    schema = ItemSchema()
    dump = AttributeDump(schema)
    assert dump.reads_attributes
    for one in (item(), item(due=date(2027, 1, 4), part=None, ready=False), item(count=None)):
        assert dump(one) == schema.dump(one)
    missing = item()
    del missing.label
    assert "displayName" not in dump(missing)
    assert dump(missing) == schema.dump(missing)


def test_rows_and_mappings_dump_as_their_schema_dumps_them():
    class RowSchema(Schema):
        id = fields.Integer()
        name = fields.String()

    with sa.create_engine("sqlite://").connect() as connection:
        row = connection.execute(sa.text("SELECT 1 AS id, 'Frame' AS name")).one()
    dump = AttributeDump(RowSchema())
    assert dump(row) == RowSchema().dump(row) == {"id": 1, "name": "Frame"}
    assert dump({"id": 2, "name": "Drive"}) == {"id": 2, "name": "Drive"}


def test_schemas_with_hooks_are_dumped_by_marshmallow():
    class HookedSchema(ItemSchema):
        @post_dump
        def shout(self, data, **kwargs):
            return {**data, "title": data["title"].upper()}

    schema = HookedSchema()
    dump = AttributeDump(schema)
    assert not dump.reads_attributes
    assert dump(item())["title"] == "FRAME" == schema.dump(item())["title"]


def test_a_page_dumps_its_items_by_attribute():
    page = page_of(ItemSchema)()
    dumped = page.dump({"items": [item(), item(title="Drive")], "page": 1, "page_size": 20})
    assert dumped["items"] == ItemSchema(many=True).dump([item(), item(title="Drive")])
    assert page.dump({"items": [], "page": 1, "page_size": 20})["items"] == []

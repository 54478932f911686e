"""The items of a list page, dumped by their schema without marshmallow's per-field lookup.

For each field of each item, `Schema.dump` asks the schema's accessor for the value, which tries
the object as a mapping before reading the attribute, and only then converts it: at 20 items of
two dozen fields that lookup was half of what a page of orders cost in CPU, more than the
database. A page's items are ORM objects or rows, so :class:`ItemList` reads each value with
`getattr` and hands it to the field's own conversion (`Field._serialize`, the method every
marshmallow field defines for this), which gives what `dump` gives. Schemas that read values
differently (pre/post-dump hooks, dotted attributes, dump defaults, their own `get_attribute`)
and items that are mappings are dumped by marshmallow as before.
"""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP


class AttributeDump:
    """`schema.dump(item)` for an item whose values are its attributes."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.fields = [
            (
                name,
                name if field.data_key is None else field.data_key,
                field.attribute or name,
                field,
            )
            for name, field in schema.dump_fields.items()
        ]
        self.reads_attributes = (
            not schema._hooks[PRE_DUMP]
            and not schema._hooks[POST_DUMP]
            and type(schema).get_attribute is Schema.get_attribute
            and all(
                "." not in attribute and field.dump_default is missing
                for _, _, attribute, field in self.fields
            )
        )

    def __call__(self, item) -> dict:
        if not self.reads_attributes or isinstance(item, Mapping):
            return self.schema.dump(item)
        dumped = {}
        for name, key, attribute, field in self.fields:
            if field._CHECK_ATTRIBUTE:
                value = getattr(item, attribute, missing)
                if value is missing:
                    continue
            else:  # a Method, Function or Constant field computes its value itself
                value = None
            dumped[key] = field._serialize(value, name, item)
        return dumped


class ItemList(fields.List):
    """A list of `item_schema` objects (documented as `List(Nested(item_schema))`), each dumped
    by :class:`AttributeDump`."""

    def __init__(self, item_schema: type[Schema], **kwargs) -> None:
        super().__init__(fields.Nested(item_schema), **kwargs)
        self._dump = None

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if self._dump is None:
            self._dump = AttributeDump(self.inner.schema)
        return [self._dump(item) for item in value]

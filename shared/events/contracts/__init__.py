"""The event catalog: one marshmallow schema per event type, its producer and consumers.

Publishers validate `data` against the schema before writing the outbox; consumers
validate on receipt; the AsyncAPI document is generated from the same schemas. A change
that breaks old consumers is a new type version, not an edit.

The schema classes are the typed events: `@contract` gives each its `type` string, and code
names an event by its class (`publish(session, OrderConfirmed, data)`,
`dispatcher({OrderConfirmed: on_order_confirmed})`), so a misspelt event fails at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError

from shared.events.envelope import InvalidEvent, to_primitives


@dataclass(frozen=True)
class Contract:
    type: str
    schema: type[Schema]
    producer: str
    consumers: tuple[str, ...]
    summary: str
    version: int = 1
    subject_field: str = "order_id"

    @cached_property
    def strict_schema(self) -> Schema:
        """For publishing: fields the contract does not know are refused."""
        return self.schema(unknown=RAISE)

    @cached_property
    def lenient_schema(self) -> Schema:
        """For consuming: fields a newer producer added are ignored."""
        return self.schema(unknown=EXCLUDE)

    @property
    def dataschema(self) -> str:
        return f"urn:ordo:event:{self.type}:{self.version}"

    @property
    def source(self) -> str:
        return f"/ordo/{self.producer}"


CATALOG: dict[str, Contract] = {}


def contract(
    type: str,
    producer: str,
    consumers: tuple[str, ...] = (),
    summary: str = "",
    subject_field: str = "order_id",
):
    """Class decorator registering a data schema as the contract of one event type."""

    def register(schema: type[Schema]) -> type[Schema]:
        if type in CATALOG:
            raise ValueError(f"event type {type} is registered twice")
        CATALOG[type] = Contract(type, schema, producer, consumers, summary, 1, subject_field)
        schema.type = type
        return schema

    return register


#: An event type as code names it: the contract's schema class (its `type` is the string).
EventType = type[Schema]


def type_name(event: EventType | str) -> str:
    """The type string of an event class (a string is taken as it is)."""
    return event if isinstance(event, str) else event.type


def contract_for(type: EventType | str) -> Contract:
    try:
        return CATALOG[type_name(type)]
    except KeyError:
        raise InvalidEvent(f"unknown event type {type!r}") from None


def validated_for_publish(type: str, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of `data`, strictly checked (unknown fields refused); InvalidEvent if bad."""
    primitives = to_primitives(data)
    try:
        contract_for(type).strict_schema.load(primitives)
    except ValidationError as error:
        raise InvalidEvent(f"{type} data does not match its schema", error.messages) from error
    return primitives


def loaded_for_consume(type: str, data: dict[str, Any]) -> dict[str, Any]:
    """`data` as typed values (UUID, date, Decimal); fields added by newer producers are ignored."""
    try:
        return contract_for(type).lenient_schema.load(data)
    except ValidationError as error:
        raise InvalidEvent(f"{type} data does not match its schema", error.messages) from error


def consumed_by(service: str) -> list[str]:
    return sorted(t for t, c in CATALOG.items() if service in c.consumers)


# Importing the producer modules fills the catalog.
from shared.events.contracts import delivery, feedback, orders, planning  # noqa: E402,F401

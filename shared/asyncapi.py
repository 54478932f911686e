"""The event catalog as documents: AsyncAPI 3.0 for readers, RabbitMQ definitions for the broker.

Both are generated from `shared.events.contracts.CATALOG` and the topology in
`shared.events.broker`, so they cannot drift from what the services publish and bind;
`ordo asyncapi` writes them and a test checks the committed copies are current.
"""

from __future__ import annotations

import base64
import hashlib
import json
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from marshmallow import Schema, fields, missing, validate

from shared.config import SERVICES
from shared.events.broker import bindings_for
from shared.events.contracts import CATALOG, Contract
from shared.events.envelope import CONTENT_TYPE, SPEC_VERSION

EXCHANGE = "ordo.events"
AMQP_BINDING_VERSION = "0.3.0"
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"

# --- marshmallow -> JSON Schema --------------------------------------------------------------

#: Field classes and the JSON Schema they become; subclasses first (Email and UUID are Strings).
_SIMPLE_FIELDS: tuple[tuple[type[fields.Field], dict[str, Any]], ...] = (
    (fields.Email, {"type": "string", "format": "email"}),
    (fields.UUID, {"type": "string", "format": "uuid"}),
    (fields.DateTime, {"type": "string", "format": "date-time"}),
    (fields.Date, {"type": "string", "format": "date"}),
    (fields.String, {"type": "string"}),
    (fields.Integer, {"type": "integer"}),
    (fields.Float, {"type": "number"}),
    (fields.Boolean, {"type": "boolean"}),
)


class SchemaConverter:
    """Turns marshmallow schemas into JSON Schemas; nested schemas become named definitions."""

    def __init__(self, ref_prefix: str = "#/components/schemas/"):
        self.ref_prefix = ref_prefix
        self.definitions: dict[str, dict[str, Any]] = {}
        self._origins: dict[str, type[Schema]] = {}

    def reference(self, schema: type[Schema] | Schema) -> dict[str, str]:
        """A $ref to `schema`'s definition, converting it on first use."""
        schema_class = schema if isinstance(schema, type) else type(schema)
        name = schema_class.__name__
        known = self._origins.get(name)
        if known is not None and known is not schema_class:
            raise ValueError(
                f"two event schemas are named {name}: {known.__module__} and "
                f"{schema_class.__module__}; rename one so the documents stay unambiguous"
            )
        if known is None:
            self._origins[name] = schema_class
            self.definitions[name] = {}  # reserved first: a schema may nest itself
            self.definitions[name] = self.object_schema(schema_class)
        return {"$ref": self.ref_prefix + name}

    def object_schema(self, schema_class: type[Schema]) -> dict[str, Any]:
        instance = schema_class()
        properties = {}
        required = []
        for name, field in instance.fields.items():
            key = field.data_key or name
            properties[key] = self.field_schema(field)
            if field.required:
                required.append(key)
        document: dict[str, Any] = {"type": "object"}
        if schema_class.__doc__:
            document["description"] = " ".join(schema_class.__doc__.split())
        document["properties"] = properties
        if required:
            document["required"] = required
        return document

    def field_schema(self, field: fields.Field) -> dict[str, Any]:
        document = self._type_schema(field)
        for validator in field.validators:
            document.update(_validator_keywords(validator, document))
        if field.allow_none:
            document = _nullable(document)
        description = field.metadata.get("description")
        if description:
            document["description"] = description
        default = field.load_default
        if default is not missing and default is not None and not callable(default):
            document["default"] = default
        return document

    def _type_schema(self, field: fields.Field) -> dict[str, Any]:
        if isinstance(field, fields.Nested):
            nested = field.nested
            if callable(nested) and not isinstance(nested, type):
                nested = nested()
            if not (isinstance(nested, type) and issubclass(nested, Schema)) and not isinstance(
                nested, Schema
            ):
                raise TypeError(f"Nested field {field.name!r} must name a Schema class")
            target = self.reference(nested)
            return {"type": "array", "items": target} if field.many else target
        if isinstance(field, fields.List):
            return {"type": "array", "items": self.field_schema(field.inner)}
        if isinstance(field, fields.Dict):
            document: dict[str, Any] = {"type": "object"}
            if field.value_field is not None:
                document["additionalProperties"] = self.field_schema(field.value_field)
            return document
        if isinstance(field, fields.Decimal):
            if field.as_string:
                return {"type": "string", "pattern": DECIMAL_PATTERN}
            return {"type": "number"}
        for field_class, document in _SIMPLE_FIELDS:
            if isinstance(field, field_class):
                return dict(document)
        raise TypeError(
            f"no JSON Schema for marshmallow field {type(field).__name__} ({field.name!r}); "
            "teach shared.asyncapi.SchemaConverter about it"
        )


def _validator_keywords(validator: Any, document: dict[str, Any]) -> dict[str, Any]:
    if isinstance(validator, validate.Email):
        return {"format": "email"}
    if isinstance(validator, validate.OneOf):
        return {"enum": list(validator.choices)}
    if isinstance(validator, validate.Range):
        keywords = {}
        if validator.min is not None:
            keywords["minimum" if validator.min_inclusive else "exclusiveMinimum"] = validator.min
        if validator.max is not None:
            keywords["maximum" if validator.max_inclusive else "exclusiveMaximum"] = validator.max
        return keywords
    if isinstance(validator, validate.Length):
        low, high = ("minItems", "maxItems")
        if document.get("type") != "array":
            low, high = ("minLength", "maxLength")
        if validator.equal is not None:
            return {low: validator.equal, high: validator.equal}
        keywords = {}
        if validator.min is not None:
            keywords[low] = validator.min
        if validator.max is not None:
            keywords[high] = validator.max
        return keywords
    if isinstance(validator, validate.Regexp):
        return {"pattern": validator.regex.pattern}
    raise TypeError(f"no JSON Schema keyword for validator {type(validator).__name__}")


def _nullable(document: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in document:
        return {"oneOf": [document, {"type": "null"}]}
    nullable = dict(document)
    nullable["type"] = [document["type"], "null"]
    if "enum" in nullable:
        nullable["enum"] = [*nullable["enum"], None]
    return nullable


# --- AsyncAPI 3.0 ----------------------------------------------------------------------------


def _envelope_schema() -> dict[str, Any]:
    """The CloudEvents 1.0 structured-mode envelope every Ordo message is."""
    return {
        "type": "object",
        "description": (
            "CloudEvents 1.0 structured-mode envelope. `data` is the event's payload; fields "
            "newer producers add are optional, so consumers must ignore unknown fields."
        ),
        "required": ["specversion", "id", "source", "type", "time", "data"],
        "properties": {
            "specversion": {"type": "string", "const": SPEC_VERSION},
            "id": {"type": "string", "description": "Unique per event: deduplicate on it."},
            "source": {"type": "string", "description": "/ordo/<producing service>"},
            "type": {"type": "string", "description": "The event type (also the routing key)."},
            "subject": {
                "type": "string",
                "description": "The order id (the customer id for ordo.customer.* events).",
            },
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "dataschema": {"type": "string", "description": "urn:ordo:event:<type>:<version>"},
            "correlationid": {
                "type": "string",
                "description": "Follows one business flow across services.",
            },
            "causationid": {
                "type": "string",
                "description": "The id of the request or event that caused this one.",
            },
            "traceparent": {
                "type": "string",
                "maxLength": 512,
                "description": (
                    "CloudEvents distributed tracing extension: the W3C trace context of the "
                    "request or handler that recorded the event (present while tracing is on)."
                ),
                "example": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            },
            "tracestate": {
                "type": "string",
                "maxLength": 512,
                "description": "W3C tracestate that goes with traceparent, when there is one.",
            },
            "data": {"type": "object"},
        },
    }


def _headers_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "AMQP headers mirroring the envelope, to route without parsing the body.",
        "required": ["ce-id", "ce-type", "ce-source"],
        "properties": {
            "ce-id": {"type": "string"},
            "ce-type": {"type": "string"},
            "ce-source": {"type": "string"},
            "ce-subject": {"type": "string"},
        },
    }


def _message(contract: Contract, data_ref: dict[str, str]) -> dict[str, Any]:
    consumers = ", ".join(contract.consumers) or "no Ordo service (for other systems)"
    return {
        "name": contract.type,
        "title": contract.type,
        "summary": contract.summary,
        "description": (
            f"Published by **{contract.producer}**; consumed by {consumers}. The subject is "
            f"the event's `{contract.subject_field}`."
        ),
        "contentType": CONTENT_TYPE,
        "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string", "const": contract.type},
                        "source": {"type": "string", "const": contract.source},
                        "dataschema": {"type": "string", "const": contract.dataschema},
                        "data": data_ref,
                    },
                },
            ]
        },
        "bindings": {
            "amqp": {"messageType": contract.type, "bindingVersion": AMQP_BINDING_VERSION}
        },
        "tags": [{"name": contract.producer}],
    }


def _exchange_binding() -> dict[str, Any]:
    return {
        "name": EXCHANGE,
        "type": "topic",
        "durable": True,
        "autoDelete": False,
        "vhost": "/",
    }


def _queue_channel(service: str, types: list[str]) -> dict[str, Any]:
    keys = ", ".join(f"`{key}`" for key in bindings_for(service))
    return {
        "address": f"ordo.{service}",
        "title": f"The {service} service's queue",
        "description": (
            f"Durable quorum queue bound to `{EXCHANGE}` with {keys}; replicas of the "
            f"{service} worker compete on it."
        ),
        "messages": {
            _message_id(type): {"$ref": f"#/components/messages/{_message_id(type)}"}
            for type in types
        },
        "bindings": {
            "amqp": {
                "is": "queue",
                "queue": {
                    "name": f"ordo.{service}",
                    "durable": True,
                    "exclusive": False,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": AMQP_BINDING_VERSION,
            }
        },
    }


def _message_id(type: str) -> str:
    return type.replace(".", "_")


def topic_matches(pattern: str, type: str) -> bool:
    """Whether an AMQP topic binding pattern matches a routing key (`*` one word, `#` any)."""

    def match(words: list[str], keys: list[str]) -> bool:
        if not words:
            return not keys
        head, rest = words[0], words[1:]
        if head == "#":
            return any(match(rest, keys[index:]) for index in range(len(keys) + 1))
        return bool(keys) and head in ("*", keys[0]) and match(rest, keys[1:])

    return match(pattern.split("."), type.split("."))


def routed_to(service: str) -> list[str]:
    """The event types that reach `service`'s queue through its bindings."""
    return sorted(t for t in CATALOG if any(topic_matches(key, t) for key in bindings_for(service)))


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every Ordo event, the suite being the application."""
    converter = SchemaConverter()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for type, contract in sorted(CATALOG.items()):
        message_id = _message_id(type)
        messages[message_id] = _message(contract, converter.reference(contract.schema))
        channels[type] = {
            "address": type,
            "title": type,
            "summary": contract.summary,
            "messages": {message_id: {"$ref": f"#/components/messages/{message_id}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": _exchange_binding(),
                    "bindingVersion": AMQP_BINDING_VERSION,
                }
            },
        }
        operations[f"{contract.producer}.send.{message_id}"] = {
            "action": "send",
            "title": f"{contract.producer} publishes {type}",
            "summary": contract.summary,
            "channel": {"$ref": f"#/channels/{type}"},
            "messages": [{"$ref": f"#/channels/{type}/messages/{message_id}"}],
            "bindings": {
                "amqp": {
                    "deliveryMode": 2,
                    "mandatory": True,
                    "bindingVersion": AMQP_BINDING_VERSION,
                }
            },
            "tags": [{"name": contract.producer}],
        }
    for service in SERVICES:
        types = routed_to(service)
        if not types:
            continue
        channel_id = f"queue.ordo.{service}"
        channels[channel_id] = _queue_channel(service, types)
        operations[f"{service}.receive"] = {
            "action": "receive",
            "title": f"{service} consumes its queue",
            "summary": f"The {service} worker handles these events (at least once, in its inbox).",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{_message_id(type)}"} for type in types
            ],
            "bindings": {"amqp": {"ack": True, "bindingVersion": AMQP_BINDING_VERSION}},
            "tags": [{"name": service}],
        }
    schemas = {
        "CloudEvent": _envelope_schema(),
        "CloudEventHeaders": _headers_schema(),
        **dict(sorted(converter.definitions.items())),
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Ordo events",
            "version": _ordo_version(),
            "description": (
                "Every event the Ordo suite (orders, planning, delivery, feedback) publishes. "
                f"Each is a persistent CloudEvents 1.0 JSON message on the durable topic "
                f"exchange `{EXCHANGE}`, with the event type as routing key. Subscribe by "
                f"binding your own durable queue to `{EXCHANGE}` (for example with `ordo.#` "
                "or `ordo.delivery.*`). Generated by `ordo asyncapi` from the event contracts."
            ),
            "tags": [{"name": service} for service in SERVICES],
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "rabbitmq": {
                "host": "rabbitmq:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "The suite's RabbitMQ (ORDO_BROKER_URL); vhost `/`.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def _ordo_version() -> str:
    try:
        return package_version("ordo")
    except PackageNotFoundError:
        return "0.0.0"


# --- RabbitMQ definitions --------------------------------------------------------------------

#: The development broker account docker-compose uses (`amqp://ordo:ordo@rabbitmq:5672//`).
DEVELOPMENT_USER = ("ordo", "ordo")


DEAD_LETTERS = "ordo.dead-letters"


def rabbitmq_definitions(users: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """Definitions RabbitMQ imports at boot: exchange, quorum queues and their bindings.

    A node that imports definitions at boot creates no default user, so `users` (name,
    password) are included with full rights on `/`; production passes none and manages
    accounts itself.
    """
    queues = [
        {
            "name": f"ordo.{service}",
            "vhost": "/",
            "durable": True,
            "auto_delete": False,
            "arguments": {"x-queue-type": "quorum"},
        }
        for service in SERVICES
    ]
    bindings = [
        {
            "source": EXCHANGE,
            "vhost": "/",
            "destination": f"ordo.{service}",
            "destination_type": "queue",
            "routing_key": key,
            "arguments": {},
        }
        for service in SERVICES
        for key in bindings_for(service)
    ]
    definitions: dict[str, Any] = {"vhosts": [{"name": "/"}]}
    if users:
        definitions["users"] = [
            {
                "name": name,
                "password_hash": _password_hash(name, password),
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": ["administrator"],
            }
            for name, password in users
        ]
        definitions["permissions"] = [
            {"user": name, "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}
            for name, _password in users
        ]
    definitions["exchanges"] = [
        {
            "name": EXCHANGE,
            "vhost": "/",
            "type": "topic",
            "durable": True,
            "auto_delete": False,
            "internal": False,
            "arguments": {},
        }
    ]
    # A quorum queue drops a message redelivered more than its delivery limit (20 by default
    # since RabbitMQ 4.0); dead-lettered here instead, it waits for an operator.
    definitions["exchanges"].append(
        {
            "name": DEAD_LETTERS,
            "vhost": "/",
            "type": "fanout",
            "durable": True,
            "auto_delete": False,
            "internal": False,
            "arguments": {},
        }
    )
    queues.append(
        {
            "name": DEAD_LETTERS,
            "vhost": "/",
            "durable": True,
            "auto_delete": False,
            "arguments": {"x-queue-type": "quorum"},
        }
    )
    bindings.append(
        {
            "source": DEAD_LETTERS,
            "vhost": "/",
            "destination": DEAD_LETTERS,
            "destination_type": "queue",
            "routing_key": "",
            "arguments": {},
        }
    )
    definitions["queues"] = queues
    definitions["bindings"] = bindings
    definitions["policies"] = [
        {
            "name": "ordo-dead-letters",
            "vhost": "/",
            "pattern": "^ordo\\.(" + "|".join(SERVICES) + ")$",
            "apply-to": "queues",
            "priority": 0,
            "definition": {
                "dead-letter-exchange": DEAD_LETTERS,
                "dead-letter-strategy": "at-least-once",
                "overflow": "reject-publish",
            },
        }
    ]
    return definitions


def _password_hash(name: str, password: str) -> str:
    """RabbitMQ's salted SHA-256 hash; the salt is derived from the name so output is stable."""
    salt = hashlib.sha256(name.encode()).digest()[:4]
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def k8s_definitions_configmap(definitions: dict[str, Any]) -> str:
    """A ConfigMap (YAML) carrying definitions.json for a RabbitMQ in the cluster."""
    body = "\n".join(f"    {line}" for line in to_json(definitions).splitlines())
    return (
        "# Generated by `ordo asyncapi` from the event catalog; do not edit.\n"
        "# Mount as /etc/rabbitmq/definitions.json next to deploy/rabbitmq/rabbitmq.conf.\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: rabbitmq-definitions\n"
        "data:\n"
        "  definitions.json: |\n"
        f"{body}\n"
    )


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


CATALOG_BEGIN = "<!-- event catalog: generated by `ordo asyncapi` from shared/events/contracts -->"
CATALOG_END = "<!-- end of event catalog -->"


def catalog_table() -> str:
    """The event catalog as a Markdown table, one row per type, for docs/architecture.md."""
    rows = [
        "| event | producer | consumers | what happened | contract class |",
        "|---|---|---|---|---|",
    ]
    for type, contract in sorted(CATALOG.items()):
        consumers = ", ".join(contract.consumers) or "—"
        schema = contract.schema
        where = f"`{schema.__module__.rsplit('.', 1)[-1]}.{schema.__name__}`"
        rows.append(
            f"| `{type}` | {contract.producer} | {consumers} | {contract.summary} | {where} |"
        )
    return "\n".join(rows)


def with_catalog(document: str) -> str:
    """`document` with the text between the catalog markers replaced by the current table."""
    head, begin, rest = document.partition(CATALOG_BEGIN)
    _, end, tail = rest.partition(CATALOG_END)
    if not begin or not end:
        raise ValueError("docs/architecture.md lost its event catalog markers")
    return f"{head}{CATALOG_BEGIN}\n{catalog_table()}\n{CATALOG_END}{tail}"


def generated_files(root: Path) -> dict[Path, str]:
    """Each generated file under the repository `root` and its current content."""
    architecture = root / "docs" / "architecture.md"
    documents = (
        {architecture: with_catalog(architecture.read_text())} if architecture.exists() else {}
    )
    return documents | {
        root / "docs" / "asyncapi.json": to_json(asyncapi_document()),
        root / "deploy" / "rabbitmq" / "definitions.json": to_json(
            rabbitmq_definitions(users=(DEVELOPMENT_USER,))
        ),
        root / "deploy" / "k8s" / "rabbitmq-definitions.yaml": k8s_definitions_configmap(
            rabbitmq_definitions()
        ),
    }

"""`ordo asyncapi`: an AsyncAPI 3.0 document of every event, from the marshmallow contracts."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft7Validator
from marshmallow import Schema, fields, validate
from referencing import Registry, Resource

from shared.asyncapi import SchemaConverter, asyncapi_document, generated_files
from shared.cli import main
from shared.config import SERVICES
from shared.events.broker import bindings_for
from shared.events.contracts import CATALOG, validated_for_publish
from shared.events.envelope import build
from tests.unit.deploy.support import ROOT

DOCUMENT = asyncapi_document()
SAMPLE_FORMATS = {
    "uuid": "0b6f8a5e-4a8e-4d7c-9a4e-3f1f2b9b6c01",
    "date": "2026-11-26",
    "date-time": "2026-11-26T21:00:00.000Z",
    "email": "buyer@example.com",
}


def test_committed_documents_are_what_ordo_asyncapi_generates_now():
    stale = [
        str(path.relative_to(ROOT))
        for path, content in generated_files(ROOT).items()
        if not path.exists() or path.read_text() != content
    ]
    assert not stale, f"run `ordo asyncapi` and commit: {stale}"


def test_ordo_asyncapi_check_reports_a_stale_file_and_writing_fixes_it(tmp_path, capsys):
    assert main(["asyncapi", "--root", str(tmp_path), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["asyncapi", "--root", str(tmp_path)]) == 0
    assert main(["asyncapi", "--root", str(tmp_path), "--check"]) == 0
    assert (tmp_path / "docs" / "asyncapi.json").exists()


def test_document_is_asyncapi_3_with_every_required_part():
    assert DOCUMENT["asyncapi"] == "3.0.0"
    assert {"title", "version"} <= DOCUMENT["info"].keys()
    assert DOCUMENT["defaultContentType"] == "application/cloudevents+json"
    for key in ("servers", "channels", "operations", "components"):
        assert DOCUMENT[key], key


def test_every_event_has_a_channel_on_its_routing_key_and_a_send_operation_of_its_producer():
    for type, contract in CATALOG.items():
        channel = DOCUMENT["channels"][type]
        assert channel["address"] == type
        assert channel["bindings"]["amqp"]["exchange"] == {
            "name": "ordo.events",
            "type": "topic",
            "durable": True,
            "autoDelete": False,
            "vhost": "/",
        }
        (send,) = [
            operation
            for operation in DOCUMENT["operations"].values()
            if operation["action"] == "send"
            and operation["channel"] == {"$ref": f"#/channels/{type}"}
        ]
        assert send["tags"] == [{"name": contract.producer}]
    sends = [op for op in DOCUMENT["operations"].values() if op["action"] == "send"]
    assert len(sends) == len(CATALOG)


def test_each_service_receives_exactly_what_its_queue_bindings_route_to_it():
    for service in SERVICES:
        channel = DOCUMENT["channels"][f"queue.ordo.{service}"]
        received = {message["$ref"].rsplit("/", 1)[1] for message in channel["messages"].values()}
        expected = {
            type.replace(".", "_")
            for type, contract in CATALOG.items()
            if service in contract.consumers
        }
        assert expected <= received
        if "ordo.#" in bindings_for(service):
            assert len(received) == len(CATALOG)


def test_messages_are_cloudevents_json_with_the_ce_headers():
    for message in DOCUMENT["components"]["messages"].values():
        assert message["contentType"] == "application/cloudevents+json"
        assert message["headers"] == {"$ref": "#/components/schemas/CloudEventHeaders"}


def _references(node: Any):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def _resolve(pointer: str) -> Any:
    assert pointer.startswith("#/"), pointer
    node: Any = DOCUMENT
    for part in pointer[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_every_reference_in_the_document_resolves():
    references = set(_references(DOCUMENT))
    assert references
    for pointer in references:
        assert _resolve(pointer) is not None, pointer


def test_operation_messages_belong_to_their_channel():
    for name, operation in DOCUMENT["operations"].items():
        channel_pointer = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(channel_pointer + "/messages/"), name


def test_every_schema_in_the_document_is_valid_json_schema():
    for name, schema in DOCUMENT["components"]["schemas"].items():
        Draft7Validator.check_schema(schema)
        assert schema["type"] == "object", name
    for message in DOCUMENT["components"]["messages"].values():
        Draft7Validator.check_schema(message["payload"])


def _payload_validator(type: str) -> Draft7Validator:
    registry = Registry().with_resource("urn:asyncapi", Resource.opaque(DOCUMENT))
    payload = DOCUMENT["components"]["messages"][type.replace(".", "_")]["payload"]
    schema = {**_rebased(payload), "$id": "urn:ordo:payload"}
    return Draft7Validator(schema, registry=registry)


def _rebased(node: Any) -> Any:
    """The schema with `#/...` references pointing into the whole document."""
    if isinstance(node, dict):
        return {
            key: ("urn:asyncapi" + value if key == "$ref" else _rebased(value))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebased(item) for item in node]
    return node


def _minimal_instance(schema: dict[str, Any]) -> Any:
    """The smallest value the JSON Schema allows: required properties only, first choices."""
    if "$ref" in schema:
        return _minimal_instance(_resolve(schema["$ref"]))
    if "oneOf" in schema:
        return _minimal_instance(schema["oneOf"][0])
    if "enum" in schema:
        return next(choice for choice in schema["enum"] if choice is not None)
    kind = schema["type"][0] if isinstance(schema["type"], list) else schema["type"]
    if kind == "object":
        return {
            name: _minimal_instance(schema["properties"][name])
            for name in schema.get("required", [])
        }
    if kind == "array":
        return [_minimal_instance(schema["items"])] * max(1, schema.get("minItems", 0))
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if "pattern" in schema and "format" not in schema:
        return {"^[A-Z]{3}$": "EUR"}.get(schema["pattern"], "1200.00")
    return SAMPLE_FORMATS.get(schema.get("format"), "text")


@pytest.mark.parametrize("type", sorted(CATALOG))
def test_data_the_json_schema_allows_is_accepted_by_the_marshmallow_contract(type):
    data = _minimal_instance({"$ref": f"#/components/schemas/{CATALOG[type].schema.__name__}"})
    validated_for_publish(type, data)
    contract = CATALOG[type]
    envelope = build(
        type,
        data,
        source=contract.source,
        subject=str(data[contract.subject_field]),
        dataschema=contract.dataschema,
    )
    errors = list(_payload_validator(type).iter_errors(envelope.to_dict()))
    assert not errors, [error.message for error in errors]


def test_payload_schema_rejects_data_the_contract_rejects():
    validator = _payload_validator("ordo.risk.raised")
    data = _minimal_instance({"$ref": "#/components/schemas/RiskRaised"})
    envelope = build("ordo.risk.raised", {**data, "score": 26}, source="/ordo/planning")
    assert not validator.is_valid(envelope.to_dict())
    wrong_type = build("ordo.risk.raised", data, source="/ordo/planning").to_dict()
    assert not validator.is_valid({**wrong_type, "type": "ordo.risk.closed"})


class _Line(Schema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=20))
    tags = fields.List(fields.String(), validate=validate.Length(equal=2))


class _Every(Schema):
    """Every field type event contracts use."""

    price = fields.Decimal(as_string=True, required=True)
    weight = fields.Decimal()
    ratio = fields.Float(validate=validate.Range(min=0, max=1, min_inclusive=False))
    code = fields.String(validate=validate.Regexp(r"^[A-Z]+$"))
    lines = fields.Nested(_Line, many=True, required=True)
    main_line = fields.Nested(_Line, allow_none=True, load_default=None)
    attributes = fields.Dict(keys=fields.String(), values=fields.Integer())
    kind = fields.String(allow_none=True, validate=validate.OneOf(("a", "b")))
    flag = fields.Boolean(load_default=False, metadata={"description": "on or off"})


def test_converter_covers_every_field_type_and_validator_used_by_contracts():
    converter = SchemaConverter()
    assert converter.reference(_Every) == {"$ref": "#/components/schemas/_Every"}
    every = converter.definitions["_Every"]
    properties = every["properties"]
    assert every["description"] == "Every field type event contracts use."
    assert every["required"] == ["price", "lines"]
    assert properties["price"] == {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
    assert properties["weight"] == {"type": "number"}
    assert properties["ratio"] == {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    assert properties["code"] == {"type": "string", "pattern": "^[A-Z]+$"}
    assert properties["lines"] == {"type": "array", "items": {"$ref": "#/components/schemas/_Line"}}
    assert properties["main_line"] == {
        "oneOf": [{"$ref": "#/components/schemas/_Line"}, {"type": "null"}]
    }
    assert properties["attributes"] == {
        "type": "object",
        "additionalProperties": {"type": "integer"},
    }
    assert properties["kind"] == {"type": ["string", "null"], "enum": ["a", "b", None]}
    assert properties["flag"] == {"type": "boolean", "description": "on or off", "default": False}
    line = converter.definitions["_Line"]["properties"]
    assert line["sku"] == {"type": "string", "minLength": 1, "maxLength": 20}
    assert line["tags"] == {
        "type": "array",
        "items": {"type": "string"},
        "minItems": 2,
        "maxItems": 2,
    }


def test_converter_refuses_a_field_it_cannot_describe():
    class Odd(Schema):
        when = fields.Time()

    with pytest.raises(TypeError, match="Time"):
        SchemaConverter().reference(Odd)


def test_two_event_schemas_with_one_name_are_refused():
    def named_money():
        class Money(Schema):
            amount = fields.Integer()

        return Money

    converter = SchemaConverter()
    converter.reference(named_money())
    with pytest.raises(ValueError, match="two event schemas are named Money"):
        converter.reference(named_money())

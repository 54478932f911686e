import json
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shared.context import caused_by
from shared.events.contracts import CATALOG, loaded_for_consume, validated_for_publish
from shared.events.envelope import CONTENT_TYPE, InvalidEvent, build, parse

ORDER_ID = uuid.uuid4()


def cancelled_data(**overrides):
    data = {"order_id": ORDER_ID, "version": 3, "reason": "budget cut", "previous_status": "draft"}
    return data | overrides


def test_an_envelope_survives_a_round_trip_through_json():
    with caused_by("corr-1", "cause-1"):
        envelope = build(
            "ordo.order.cancelled", cancelled_data(), source="/ordo/orders", subject=str(ORDER_ID)
        )
    parsed = parse(envelope.to_json())
    assert parsed == envelope
    document = json.loads(envelope.to_json())
    assert document["specversion"] == "1.0"
    assert document["datacontenttype"] == "application/json"
    assert document["correlationid"] == "corr-1" and document["causationid"] == "cause-1"
    assert document["data"]["order_id"] == str(ORDER_ID)
    assert document["time"].endswith("Z")


def test_the_ce_headers_mirror_the_envelope():
    envelope = build("ordo.order.cancelled", cancelled_data(), source="/ordo/orders", subject="s")
    assert envelope.headers() == {
        "ce-id": envelope.id,
        "ce-type": "ordo.order.cancelled",
        "ce-source": "/ordo/orders",
        "ce-subject": "s",
    }
    assert CONTENT_TYPE == "application/cloudevents+json"


def test_an_event_without_a_cause_starts_its_own_correlation():
    envelope = build("ordo.order.cancelled", cancelled_data(), source="/ordo/orders")
    assert envelope.correlationid == envelope.id and envelope.causationid is None


@pytest.mark.parametrize(
    "body, message",
    [
        (b"\xff\xfe not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (
            b'{"specversion": "1.0", "id": "x", "type": "t"}',
            "missing CloudEvents attributes: source",
        ),
        (
            b'{"specversion": "0.3", "id": "x", "type": "t", "source": "s", "data": {}}',
            "specversion",
        ),
        (b'{"specversion": "1.0", "id": "x", "type": "t", "source": "s", "data": 3}', "data must"),
        (
            b'{"specversion": "1.0", "id": "%s", "type": "t", "source": "s", "data": {}}'
            % (b"x" * 65),
            "id must be a string of at most 64",
        ),
        (
            b'{"specversion": "1.0", "id": "x", "type": "t", "source": "s", "data": {},'
            b' "subject": {"order": 1}}',
            "subject must be a string",
        ),
        (b'{"specversion": "1.0", "id": 7, "type": "t", "source": "s", "data": {}}', "id must"),
    ],
)
def test_a_body_that_is_not_a_cloudevent_is_refused(body, message):
    with pytest.raises(InvalidEvent, match=message):
        parse(body)


def test_publishing_refuses_data_that_does_not_match_the_schema():
    with pytest.raises(InvalidEvent) as refused:
        validated_for_publish("ordo.order.cancelled", cancelled_data(previous_status="lost"))
    assert "previous_status" in refused.value.errors


def test_publishing_refuses_fields_the_schema_does_not_know():
    with pytest.raises(InvalidEvent) as refused:
        validated_for_publish("ordo.order.cancelled", cancelled_data(colour="red"))
    assert "colour" in refused.value.errors


def test_consuming_ignores_fields_a_newer_producer_added_and_types_the_rest():
    data = validated_for_publish(
        "ordo.order.change_approved",
        {
            "order_id": ORDER_ID,
            "version": 4,
            "change_request_id": uuid.uuid4(),
            "changes": [],
            "schedule_impact_days": 5,
            "cost_impact": {"amount": Decimal("10.50"), "currency": "EUR"},
            "new_due_date": date(2027, 1, 4),
            "reason": "customer asked",
        },
    )
    loaded = loaded_for_consume("ordo.order.change_approved", {**data, "added_later": True})
    assert loaded["order_id"] == ORDER_ID
    assert loaded["new_due_date"] == date(2027, 1, 4)
    assert loaded["cost_impact"]["amount"] == Decimal("10.50")
    assert "added_later" not in loaded


def test_an_unknown_event_type_is_refused():
    with pytest.raises(InvalidEvent, match="unknown event type"):
        validated_for_publish("ordo.order.teleported", {"order_id": ORDER_ID})


# The events DESIGN.md §2 and §8 name (§8's materials and lessons are not built yet).
DESIGNED_EVENTS = {
    "ordo.order.created",
    "ordo.order.confirmed",
    "ordo.order.change_approved",
    "ordo.requirements.customer_reviewed",
    "ordo.meeting.scheduled",
    "ordo.meeting.minutes_published",
    "ordo.action_item.overdue",
    "ordo.status_report.published",
    "ordo.increment.planned",
    "ordo.increment.completed",
}


def test_the_catalog_holds_every_event_type_of_the_design():
    assert set(CATALOG) >= DESIGNED_EVENTS
    for contract in CATALOG.values():
        assert contract.type.startswith("ordo.")
        assert contract.dataschema == f"urn:ordo:event:{contract.type}:1"


def test_an_events_time_is_read_in_utc_whatever_offset_it_was_written_with():
    envelope = build("ordo.order.created", {}, source="/ordo/orders", subject=None)
    east = replace(envelope, time="2026-02-01T00:30:00+02:00")
    assert east.occurred_at == datetime(2026, 1, 31, 22, 30, tzinfo=UTC)
    assert east.occurred_at.date() == date(2026, 1, 31)
    assert replace(envelope, time="2026-02-01T00:30:00").occurred_at.tzinfo == UTC

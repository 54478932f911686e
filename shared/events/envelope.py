"""The CloudEvents 1.0 envelope: build, serialise, parse, and the ce-* AMQP headers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared import tracing
from shared.context import current_cause

CONTENT_TYPE = "application/cloudevents+json"
SPEC_VERSION = "1.0"
REQUIRED_ATTRIBUTES = ("specversion", "id", "source", "type")
# What the inbox and outbox columns hold: a longer attribute could never be recorded.
ATTRIBUTE_LENGTHS = {"id": 64, "type": 128, "subject": 64, "source": 200}
# The W3C trace context extension attributes (distributed tracing): at most 512 characters,
# as the W3C's own limit for tracestate.
TRACE_ATTRIBUTE_LENGTH = 512


class InvalidEvent(ValueError):
    """A message that is not a valid Ordo event (unparseable, wrong envelope or bad data)."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    source: str
    subject: str | None
    time: str
    data: dict[str, Any]
    dataschema: str | None = None
    correlationid: str | None = None
    causationid: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None

    def to_dict(self) -> dict[str, Any]:
        document = {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time,
            "datacontenttype": "application/json",
            "dataschema": self.dataschema,
            "correlationid": self.correlationid,
            "causationid": self.causationid,
            "traceparent": self.traceparent,
            "tracestate": self.tracestate,
            "data": self.data,
        }
        return {key: value for key, value in document.items() if value is not None}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), default=json_default)

    def headers(self) -> dict[str, str]:
        """The ce-* AMQP headers that let a subscriber route without parsing the body."""
        headers = {"ce-id": self.id, "ce-type": self.type, "ce-source": self.source}
        if self.subject:
            headers["ce-subject"] = self.subject
        return headers

    def with_data(self, data: dict[str, Any]) -> Envelope:
        return replace(self, data=data)

    @property
    def occurred_at(self) -> datetime:
        """The event's `time` in UTC, whatever offset the producer wrote it with (so that its
        day and month are the same for every producer); an event without a readable one is now.
        """
        try:
            moment = datetime.fromisoformat(self.time.replace("Z", "+00:00"))
        except ValueError:
            return datetime.now(UTC)
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def json_default(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_primitives(data: dict[str, Any]) -> dict[str, Any]:
    """Turn UUIDs, dates and decimals into their JSON forms."""
    return json.loads(json.dumps(data, default=json_default))


def build(
    type: str,
    data: dict[str, Any],
    *,
    source: str,
    subject: str | None = None,
    dataschema: str | None = None,
) -> Envelope:
    """A new envelope; correlation, causation and the trace context come from the current
    request or event."""
    cause = current_cause()
    event_id = str(uuid.uuid4())
    trace_context = tracing.current_context()
    return Envelope(
        id=event_id,
        type=type,
        source=source,
        subject=subject,
        time=format_time(datetime.now(UTC)),
        data=to_primitives(data),
        dataschema=dataschema,
        correlationid=cause.correlation_id or event_id,
        causationid=cause.causation_id,
        traceparent=trace_context.get("traceparent"),
        tracestate=trace_context.get("tracestate"),
    )


def parse(body: bytes | str) -> Envelope:
    """Parse a structured-mode CloudEvents JSON document; InvalidEvent if it is not one."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidEvent(f"body is not JSON: {error}") from error
    if not isinstance(document, dict):
        raise InvalidEvent("body is not a JSON object")
    missing = [name for name in REQUIRED_ATTRIBUTES if not document.get(name)]
    if missing:
        raise InvalidEvent(f"missing CloudEvents attributes: {', '.join(missing)}")
    if document["specversion"] != SPEC_VERSION:
        raise InvalidEvent(f"unsupported specversion {document['specversion']!r}")
    data = document.get("data")
    if not isinstance(data, dict):
        raise InvalidEvent("data must be a JSON object")
    for name, longest in ATTRIBUTE_LENGTHS.items():
        value = document.get(name)
        if value is not None and not (isinstance(value, str) and len(value) <= longest):
            raise InvalidEvent(f"{name} must be a string of at most {longest} characters")
    trace_context = {name: document.get(name) for name in tracing.TRACE_ATTRIBUTES}
    if not all(
        isinstance(value, str) and len(value) <= TRACE_ATTRIBUTE_LENGTH
        for value in trace_context.values()
        if value is not None
    ):
        trace_context = {}  # a broken trace context loses the trace, never the event
    return Envelope(
        id=str(document["id"]),
        type=str(document["type"]),
        source=str(document["source"]),
        subject=document.get("subject"),
        time=str(document.get("time") or ""),
        data=data,
        dataschema=document.get("dataschema"),
        correlationid=document.get("correlationid"),
        causationid=document.get("causationid"),
        traceparent=trace_context.get("traceparent"),
        tracestate=trace_context.get("tracestate"),
    )

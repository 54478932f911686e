"""What a process tells about the events it handles and relays: Prometheus metrics, and the
spans of the relay's publishes and the consumers' handlers (see shared.tracing)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from opentelemetry.trace import SpanKind
from prometheus_client import Counter, Histogram
from sqlalchemy.orm import Session

from shared import tracing
from shared.events.envelope import Envelope

HANDLED = Counter(
    "ordo_events_handled_total", "Events whose handler succeeded", ["service", "type"]
)
FAILED = Counter(
    "ordo_events_failed_total",
    "Handler runs that raised (each attempt; the event is retried, or dead after the last)",
    ["service", "type"],
)
HANDLER_SECONDS = Histogram(
    "ordo_event_handler_duration_seconds", "Time in an event's handler", ["service", "type"]
)
PUBLISH_SECONDS = Histogram(
    "ordo_relay_publish_duration_seconds",
    "From sending a batch of outbox events to the broker's confirmation of all of it",
    ["service"],
)
BATCH_SIZE = Histogram(
    "ordo_relay_batch_size",
    "Events per batch the relay published",
    ["service"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)
PUBLISHED = Counter("ordo_relay_published_total", "Events the relay published", ["service"])


class ObservedHandler:
    """A service's handler, measured, and traced as the child of the context its event was
    recorded in. Wraps the handler where it is called for each event (the inbox's handle)."""

    def __init__(self, handle, service: str):
        self.handle = handle
        self.service = service

    def __getattr__(self, name: str) -> Any:  # handled_types and the like
        return getattr(self.handle, name)

    def __call__(self, event: Envelope, session: Session) -> None:
        started = time.perf_counter()
        with tracing.event_span(
            f"process {event.type}",
            SpanKind.CONSUMER,
            event.traceparent,
            event.tracestate,
            **{
                "messaging.system": "rabbitmq",
                "messaging.operation.type": "process",
                "messaging.message.id": event.id,
                "cloudevents.event_id": event.id,
                "cloudevents.event_type": event.type,
                "cloudevents.event_source": event.source,
                "ordo.service": self.service,
            },
        ):
            try:
                self.handle(event, session)
            except Exception:
                FAILED.labels(self.service, event.type).inc()
                raise
            finally:
                HANDLER_SECONDS.labels(self.service, event.type).observe(
                    time.perf_counter() - started
                )
        HANDLED.labels(self.service, event.type).inc()


class PublishObservation:
    """One batch the relay sent: measured from sending to the broker's confirmation, and one
    publish span per event (the child of the context the event was recorded in)."""

    def __init__(self, service: str, rows: Sequence):
        self.service = service
        self.size = len(rows)
        self.started = time.perf_counter()
        self.started_ns = time.time_ns()
        self.events = [_traced(row) for row in rows] if tracing.enabled() else []

    def confirmed(self) -> None:
        PUBLISH_SECONDS.labels(self.service).observe(time.perf_counter() - self.started)
        BATCH_SIZE.labels(self.service).observe(self.size)
        PUBLISHED.labels(self.service).inc(self.size)
        ended_ns = time.time_ns()
        for event_id, type, traceparent, tracestate in self.events:
            span = tracing.tracer.start_span(
                f"publish {type}",
                context=tracing.context_of(traceparent, tracestate),
                kind=SpanKind.PRODUCER,
                start_time=self.started_ns,
                attributes={
                    "messaging.system": "rabbitmq",
                    "messaging.operation.type": "publish",
                    "messaging.message.id": event_id,
                    "messaging.batch.message_count": self.size,
                    "cloudevents.event_id": event_id,
                    "cloudevents.event_type": type,
                    "ordo.service": self.service,
                },
            )
            span.end(end_time=ended_ns)


def _traced(row) -> tuple[str, str, str | None, str | None]:
    document = json.loads(row.body)
    return row.id, row.type, document.get("traceparent"), document.get("tracestate")

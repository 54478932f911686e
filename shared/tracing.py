"""Tracing across services: OpenTelemetry, with the W3C trace context carried by the events.

A request's span is the parent of everything it causes: the event it records keeps the
request's context in the CloudEvents `traceparent` / `tracestate` extension attributes (taken
when the event is recorded, in the request's transaction), the relay's publish span and every
consumer's handler span are its children, and what a handler records carries the handler's
context on. So one trace shows a request, the relay publish and every consumer's handler.

Tracing is on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (spans go there by OTLP over HTTP;
the other `OTEL_*` variables configure the exporter as usual), or when a test installs an SDK
tracer provider of its own. Otherwise it is off: no instrumentation is installed, no span is
made and no context is written into events.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import context, trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

# Only the W3C trace context (not baggage): these are the two CloudEvents extension attributes.
PROPAGATOR = TraceContextTextMapPropagator()
TRACE_ATTRIBUTES = ("traceparent", "tracestate")
tracer = trace.get_tracer("ordo")


def setup_tracing(service: str) -> None:
    """Export spans by OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; call it once per process,
    before its app and database engines are made."""
    if not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or enabled():
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME") or f"ordo-{service}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    install(provider)


def install(provider: TracerProvider) -> None:
    """Record spans with `provider` (the OTLP one, or a test's in-memory one) from now on;
    the apps and database engines made from then on are instrumented."""
    trace.set_tracer_provider(provider)


def enabled() -> bool:
    """Whether spans are recorded: an SDK tracer provider is installed."""
    return isinstance(trace.get_tracer_provider(), TracerProvider)


def instrument_app(app) -> None:
    """Spans for the app's requests (a `traceparent` header continues the caller's trace)."""
    if enabled():
        from opentelemetry.instrumentation.flask import FlaskInstrumentor

        FlaskInstrumentor().instrument_app(app, excluded_urls="healthz,readyz,metrics")


def instrument_engine(engine) -> None:
    """Spans for the engine's statements, inside the request's or the handler's span.

    The engine is instrumented by itself (SQLAlchemyInstrumentor's EngineTracer), not by
    patching SQLAlchemy's engine factories, which would import its asyncio extension."""
    if enabled():
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
        from opentelemetry.metrics import get_meter

        usage = get_meter("ordo").create_up_down_counter(
            "db.client.connections.usage", unit="connections"
        )
        EngineTracer(tracer, engine, usage)


def current_context() -> dict[str, str]:
    """The current span's context as `traceparent` (and `tracestate`), or {} with no span."""
    carrier: dict[str, str] = {}
    if enabled():
        PROPAGATOR.inject(carrier)
    return carrier


def context_of(traceparent: str | None, tracestate: str | None = None) -> context.Context | None:
    """The context an event was recorded in, to parent the spans that follow from it."""
    if not traceparent:
        return None
    carrier = {"traceparent": traceparent}
    if tracestate:
        carrier["tracestate"] = tracestate
    return PROPAGATOR.extract(carrier)


@contextmanager
def event_span(
    name: str, kind: SpanKind, traceparent: str | None, tracestate: str | None, **attributes
) -> Iterator[Span | None]:
    """A span for work on one event, the child of the context the event was recorded in; the
    current span inside the block. Nothing when tracing is off."""
    if not enabled():
        yield None
        return
    with tracer.start_as_current_span(
        name, context=context_of(traceparent, tracestate), kind=kind, attributes=attributes
    ) as span:
        yield span

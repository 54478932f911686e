"""One trace across services: the orders request that confirms an order, the relay's publish of
its event, planning's handler of it, and what planning's own events cause back in orders."""

from __future__ import annotations

import json

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from opentelemetry.util._once import Once

from services.orders.app import create_app
from services.orders.handlers import handle as orders_handle
from services.orders.models import Base as OrdersBase
from services.planning.handlers import handle as planning_handle
from services.planning.models import Base as PlanningBase
from shared import tracing
from shared.worker import Worker
from tests.helpers import auth, published
from tests.integration.conftest import create_schema
from tests.integration.workers import running, wait_for
from tests.services.orders.conftest import OrderFlow


@pytest.fixture
def tracing_off_after():
    yield
    provider = trace.get_tracer_provider()
    trace._TRACER_PROVIDER_SET_ONCE = Once()  # what opentelemetry's own test helpers reset
    trace._TRACER_PROVIDER = None
    if isinstance(provider, TracerProvider):
        provider.shutdown()


@pytest.fixture
def spans(tracing_off_after):
    """Spans recorded in memory, as the OTLP exporter would send them; tracing off after."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    return exporter


def test_a_confirmed_order_is_one_trace_from_the_request_to_planning_and_back(backend, spans):
    create_schema(backend, "orders", OrdersBase.metadata)
    create_schema(backend, "planning", PlanningBase.metadata)
    app = create_app(backend.config("orders"))
    client = app.test_client()
    body = {"name": "Acme Tooling", "email": "buyer@acme.example", "contact_name": "Ada"}
    customer = client.post("/customers", json=body, headers=auth("sales")).json
    flow = OrderFlow(client, customer["id"])
    order = flow.submitted()
    flow.approve_all(order["id"])
    spans.clear()
    response = flow.post(f"/orders/{order['id']}/approve")
    assert response.status_code == 200, response.json

    request_span = next(
        span
        for span in spans.get_finished_spans()
        if span.kind == SpanKind.SERVER and "/approve" in span.name
    )
    trace_id = request_span.context.trace_id
    confirmed = published(app, "ordo.order.confirmed")[-1]
    # The event carries the request's context in the CloudEvents extension attributes.
    version, traced, parent, _flags = confirmed.traceparent.split("-")
    assert (traced, parent) == (f"{trace_id:032x}", f"{request_span.context.span_id:016x}")
    assert json.loads(confirmed.to_json())["traceparent"] == confirmed.traceparent

    orders_worker = Worker(backend.settings("orders"), OrdersBase.metadata, orders_handle)
    planning_worker = Worker(backend.settings("planning"), PlanningBase.metadata, planning_handle)
    with running(orders_worker), running(planning_worker):

        def in_trace(name: str, kind: SpanKind):
            return [
                span
                for span in spans.get_finished_spans()
                if span.name == name and span.kind == kind and span.context.trace_id == trace_id
            ]

        planning_handled = wait_for(
            lambda: (
                in_trace("process ordo.order.confirmed", SpanKind.CONSUMER)
                and [
                    s
                    for s in in_trace("process ordo.order.confirmed", SpanKind.CONSUMER)
                    if s.attributes["ordo.service"] == "planning"
                ]
            )
        )
        plan_heard = wait_for(
            lambda: [
                span
                for span in in_trace("process ordo.plan.created", SpanKind.CONSUMER)
                if span.attributes["ordo.service"] == "orders"
            ]
        )
        publish = in_trace("publish ordo.order.confirmed", SpanKind.PRODUCER)

    # The relay's publish and planning's handler are children of the request.
    assert [span.parent.span_id for span in publish] == [request_span.context.span_id]
    handler = planning_handled[0]
    assert handler.parent.span_id == request_span.context.span_id
    assert handler.attributes["cloudevents.event_id"] == confirmed.id
    # The handler's statements are inside its span, and so is the publish of what it recorded.
    children = [
        span
        for span in spans.get_finished_spans()
        if span.parent is not None and span.parent.span_id == handler.context.span_id
    ]
    assert any(span.kind == SpanKind.CLIENT and "INSERT" in span.name for span in children)
    assert any(span.name == "publish ordo.plan.created" for span in children)
    # What planning published while handling carries the handler's context on: orders' handler
    # of ordo.plan.created is the child of planning's handler, in the same trace.
    assert plan_heard[0].parent.span_id == handler.context.span_id


def test_tracing_is_off_without_an_endpoint(make_app):
    assert not tracing.enabled()
    app = make_app("orders")
    client = app.test_client()
    client.post(
        "/customers",
        json={"name": "Acme", "email": "a@acme.example", "contact_name": "Ada"},
        headers=auth("sales"),
    )
    assert published(app) and all(event.traceparent is None for event in published(app))


def test_an_otlp_endpoint_turns_tracing_on_for_the_process(monkeypatch, tracing_off_after):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    tracing.setup_tracing("planning")
    provider = trace.get_tracer_provider()
    assert tracing.enabled()
    assert provider.resource.attributes["service.name"] == "ordo-planning"
    tracing.setup_tracing("planning")  # once per process: a second call changes nothing
    assert trace.get_tracer_provider() is provider

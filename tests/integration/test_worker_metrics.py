"""A running worker's /metrics and /readyz (ORDO_WORKER_METRICS_PORT), scraped over HTTP."""

from __future__ import annotations

import random
import socket
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from services.planning.handlers import handle as planning_handle
from services.planning.models import Base as PlanningBase
from shared.worker import Worker
from tests.helpers import event
from tests.integration.conftest import create_schema
from tests.integration.proxy import TcpProxy
from tests.integration.test_consumer import publish, publish_event
from tests.integration.workers import confirmed_order, running, wait_for


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples, name: str, **labels) -> float | None:
    return samples.get((name, tuple(sorted({"service": "planning", **labels}.items()))))


def ready(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except urllib.error.URLError:
        return 0  # not listening yet


def listening_port() -> int:
    """A free port below the ephemeral range, which the worker's own outgoing connections
    (broker, database) could otherwise take between choosing the port and binding it."""
    for port in random.sample(range(9600, 9700), 100):
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 9600-9699")


def test_a_worker_serves_its_event_metrics_and_is_ready_only_while_it_consumes(backend):
    create_schema(backend, "planning", PlanningBase.metadata)
    proxy, overrides = None, {}
    if backend.real:  # the broker through a line the test can cut
        proxy = TcpProxy("127.0.0.1", 5672)
        proxy.up()
        overrides["broker_url"] = f"amqp://guest:guest@127.0.0.1:{proxy.port}//"
    overrides["worker_metrics_port"] = listening_port()
    settings = backend.settings("planning", **overrides)
    port = settings.worker_metrics_port
    worker = Worker(settings, PlanningBase.metadata, planning_handle)
    try:
        with running(worker):
            wait_for(lambda: ready(port) == 200)
            for _ in range(3):
                publish_event(settings, event("ordo.order.confirmed", confirmed_order()))
            publish(
                settings,
                b"not an event",
                "ordo.order.confirmed",
                {"ce-id": "broken-1", "ce-type": "ordo.order.confirmed"},
            )
            handled = "ordo_events_handled_total"
            samples = wait_for(
                lambda: (
                    (s := scrape(port))
                    and (value(s, handled, type="ordo.order.confirmed") or 0) >= 3
                    and (value(s, "ordo_inbox_dead_events", type="ordo.order.confirmed") or 0) >= 1
                    and s
                )
            )
            assert value(samples, "ordo_consumer_up") == 1
            assert value(samples, "ordo_worker_database_up") == 1
            assert value(samples, "ordo_inbox_retry_queue") == 0
            assert value(samples, "ordo_mail_pending") == 0
            duration = "ordo_event_handler_duration_seconds_count"
            assert value(samples, duration, type="ordo.order.confirmed") >= 3
            # Planning's handler published plans: the relay reports its batches, and the
            # outbox is emptied (no backlog, no age).
            samples = wait_for(
                lambda: (s := scrape(port)) and value(s, "ordo_outbox_backlog") == 0 and s
            )
            assert value(samples, "ordo_outbox_oldest_age_seconds") == 0
            assert value(samples, "ordo_relay_batch_size_count") >= 1
            assert value(samples, "ordo_relay_published_total") >= 3
            assert value(samples, "ordo_relay_publish_duration_seconds_count") >= 1
            assert ready(port) == 200
            if proxy is not None:
                proxy.down()  # the broker goes away: not ready, still alive and scraped
                wait_for(lambda: ready(port) == 503)
                assert value(scrape(port), "ordo_consumer_up") == 0
                proxy.up()
                wait_for(lambda: ready(port) == 200, timeout=40)
    finally:
        if proxy is not None:
            proxy.close()

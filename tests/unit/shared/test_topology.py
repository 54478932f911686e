import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from shared.config import SERVICES, load_settings
from shared.events.broker import bindings_for, connect, declare_topology, service_queue
from shared.events.contracts import consumed_by

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_handles_exactly_the_events_the_catalog_says_it_consumes(service):
    handlers = importlib.import_module(f"services.{service}.handlers")
    assert handlers.handle.handled_types == set(consumed_by(service))


def test_the_orders_queue_hears_every_event_for_the_timeline():
    assert "ordo.#" in bindings_for("orders")


def test_a_namespace_prefixes_the_exchange_and_queues():
    settings = load_settings("planning", {"namespace": "run42"})
    queue = service_queue(settings)
    assert settings.exchange == "run42.ordo.events"
    assert queue.name == "run42.ordo.planning"
    assert {b.exchange.name for b in queue.bindings} == {"run42.ordo.events"}
    assert {b.routing_key for b in queue.bindings} == set(consumed_by("planning"))


def test_quorum_queues_are_a_setting():
    queue = service_queue(load_settings("delivery", {"queue_type": "quorum"}))
    assert queue.queue_arguments == {"x-queue-type": "quorum"}


def test_an_unknown_queue_type_is_refused(monkeypatch):
    monkeypatch.setenv("ORDO_QUEUE_TYPE", "lazy")
    with pytest.raises(ValueError, match="classic or quorum"):
        load_settings("orders")


PUBLISH_FROM_A_WORKER = """
from shared.config import load_settings
from shared.events.broker import connect
from shared.events.publisher import BatchPublisher, OutgoingMessage

settings = load_settings("feedback", {"broker_url": "filesystem://", "namespace": "wild"})
publisher = BatchPublisher(connect(settings), 5)
publisher.publish(settings.exchange, [OutgoingMessage("1", "ordo.survey.sent", "{}", {})])
publisher.reset()
"""


def test_an_embedded_worker_that_declared_nothing_routes_through_the_wildcard_binding(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("ORDO_VAR_DIR", str(tmp_path))
    settings = load_settings("feedback", {"broker_url": "filesystem://", "namespace": "wild"})
    with connect(settings) as connection:
        declare_topology(connection, settings)  # as `ordo up` does, in its own process

    subprocess.run([sys.executable, "-c", PUBLISH_FROM_A_WORKER], check=True, cwd=ROOT)

    with connect(settings) as connection:
        assert connection.default_channel.basic_get("wild.ordo.orders", no_ack=True) is not None

"""The README's subscriber example, run as another system would run it, receives Ordo's events."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from kombu import Queue

from services.orders.models import Base as OrdersBase
from shared.db import Database
from shared.events.broker import connect
from shared.events.relay import Relay
from tests.integration.conftest import create_schema
from tests.integration.workers import record_confirmations

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "subscribe.py"


def test_the_subscriber_example_receives_the_events_it_binds_to(backend):
    if not backend.real:
        pytest.skip("the example talks AMQP to RabbitMQ")
    settings = backend.settings("orders")
    queue_name = f"{backend.namespace}.erp"
    subscriber = subprocess.Popen(
        [
            sys.executable,
            str(EXAMPLE),
            "--broker",
            settings.broker_url,
            "--exchange",
            settings.exchange,
            "--queue",
            queue_name,
            "--binding",
            "ordo.order.*",
            "--count",
            "3",
            "--idle-seconds",
            "30",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert subscriber.stderr.readline().startswith("listening on"), "the example did not start"
        orders_db = Database(
            create_schema(backend, "orders", OrdersBase.metadata), OrdersBase.metadata, "orders"
        )
        order_ids = record_confirmations(orders_db, 3)
        Relay(orders_db, settings).publish_pending()
        output, _ = subscriber.communicate(timeout=30)
        orders_db.dispose()
    finally:
        if subscriber.poll() is None:
            subscriber.kill()
        with connect(settings) as connection:
            Queue(queue_name)(connection.default_channel).delete()
    events = [json.loads(line) for line in output.splitlines()]
    assert subscriber.returncode == 0
    assert [e["type"] for e in events] == ["ordo.order.confirmed"] * 3
    assert [e["subject"] for e in events] == [str(order_id) for order_id in order_ids]

"""Benchmark: the outbox relay's throughput against Kombu publishing with a confirm per message.

Run with ``python tests/bench/bench_relay.py [events]`` against PostgreSQL and RabbitMQ on
127.0.0.1 (or ORDO_TEST_POSTGRES_URL / ORDO_TEST_BROKER_URL). Both sides publish the same
persistent CloudEvents bodies to the same topic exchange with bound queues, in the same run:

* baseline: a Kombu Producer on a connection with ``confirm_publish=True`` — each publish
  waits for the broker's confirmation;
* relay: ``Relay.publish_pending()`` until the outbox is empty — read a batch from the outbox
  table, publish it, wait once for the broker's acks, mark the rows published.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

import psycopg
import sqlalchemy as sa
from kombu import Connection, Producer

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.orders.models import Base  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.events.broker import connect, declare_topology, delete_topology, events_exchange  # noqa: E402
from shared.events.relay import Relay  # noqa: E402
from tests.integration.workers import record_confirmations  # noqa: E402

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
BROKER_URL = os.environ.get("ORDO_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def bodies(db: Database) -> list[tuple[str, str, dict]]:
    outbox = db.tables.outbox
    with db.sessions() as session:
        rows = session.execute(sa.select(outbox.c.id, outbox.c.type, outbox.c.body)).all()
    return [(row.body, row.type, {"ce-id": row.id, "ce-type": row.type}) for row in rows]


def baseline(settings, messages) -> float:
    connection = Connection(settings.broker_url, transport_options={"confirm_publish": True})
    producer = Producer(connection.default_channel, exchange=events_exchange(settings))
    started = time.perf_counter()
    for body, routing_key, headers in messages:
        producer.publish(
            body,
            routing_key=routing_key,
            headers=headers,
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
            delivery_mode=2,
            mandatory=True,
        )
    elapsed = time.perf_counter() - started
    connection.release()
    return len(messages) / elapsed


def relay_throughput(db: Database, settings) -> float:
    relay = Relay(db, settings)
    started = time.perf_counter()
    published = 0
    while count := relay.publish_pending():
        published += count
    elapsed = time.perf_counter() - started
    relay.publisher.reset()
    return published / elapsed


def main(events: int) -> None:
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    database = f"ordo_{namespace}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    settings = load_settings(
        "orders",
        {
            "database_url": f"{POSTGRES_URL}/{database}",
            "broker_url": BROKER_URL,
            "namespace": namespace,
        },
    )
    db = Database(settings.database_url, Base.metadata, "orders")
    try:
        db.create_all()
        with connect(settings) as connection:
            declare_topology(connection, settings)
        record_confirmations(db, events, per_transaction=500)
        messages = bodies(db)
        print(f"{events} events of about {sum(len(m[0]) for m in messages) // events} bytes")
        base = baseline(settings, messages)
        print(f"baseline: Kombu publish with confirm_publish per message  {base:>9,.0f} msg/s")
        relayed = relay_throughput(db, settings)
        batch = settings.relay_batch_size
        print(
            f"relay:    outbox batches of {batch}, confirmed per batch      {relayed:>9,.0f} msg/s"
        )
        print(f"ratio relay / baseline: {relayed / base:.2f}x (target >= 3x)")
    finally:
        with connect(settings) as connection:
            delete_topology(connection, settings)
        db.dispose()
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

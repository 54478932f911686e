"""Benchmark: draining a queue through the inbox against a raw Kombu consume + ack loop.

Run with ``python tests/bench/bench_inbox.py [events]`` against PostgreSQL and RabbitMQ on
127.0.0.1 (or ORDO_TEST_POSTGRES_URL / ORDO_TEST_BROKER_URL). The same number of persistent
CloudEvents messages (``ordo.order.submitted``) is published to the orders queue before each
drain, in the same run:

* baseline: a Kombu Consumer with the same prefetch whose callback only acks;
* inbox: the worker's ``InboxConsumer`` recording batches in the inbox table (decode and
  validate, claim by id, a savepoint per message, commit, then ack), once with a handler that
  does nothing (the cost of the inbox itself) and once with orders' real handlers (every
  event goes on its order's timeline).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
from kombu import Consumer, Producer

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.orders.handlers import handle as orders_handle  # noqa: E402
from services.orders.models import Base  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.events.broker import (  # noqa: E402
    connect,
    declare_topology,
    delete_topology,
    events_exchange,
    service_queue,
)
from shared.events.consumer import InboxConsumer  # noqa: E402
from shared.events.inbox import Inbox  # noqa: E402
from tests.helpers import JWT_SECRET, event  # noqa: E402

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
BROKER_URL = os.environ.get("ORDO_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def publish(settings, count: int) -> None:
    with connect(settings) as connection:
        producer = Producer(connection.default_channel, exchange=events_exchange(settings))
        for _ in range(count):
            order_id = uuid.uuid4()
            data = {"order_id": order_id, "version": 2, "number": "ORD-2026-00001"}
            envelope = event("ordo.order.submitted", {**data, "requirement_count": 3})
            producer.publish(
                envelope.to_json(),
                routing_key=envelope.type,
                headers=envelope.headers(),
                content_type="application/cloudevents+json",
                content_encoding="utf-8",
                delivery_mode=2,
            )


def raw_drain(settings, count: int) -> tuple[float, float]:
    """Events per second of a Kombu consumer that acks each message and does nothing else,
    and events per CPU-second of this process."""
    received = 0
    started = cpu = None

    def on_message(message):
        nonlocal received, started, cpu
        started = started or time.perf_counter()
        cpu = cpu or time.process_time()
        message.ack()
        received += 1

    with (
        connect(settings) as connection,
        Consumer(
            connection,
            queues=[service_queue(settings)],
            on_message=on_message,
            prefetch_count=settings.prefetch,
            auto_declare=False,
        ),
    ):
        while received < count:
            connection.drain_events(timeout=10)
    return count / (time.perf_counter() - started), count / (time.process_time() - cpu)


def inbox_drain(settings, db: Database, handle, count: int) -> tuple[float, float, float]:
    """Events per second through the InboxConsumer, events per CPU-second of this process,
    and the mean batch size."""
    inbox = Inbox(db, settings, handle)
    batches: list[int] = []
    started = cpu = None
    done = threading.Event()
    record = inbox.receive_many

    def counting(messages):
        nonlocal started, cpu
        started = started or time.perf_counter()
        cpu = cpu or time.process_time()
        statuses = record(messages)
        batches.append(len(messages))
        if sum(batches) >= count:
            done.set()
        return statuses

    inbox.receive_many = counting
    with connect(settings) as connection:
        consumer = InboxConsumer(
            connection,
            service_queue(settings),
            inbox,
            settings.prefetch,
            batch_size=settings.inbox_batch_size,
            batch_seconds=settings.inbox_batch_seconds,
        )
        thread = threading.Thread(target=consumer.run, daemon=True)
        thread.start()
        done.wait(600)
        elapsed, used = time.perf_counter() - started, time.process_time() - cpu
        consumer.should_stop = True
        thread.join(10)
    return count / elapsed, count / used, sum(batches) / len(batches)


def main(events: int) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up when stopped
    namespace = f"p19bbench{uuid.uuid4().hex[:8]}"
    database = f"ordo_{namespace}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    settings = load_settings(
        "orders",
        {
            "database_url": f"{POSTGRES_URL}/{database}",
            "broker_url": BROKER_URL,
            "namespace": namespace,
            "jwt_secret": JWT_SECRET,
        },
    )
    db = Database(settings.database_url, Base.metadata, "orders")
    try:
        db.create_all()
        with connect(settings) as connection:
            declare_topology(connection, settings)
        print(
            f"{events} events per drain; prefetch {settings.prefetch}, "
            f"batches of up to {settings.inbox_batch_size}"
        )
        publish(settings, events)
        base, base_cpu = raw_drain(settings, events)
        print(
            f"baseline: Kombu consume + ack          {base:>8,.0f} events/s "
            f"({base_cpu:>8,.0f} per CPU-second)"
        )
        publish(settings, events)
        bare, bare_cpu, size = inbox_drain(settings, db, lambda event, session: None, events)
        print(
            f"inbox, a handler that does nothing    {bare:>8,.0f} events/s "
            f"({bare_cpu:>8,.0f} per CPU-second; batch {size:.1f})"
        )
        publish(settings, events)
        real, real_cpu, size = inbox_drain(settings, db, orders_handle, events)
        print(
            f"inbox, orders' handlers (timeline)    {real:>8,.0f} events/s "
            f"({real_cpu:>8,.0f} per CPU-second; batch {size:.1f})"
        )
        print(
            f"ratio inbox / baseline: {bare / base:.2f}x wall, {bare_cpu / base_cpu:.2f}x per "
            "CPU-second (target >= 0.25x and >= 3,000/s)"
        )
        print(f"ratio inbox with orders' handlers / baseline: {real / base:.2f}x wall")
    finally:
        with connect(settings) as connection:
            delete_topology(connection, settings)
        db.dispose()
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

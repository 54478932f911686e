"""The outbox relay against a real broker: confirmation, outage, replay."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from kombu import Queue

from services.orders.models import Base as OrdersBase
from services.planning.handlers import handle as planning_handle
from services.planning.models import Base as PlanningBase
from services.planning.models import Plan
from shared.db import Database, utcnow
from shared.events.broker import connect
from shared.events.relay import Relay, replay
from shared.worker import Worker
from tests.backends import free_port
from tests.integration.conftest import create_schema
from tests.integration.proxy import TcpProxy
from tests.integration.workers import record_confirmations, running, wait_for


def plan_count(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Plan))


def pending(db: Database) -> int:
    outbox = db.tables.outbox
    with db.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).where(outbox.c.published_at.is_(None)))


def test_events_recorded_while_the_broker_is_unreachable_all_arrive_once_it_returns(backend):
    if not backend.real:
        pytest.skip("needs RabbitMQ: the embedded broker is a folder and cannot go away")
    proxy = TcpProxy("127.0.0.1", 5672)
    orders_settings = backend.settings(
        "orders", broker_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}//"
    )
    orders_db = Database(
        create_schema(backend, "orders", OrdersBase.metadata), OrdersBase.metadata, "orders"
    )
    create_schema(backend, "planning", PlanningBase.metadata)
    planning = Worker(backend.settings("planning"), PlanningBase.metadata, planning_handle)
    relay = Relay(orders_db, orders_settings)
    stop = threading.Event()
    relay_thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    try:
        with running(planning):
            relay_thread.start()
            record_confirmations(orders_db, 500)
            time.sleep(1.0)  # the relay tries, fails and backs off meanwhile
            assert pending(orders_db) == 500
            assert plan_count(planning.db) == 0
            proxy.up()
            wait_for(lambda: plan_count(planning.db) == 500, timeout=120)
            wait_for(lambda: pending(orders_db) == 0, timeout=10)
            inbox = planning.db.tables.inbox
            with planning.db.sessions() as session:
                statuses = session.execute(
                    sa.select(inbox.c.status, sa.func.count()).group_by(inbox.c.status)
                ).all()
            assert statuses == [("processed", 500)]
    finally:
        stop.set()
        relay_thread.join(timeout=10)
        proxy.close()
        orders_db.dispose()


def test_a_relay_whose_broker_refuses_connections_keeps_trying_until_it_is_back(backend):
    if not backend.real:
        pytest.skip("needs RabbitMQ: the embedded broker is a folder and cannot go away")
    port = free_port()  # nothing listens there yet: connections are refused
    settings = backend.settings("orders", broker_url=f"amqp://guest:guest@127.0.0.1:{port}//")
    orders_db = Database(
        create_schema(backend, "orders", OrdersBase.metadata), OrdersBase.metadata, "orders"
    )
    stop = threading.Event()
    relay_thread = threading.Thread(target=Relay(orders_db, settings).run, args=(stop,))
    proxy = None
    try:
        relay_thread.start()
        record_confirmations(orders_db, 20)
        time.sleep(4.0)  # a reconnection attempt gives up after about 2 s
        assert relay_thread.is_alive()
        assert pending(orders_db) == 20
        proxy = TcpProxy("127.0.0.1", 5672, port=port)
        proxy.up()
        wait_for(lambda: pending(orders_db) == 0, timeout=60)
    finally:
        stop.set()
        relay_thread.join(timeout=10)
        if proxy is not None:
            proxy.close()
        orders_db.dispose()


def test_a_relay_that_loses_the_broker_mid_run_recovers(backend):
    if not backend.real:
        pytest.skip("needs RabbitMQ: the embedded broker is a folder and cannot go away")
    proxy = TcpProxy("127.0.0.1", 5672)
    proxy.up()
    orders_settings = backend.settings(
        "orders", broker_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}//"
    )
    orders_db = Database(
        create_schema(backend, "orders", OrdersBase.metadata), OrdersBase.metadata, "orders"
    )
    relay = Relay(orders_db, orders_settings)
    try:
        record_confirmations(orders_db, 10)
        assert relay.publish_pending() == 10
        proxy.down()
        record_confirmations(orders_db, 10)
        with pytest.raises(ConnectionError):
            relay.publish_pending()
        assert pending(orders_db) == 10
        proxy.up()
        assert relay.publish_pending() == 10
        assert pending(orders_db) == 0
    finally:
        proxy.close()
        orders_db.dispose()


def test_a_time_range_of_the_outbox_can_be_replayed_to_a_new_subscribers_queue(backend):
    settings = backend.settings("orders")
    orders_db = Database(
        create_schema(backend, "orders", OrdersBase.metadata), OrdersBase.metadata, "orders"
    )
    record_confirmations(orders_db, 7)
    Relay(orders_db, settings).publish_pending()
    queue_name = f"{backend.namespace}.backfill"
    with connect(settings) as connection:
        queue = Queue(queue_name, durable=False, auto_delete=False)(connection.default_channel)
        queue.declare()
        count = replay(
            orders_db, settings, queue_name, utcnow() - timedelta(hours=1), utcnow(), "ordo.order."
        )
        assert count == 7
        received = []
        wait_for(lambda: _drain(queue, received) >= 7, timeout=10)
        assert {m.headers["ce-type"] for m in received} == {"ordo.order.confirmed"}
        queue.delete()
    orders_db.dispose()


def test_a_replay_to_a_queue_that_does_not_exist_is_refused(backend):
    orders_db = Database(
        create_schema(backend, "orders", OrdersBase.metadata), OrdersBase.metadata, "orders"
    )
    record_confirmations(orders_db, 2)
    with pytest.raises(LookupError, match="no queue named"):
        replay(
            orders_db,
            backend.settings("orders"),
            f"{backend.namespace}.no-such-queue",
            utcnow() - timedelta(hours=1),
            utcnow(),
        )
    orders_db.dispose()


def _drain(queue, received: list) -> int:
    while (message := queue.get(no_ack=True)) is not None:
        received.append(message)
    return len(received)


def test_ordo_events_replay_backfills_a_subscribers_queue_from_the_command_line(backend):
    settings = backend.settings("orders")
    orders_db = Database(
        create_schema(backend, "orders", OrdersBase.metadata), OrdersBase.metadata, "orders"
    )
    record_confirmations(orders_db, 4)
    Relay(orders_db, settings).publish_pending()
    orders_db.dispose()
    queue_name = f"{backend.namespace}.late-subscriber"
    with connect(settings) as connection:
        queue = Queue(queue_name, durable=False, auto_delete=False)(connection.default_channel)
        queue.declare()
        command = [
            sys.executable,
            "-m",
            "shared.cli",
            "events",
            "replay",
            "--service",
            "orders",
            "--queue",
            queue_name,
            "--since",
            (utcnow() - timedelta(hours=1)).isoformat(),
        ]
        environment = {**os.environ, **backend.environment()}
        replayed = subprocess.run(command, env=environment, capture_output=True, text=True)
        assert replayed.returncode == 0, replayed.stderr
        assert "replayed 4 events" in replayed.stderr
        received = []
        wait_for(lambda: _drain(queue, received) >= 4, timeout=10)
        queue.delete()

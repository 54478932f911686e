"""The consumer and inbox against a real broker and database."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from kombu import Producer

from services.planning.handlers import handle as planning_handle
from services.planning.models import Base as PlanningBase
from services.planning.models import Plan
from shared.db import Database
from shared.events.broker import connect, events_exchange
from shared.events.envelope import Envelope
from shared.events.inbox import Inbox
from shared.http.app import create_service_app
from shared.worker import Worker
from tests.helpers import auth, event
from tests.integration.conftest import create_schema
from tests.integration.proxy import TcpProxy
from tests.integration.workers import confirmed_order, running, wait_for

ROOT = Path(__file__).resolve().parents[2]


def publish(settings, body: str | bytes, routing_key: str, headers: dict | None = None) -> None:
    with connect(settings) as connection:
        Producer(connection.default_channel).publish(
            body,
            exchange=events_exchange(settings),
            routing_key=routing_key,
            headers=headers or {},
            content_type="application/cloudevents+json",
            content_encoding="utf-8",
            delivery_mode=2,
        )


def publish_event(settings, envelope: Envelope) -> None:
    publish(settings, envelope.to_json(), envelope.type, envelope.headers())


def inbox_rows(db):
    with db.sessions() as session:
        return session.execute(sa.select(db.tables.inbox)).all()


def plans_for(db, order_id) -> int:
    with db.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).where(Plan.order_id == order_id))


class FlakyHandler:
    """Fails its first `failures` calls, then does nothing (a counting stand-in for a handler)."""

    def __init__(self, failures: int):
        self.failures = failures
        self.calls = 0

    def __call__(self, event, session):
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"downstream hiccup #{self.calls}")


def test_the_same_event_twice_has_one_effect(backend):
    create_schema(backend, "planning", PlanningBase.metadata)
    worker = Worker(backend.settings("planning"), PlanningBase.metadata, planning_handle)
    data = confirmed_order()
    confirmed = event("ordo.order.confirmed", data)
    with running(worker):
        publish_event(worker.settings, confirmed)
        publish_event(worker.settings, confirmed)
        wait_for(lambda: len(inbox_rows(worker.db)) == 1 and plans_for(worker.db, data["order_id"]))
        time.sleep(0.5)  # give the duplicate time to arrive and be skipped
    assert plans_for(worker.db, data["order_id"]) == 1
    [row] = inbox_rows(worker.db)
    assert (row.id, row.status, row.attempts) == (confirmed.id, "processed", 1)


def test_a_consuming_worker_keeps_its_heartbeat_file_fresh(backend, tmp_path):
    create_schema(backend, "planning", PlanningBase.metadata)
    heartbeat = tmp_path / "worker.alive"
    settings = backend.settings("planning", heartbeat_file=str(heartbeat))
    with running(Worker(settings, PlanningBase.metadata, planning_handle)):
        wait_for(heartbeat.exists, timeout=10)
        assert time.time() - heartbeat.stat().st_mtime < 10


def test_a_handler_that_fails_twice_then_succeeds_is_processed(backend):
    create_schema(backend, "planning", PlanningBase.metadata)
    flaky = FlakyHandler(failures=2)
    settings = backend.settings("planning", inbox_retry_base_seconds=0.05, inbox_max_attempts=5)
    worker = Worker(settings, PlanningBase.metadata, flaky)
    with running(worker):
        publish_event(settings, event("ordo.order.confirmed", confirmed_order()))
        wait_for(lambda: [r.status for r in inbox_rows(worker.db)] == ["processed"])
    [row] = inbox_rows(worker.db)
    assert row.attempts == 3 and flaky.calls == 3 and row.last_error is None


def test_a_handler_that_always_fails_goes_dead_and_an_operator_can_replay_it(backend):
    create_schema(backend, "planning", PlanningBase.metadata)
    broken = FlakyHandler(failures=10**6)
    settings = backend.settings("planning", inbox_retry_base_seconds=0.05, inbox_max_attempts=3)
    worker = Worker(settings, PlanningBase.metadata, broken)
    confirmed = event("ordo.order.confirmed", confirmed_order())
    with running(worker):
        publish_event(settings, confirmed)
        wait_for(lambda: [r.status for r in inbox_rows(worker.db)] == ["dead"])
    assert broken.calls == 3

    app = create_service_app(
        "planning",
        metadata=PlanningBase.metadata,
        blueprints=(),
        handle=broken,
        config=backend.config("planning"),
        title="planning",
    )
    client = app.test_client()
    dead = client.get("/admin/inbox?status=dead", headers=auth("admin")).json
    assert [item["id"] for item in dead["items"]] == [confirmed.id]
    assert "downstream hiccup #3" in dead["items"][0]["last_error"]
    assert client.get("/admin/inbox?status=dead", headers=auth("planner")).status_code == 403

    broken.failures = 0  # the operator fixed what was broken
    replayed = client.post(f"/admin/inbox/{confirmed.id}/replay", headers=auth("admin"))
    assert replayed.status_code == 200 and replayed.json["status"] == "processed"
    again = client.post(f"/admin/inbox/{confirmed.id}/replay", headers=auth("admin"))
    assert again.status_code == 409


def test_a_garbage_body_is_stored_dead_with_its_raw_body(backend):
    create_schema(backend, "planning", PlanningBase.metadata)
    worker = Worker(backend.settings("planning"), PlanningBase.metadata, planning_handle)
    bad_data = (
        event("ordo.order.confirmed", confirmed_order())
        .to_json()
        .replace('"requirements":[', '"requirements":"oops","x":[')
    )
    with running(worker):
        publish(worker.settings, b"\x00not json at all", "ordo.order.confirmed")
        publish(worker.settings, bad_data, "ordo.order.confirmed")
        wait_for(lambda: len(inbox_rows(worker.db)) == 2)
    rows = sorted(inbox_rows(worker.db), key=lambda r: r.received_at)
    assert [r.status for r in rows] == ["dead", "dead"]
    assert rows[0].body == b"\x00not json at all" and "not JSON" in rows[0].last_error
    assert rows[1].body == bad_data.encode() and "requirements" in rows[1].last_error


def test_a_worker_killed_inside_a_handler_has_its_message_redelivered_and_applied_once(
    backend, tmp_path
):
    create_schema(backend, "planning", PlanningBase.metadata)
    environment = {**os.environ, **backend.environment(), "PYTHONPATH": str(ROOT)}
    marker = tmp_path / "handler-started"
    slow = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.slow_planning_worker", str(marker)],
        env=environment,
        cwd=ROOT,
    )
    settings = backend.settings("planning")
    data = confirmed_order()
    try:
        time.sleep(1.0)  # let the worker connect
        publish_event(settings, event("ordo.order.confirmed", data))
        wait_for(marker.exists, timeout=20)
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
    finally:
        if slow.poll() is None:
            slow.kill()
    worker = Worker(settings, PlanningBase.metadata, planning_handle)
    assert plans_for(worker.db, data["order_id"]) == 0
    with running(worker):
        wait_for(lambda: plans_for(worker.db, data["order_id"]) == 1, timeout=30)
        time.sleep(0.5)
    assert plans_for(worker.db, data["order_id"]) == 1
    assert [r.status for r in inbox_rows(worker.db)] == ["processed"]


def test_two_workers_competing_on_one_queue_handle_each_event_once(backend):
    create_schema(backend, "planning", PlanningBase.metadata)
    settings = backend.settings("planning", prefetch=5)
    first, second = (Worker(settings, PlanningBase.metadata, planning_handle) for _ in range(2))
    confirmations = [event("ordo.order.confirmed", confirmed_order()) for _ in range(60)]
    with running(first), running(second):
        for confirmed in confirmations:
            publish_event(settings, confirmed)
            publish_event(settings, confirmed)  # and every one twice
        wait_for(lambda: len(inbox_rows(first.db)) == 60, timeout=60)
        time.sleep(0.5)
    assert [row.status for row in inbox_rows(first.db)] == ["processed"] * 60
    with first.db.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 60


def test_an_event_received_twice_at_once_is_handled_once(backend):
    """The inbox row is claimed first: the second receiver waits on it, then finds it taken."""
    url = create_schema(backend, "planning", PlanningBase.metadata)
    settings = backend.settings("planning")
    entered, calls = threading.Event(), []

    def slow_handler(event, session):
        calls.append(event.id)
        entered.set()
        time.sleep(0.3)  # the second delivery arrives while this one is still working

    first, second = (
        Inbox(Database(url, PlanningBase.metadata, "planning"), settings, slow_handler)
        for _ in range(2)
    )
    confirmed = event("ordo.order.confirmed", confirmed_order()).to_json()
    outcomes = []
    racing = threading.Thread(target=lambda: outcomes.append(first.receive(confirmed)))
    racing.start()
    assert entered.wait(5)
    outcomes.append(second.receive(confirmed))
    racing.join()
    assert sorted(outcomes) == ["duplicate", "processed"]
    assert len(calls) == 1
    assert [row.status for row in inbox_rows(first.db)] == ["processed"]


def test_a_worker_stops_when_told_to_while_its_broker_is_unreachable(backend):
    if not backend.real:
        pytest.skip("needs RabbitMQ: the embedded broker is a folder and cannot go away")
    proxy = TcpProxy("127.0.0.1", 5672)
    proxy.up()
    create_schema(backend, "planning", PlanningBase.metadata)
    settings = backend.settings(
        "planning", broker_url=f"amqp://guest:guest@127.0.0.1:{proxy.port}//"
    )
    worker = Worker(settings, PlanningBase.metadata, planning_handle)
    thread = threading.Thread(target=worker.run, daemon=True)
    try:
        thread.start()
        time.sleep(1.0)
        proxy.down()
        time.sleep(3.0)  # the consumer has lost the broker and keeps trying to reconnect
        asked = time.monotonic()
        worker.stop()
        thread.join(timeout=20)
        assert not thread.is_alive()
        assert time.monotonic() - asked < 5
    finally:
        proxy.close()


def test_a_message_whose_attributes_no_column_can_hold_is_stored_dead_at_once(backend):
    url = create_schema(backend, "planning", PlanningBase.metadata)
    inbox = Inbox(
        Database(url, PlanningBase.metadata, "planning"), backend.settings("planning"), None
    )
    body = (
        event("ordo.order.confirmed", confirmed_order())
        .to_json()
        .replace('"subject":', '"subject": "' + "s" * 100 + '", "ignored":', 1)
    )
    headers = {"ce-id": "i" * 100, "ce-type": "t" * 300, "ce-subject": "s" * 100}
    assert inbox.receive(body, headers) == "dead"
    [row] = inbox_rows(inbox.db)
    assert (row.id, row.type, row.subject) == ("i" * 64, "t" * 128, "s" * 64)
    assert row.body == body.encode()


def test_while_the_inbox_cannot_record_the_worker_holds_the_message_instead_of_requeueing(
    backend,
):
    create_schema(backend, "planning", PlanningBase.metadata)
    worker = Worker(backend.settings("planning"), PlanningBase.metadata, planning_handle)
    record, attempts, deliveries = worker.inbox.receive_many, [], []

    def database_away_twice(messages):
        attempts.append(1)
        if len(attempts) <= 2:
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is away"))
        return record(messages)

    def on_message(message, deliver=worker.consumer.on_message):
        deliveries.append(message.delivery_info.get("redelivered"))
        deliver(message)

    worker.inbox.receive_many = database_away_twice
    worker.consumer.on_message = on_message
    data = confirmed_order()
    with running(worker):
        publish_event(worker.settings, event("ordo.order.confirmed", data))
        wait_for(lambda: plans_for(worker.db, data["order_id"]), timeout=30)
    assert len(attempts) == 3
    assert len(deliveries) == 1 and not deliveries[0]  # held and retried, never given back

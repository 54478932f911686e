"""The inbox records batches: one transaction for many messages, each message's fate its own."""

import uuid

import sqlalchemy as sa

from services.planning.handlers import handle as planning_handle
from services.planning.models import Base as PlanningBase
from services.planning.models import Plan
from shared.db import Database
from shared.events.broker import connect
from shared.events.inbox import Inbox
from shared.worker import Worker
from tests.helpers import event
from tests.integration.conftest import create_schema
from tests.integration.test_consumer import inbox_rows, publish, publish_event
from tests.integration.workers import confirmed_order, running, wait_for


def statuses(db) -> dict[str, tuple[str, int]]:
    return {row.id: (row.status, row.attempts) for row in inbox_rows(db)}


def test_a_failing_message_in_a_batch_is_kept_for_a_retry_and_the_rest_commits(backend):
    url = create_schema(backend, "planning", PlanningBase.metadata)
    settings = backend.settings("planning", inbox_retry_base_seconds=60)
    poisoned = confirmed_order()

    def handler(envelope, session):
        planning_handle(envelope, session)  # writes a plan, then may fail after writing it
        if envelope.data["order_id"] == poisoned["order_id"]:
            raise RuntimeError("this order cannot be planned")

    inbox = Inbox(Database(url, PlanningBase.metadata, "planning"), settings, handler)
    good = [event("ordo.order.confirmed", confirmed_order()) for _ in range(3)]
    bad = event("ordo.order.confirmed", poisoned)
    batch = [good[0], bad, good[1], good[0], good[2]]
    outcome = inbox.receive_many([(e.to_json(), e.headers()) for e in batch])
    assert outcome == ["processed", "failed", "processed", "duplicate", "processed"]
    with inbox.db.sessions() as session:
        planned = set(session.scalars(sa.select(Plan.order_id)))
    assert planned == {
        uuid.UUID(str(e.data["order_id"])) for e in good
    }  # the failed one's plan rolled back
    rows = statuses(inbox.db)
    assert rows[bad.id] == ("failed", 1)
    assert {rows[e.id] for e in good} == {("processed", 1)}
    # Delivered again, the whole batch is a duplicate.
    again = inbox.receive_many([(e.to_json(), e.headers()) for e in batch])
    assert again == ["duplicate"] * 5


def test_a_garbage_message_in_a_batch_is_dead_and_the_others_are_handled(backend):
    url = create_schema(backend, "planning", PlanningBase.metadata)
    inbox = Inbox(
        Database(url, PlanningBase.metadata, "planning"),
        backend.settings("planning"),
        planning_handle,
    )
    confirmed = event("ordo.order.confirmed", confirmed_order())
    garbage = (b"\x00not json", {"ce-id": "garbage-1"})
    outcome = inbox.receive_many([garbage, (confirmed.to_json(), confirmed.headers()), garbage])
    assert outcome == ["dead", "processed", "duplicate"]
    assert statuses(inbox.db) == {"garbage-1": ("dead", 0), confirmed.id: ("processed", 1)}


def test_a_worker_records_a_backlog_in_batches_and_acks_every_message(backend):
    create_schema(backend, "planning", PlanningBase.metadata)
    settings = backend.settings("planning", prefetch=20, inbox_batch_size=10)
    worker = Worker(settings, PlanningBase.metadata, planning_handle)
    batches = []
    record = worker.inbox.receive_many

    def counting(messages):
        batches.append(len(messages))
        return record(messages)

    worker.inbox.receive_many = counting
    confirmations = [event("ordo.order.confirmed", confirmed_order()) for _ in range(40)]
    for confirmed in confirmations:
        publish_event(settings, confirmed)
    publish(settings, b"{broken", "ordo.order.confirmed", {"ce-id": "broken-1"})
    with running(worker):
        wait_for(lambda: len(inbox_rows(worker.db)) == 41, timeout=60)
    assert max(batches) > 1 and max(batches) <= 10
    rows = statuses(worker.db)
    assert [rows[e.id] for e in confirmations] == [("processed", 1)] * 40
    assert rows["broken-1"] == ("dead", 0)
    with connect(settings) as connection:  # every message was acked: none came back
        declared = connection.default_channel.queue_declare(queue=settings.queue, passive=True)
    assert declared.message_count == 0

"""Running real workers inside a test, and waiting for what they do."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from shared.db import Database
from shared.events.outbox import record
from shared.worker import Worker


@contextmanager
def running(worker: Worker) -> Iterator[Worker]:
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join(timeout=15)


def wait_for(condition: Callable[[], object], timeout: float = 30.0, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {condition.__name__}")


def confirmed_order(order_id: uuid.UUID | None = None) -> dict:
    """The data of an `ordo.order.confirmed` event for one made-up order."""
    order_id = order_id or uuid.uuid4()
    requirement_id = uuid.uuid4()
    return {
        "order_id": order_id,
        "version": 3,
        "number": f"ORD-2026-{order_id.int % 100000:05d}",
        "customer_id": uuid.uuid4(),
        "title": "Packaging line",
        "priority": "normal",
        "due_date": None,
        "value": {"amount": "125000.00", "currency": "EUR"},
        "confirmed_at": datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        "requirements": [
            {
                "requirement_id": requirement_id,
                "title": "Throughput of 60 packs a minute",
                "description": "",
                "kind": "core",
                "priority": "must",
                "estimate_days": 5,
                "revision": 1,
                "acceptance_criteria": [
                    {"criterion_id": uuid.uuid4(), "text": "60 packs/min for 1 h", "position": 1}
                ],
            }
        ],
    }


def record_confirmations(orders_db: Database, count: int, per_transaction: int = 50) -> list:
    order_ids = []
    for start in range(0, count, per_transaction):
        with orders_db.transaction() as session:
            for _ in range(min(per_transaction, count - start)):
                data = confirmed_order()
                record(session, "ordo.order.confirmed", data)
                order_ids.append(data["order_id"])
    return order_ids

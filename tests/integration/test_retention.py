"""Bounded tables: old processed events, sent mail, published events and expired idempotency
keys are pruned in batches; what an operator still needs is kept, on SQLite and PostgreSQL."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from services.orders.models import Base
from shared.db import Database, prune, utcnow
from shared.retention import prune_expired
from tests.backends import backend_for
from tests.conftest import REAL_BACKENDS
from tests.integration.conftest import create_schema
from tests.integration.workers import record_confirmations
from tests.retention_rows import count_rows, seed_idempotency_keys, seed_inbox, seed_mail


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch):
    real = request.param == "postgresql"
    if real and not REAL_BACKENDS:
        pytest.skip("PostgreSQL and RabbitMQ are not reachable")
    monkeypatch.setenv("ORDO_VAR_DIR", str(tmp_path))
    with backend_for(real, tmp_path) as backend:
        database = Database(create_schema(backend, "orders", Base.metadata), Base.metadata)
        database.backend = backend
        yield database
        database.dispose()


def test_only_rows_past_their_retention_and_done_with_are_pruned(db):
    settings = db.backend.settings("orders")
    now = utcnow()
    old, recent = now - timedelta(days=40), now - timedelta(hours=1)
    for status in ("processed", "failed", "dead"):
        seed_inbox(db, status, old, 3)
    seed_inbox(db, "processed", recent, 2)
    seed_idempotency_keys(db, now - timedelta(hours=25), 4)
    seed_idempotency_keys(db, now - timedelta(hours=23), 1)
    for status in ("sent", "pending", "failed", "dead"):
        seed_mail(db, status, old, 2)
    seed_mail(db, "sent", recent, 1)
    record_confirmations(db, 3)
    with db.transaction() as session:
        outbox = db.tables.outbox
        session.execute(outbox.update().values(published_at=old).where(outbox.c.position <= 2))

    pruned = prune_expired(db, settings, now)

    assert pruned == {"outbox": 2, "inbox": 3, "idempotency_keys": 4, "mail_outbox": 2}
    inbox, mail = db.tables.inbox, db.tables.mail
    assert count_rows(db, inbox, inbox.c.status == "processed") == 2
    assert count_rows(db, inbox, inbox.c.status.in_(("failed", "dead"))) == 6
    assert count_rows(db, db.tables.idempotency) == 1
    assert count_rows(db, mail, mail.c.status == "sent") == 1
    assert count_rows(db, mail, mail.c.status != "sent") == 6
    assert count_rows(db, db.tables.outbox) == 1
    assert prune_expired(db, settings, now) == dict.fromkeys(pruned, 0)


def test_the_retention_periods_come_from_the_settings(db):
    settings = db.backend.settings(
        "orders", inbox_retention_days=1, mail_retention_days=1, idempotency_ttl_hours=1
    )
    two_hours_ago = utcnow() - timedelta(hours=2)
    seed_inbox(db, "processed", two_hours_ago, 1)
    seed_idempotency_keys(db, two_hours_ago, 1)
    seed_mail(db, "sent", two_hours_ago, 1)
    assert prune_expired(db, settings)["idempotency_keys"] == 1
    assert prune_expired(db, settings, utcnow() + timedelta(days=1)) == {
        "outbox": 0,
        "inbox": 1,
        "idempotency_keys": 0,
        "mail_outbox": 1,
    }


def test_a_backlog_is_pruned_in_batches_until_none_is_left(db):
    old = utcnow() - timedelta(days=30)
    seed_idempotency_keys(db, old, 2500)
    seed_idempotency_keys(db, utcnow(), 10)
    keys = db.tables.idempotency
    statements = []
    with _counting_deletes(db, statements):
        assert prune(db, keys, keys.c.created_at < utcnow() - timedelta(days=1), batch=1000) == 2500
    assert len(statements) == 3  # 1000, 1000, 500: no statement holds more than a batch
    assert count_rows(db, keys) == 10


@contextmanager
def _counting_deletes(db, statements):
    def record(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("DELETE"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

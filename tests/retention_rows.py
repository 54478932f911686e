"""Backdated rows of the shared tables, for the retention tests and benchmark."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from shared.db import Database


def seed_inbox(db: Database, status: str, processed_at: datetime | None, count: int) -> None:
    rows = [
        {
            "id": uuid.uuid4().hex,
            "type": "ordo.order.confirmed",
            "status": status,
            "attempts": 1,
            "body": b"{}",
            "received_at": processed_at,
            "processed_at": processed_at,
        }
        for _ in range(count)
    ]
    _insert(db, db.tables.inbox, rows)


def seed_idempotency_keys(db: Database, created_at: datetime, count: int) -> None:
    rows = [
        {
            "scope": "sales:POST:/orders",
            "key": uuid.uuid4().hex,
            "status_code": 201,
            "body": "{}",
            "headers": {},
            "created_at": created_at,
        }
        for _ in range(count)
    ]
    _insert(db, db.tables.idempotency, rows)


def seed_mail(db: Database, status: str, created_at: datetime, count: int) -> None:
    rows = [
        {
            "id": uuid.uuid4(),
            "kind": "survey",
            "to_address": "buyer@example.com",
            "locale": "en",
            "subject": "How did we do?",
            "status": status,
            "attempts": 1,
            "next_attempt_at": created_at,
            "created_at": created_at,
            "sent_at": created_at if status == "sent" else None,
        }
        for _ in range(count)
    ]
    _insert(db, db.tables.mail, rows)


def count_rows(db: Database, table: sa.Table, *conditions) -> int:
    with db.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table).where(*conditions))


def _insert(db: Database, table: sa.Table, rows: list[dict]) -> None:
    with db.transaction() as session:
        for start in range(0, len(rows), 1000):
            session.execute(sa.insert(table), rows[start : start + 1000])

"""Benchmark: the worker's pruning of a 10,000-row inbox and idempotency table.

Run with ``python tests/bench/bench_retention.py [rows]`` (PostgreSQL on 127.0.0.1 or
ORDO_TEST_POSTGRES_URL, else SQLite only). Per backend it seeds `rows` processed inbox rows and
`rows` idempotency keys, nine tenths of each past their retention (8 days, 25 hours old), plus
100 dead inbox rows as old as the rest, then times one `prune_expired` and prints the table
sizes before and after.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.orders.models import Base  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.db import Database, utcnow  # noqa: E402
from shared.retention import prune_expired  # noqa: E402
from tests.retention_rows import count_rows, seed_idempotency_keys, seed_inbox  # noqa: E402

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")


def measure(url: str, rows: int) -> dict:
    db = Database(url, Base.metadata, "orders")
    db.create_all()
    now = utcnow()
    old = rows * 9 // 10
    seed_inbox(db, "processed", now - timedelta(days=8), old)
    seed_inbox(db, "processed", now - timedelta(hours=1), rows - old)
    seed_inbox(db, "dead", now - timedelta(days=8), 100)
    seed_idempotency_keys(db, now - timedelta(hours=25), old)
    seed_idempotency_keys(db, now - timedelta(hours=1), rows - old)
    inbox, keys = db.tables.inbox, db.tables.idempotency
    before = (count_rows(db, inbox), count_rows(db, keys))
    settings = load_settings(
        "orders", {"database_url": url, "broker_url": "memory://", "jwt_secret": "b" * 32}
    )
    started = time.perf_counter()
    pruned = prune_expired(db, settings, now)
    seconds = time.perf_counter() - started
    after = (count_rows(db, inbox), count_rows(db, keys))
    db.dispose()
    return {"before": before, "after": after, "pruned": pruned, "seconds": seconds}


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as scratch:
        backends = {"SQLite": f"sqlite:///{scratch}/orders.db"}
        name = f"ordo_bench_retention_{uuid.uuid4().hex[:8]}"
        try:
            with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            backends["PostgreSQL"] = f"{POSTGRES_URL}/{name}"
        except psycopg.OperationalError:
            print("PostgreSQL unreachable: SQLite only", file=sys.stderr)
        try:
            for backend, url in backends.items():
                figures = measure(url, rows)
                print(
                    f"{backend}: inbox {figures['before'][0]} -> {figures['after'][0]} rows, "
                    f"idempotency_keys {figures['before'][1]} -> {figures['after'][1]} rows, "
                    f"pruned {figures['pruned']} in {figures['seconds']:.3f} s"
                )
        finally:
            if "PostgreSQL" in backends:
                with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()

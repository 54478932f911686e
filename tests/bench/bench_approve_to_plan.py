"""Benchmark: an approved order's plan, from the confirmation event to the plan stored.

Run with ``python tests/bench/bench_approve_to_plan.py`` against PostgreSQL and RabbitMQ on
127.0.0.1 (or ORDO_TEST_POSTGRES_URL / ORDO_TEST_BROKER_URL). The planning worker runs as
deployed (``python -m services.planning.worker``, its own process). ``ordo.order.confirmed``
events (one requirement each, as orders' approval publishes them) are published at 20, 50 and
100 a second for 5 s each; the latency of each is the plan's ``created_at`` (written in the
handler's transaction) minus the moment it was published. Then 600 are published at once and
the worker's drain rate is the saturation. Baselines, in the same run: the same handler called
in a loop on the same database, one transaction per plan, no broker (the ceiling); and the
floor of any handler, a transaction that inserts one row, whose CPU time says how fast the
machine is at the moment (the CPU a plan in units of it compares runs under other loads).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import sqlalchemy as sa
from kombu import Producer

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from services.planning.handlers import handle  # noqa: E402
from services.planning.models import Base, Plan  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.events.broker import (  # noqa: E402
    connect,
    declare_topology,
    delete_topology,
    events_exchange,  # noqa: E402
)
from shared.events.inbox import decode  # noqa: E402
from tests.helpers import JWT_SECRET, event  # noqa: E402
from tests.integration.workers import confirmed_order  # noqa: E402

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
BROKER_URL = os.environ.get("ORDO_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
RATES = (20, 50, 100)
SECONDS = 5
BURST = 600


def publish_at(settings, rate: float, count: int) -> dict[str, float]:
    """Publish `count` confirmations at `rate` a second; the wall time each was sent."""
    sent = {}
    with connect(settings) as connection:
        producer = Producer(connection.default_channel, exchange=events_exchange(settings))
        started = time.time()
        for number in range(count):
            if rate:
                time.sleep(max(0.0, started + number / rate - time.time()))
            envelope = event("ordo.order.confirmed", confirmed_order())
            sent[envelope.data["order_id"]] = time.time()
            producer.publish(
                envelope.to_json(),
                routing_key=envelope.type,
                headers=envelope.headers(),
                content_type="application/cloudevents+json",
                content_encoding="utf-8",
                delivery_mode=2,
            )
    return sent


def created(db: Database, order_ids) -> dict:
    with db.sessions() as session:
        rows = session.execute(
            sa.select(Plan.order_id, Plan.created_at).where(Plan.order_id.in_(list(order_ids)))
        )
        return {str(order_id): at.timestamp() for order_id, at in rows}


def wait_for_plans(db: Database, sent: dict, timeout: float = 300) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = created(db, sent)
        if len(done) == len(sent):
            return done
        time.sleep(0.5)
    raise SystemExit(f"only {len(done)} of {len(sent)} plans after {timeout}s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def handler_only(db: Database, count: int) -> tuple[float, float]:
    """Plans a second from the handler alone (a transaction each, no broker, no inbox), and
    the CPU milliseconds of this process a plan."""
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        with db.transaction() as session:
            handle(decode(event("ordo.order.confirmed", confirmed_order()).to_json()), session)
    took = time.perf_counter() - started
    return count / took, (time.process_time() - cpu) / count * 1000


def one_row_transactions(db: Database, count: int) -> float:
    """CPU milliseconds of this process a transaction that inserts one row (a reaction: a
    table nothing else reads)."""
    reactions = Base.metadata.tables["reactions"]
    insert = sa.insert(reactions)
    cpu = time.process_time()
    for _ in range(count):
        with db.transaction() as session:
            session.execute(insert, {"id": uuid.uuid4(), "order_id": uuid.uuid4(), "key": "bench"})
    return (time.process_time() - cpu) / count * 1000


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up when stopped
    namespace = f"p19bplan{uuid.uuid4().hex[:8]}"
    database = f"ordo_{namespace}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    url = f"{POSTGRES_URL}/{database}"
    settings = load_settings(
        "planning",
        {
            "database_url": url,
            "broker_url": BROKER_URL,
            "namespace": namespace,
            "jwt_secret": JWT_SECRET,
        },
    )
    db = Database(url, Base.metadata, "planning")
    db.create_all()
    with connect(settings) as connection:
        declare_topology(connection, settings)
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ORDO_PLANNING_DATABASE_URL": url,
        "ORDO_BROKER_URL": BROKER_URL,
        "ORDO_NAMESPACE": namespace,
        "ORDO_JWT_SECRET": JWT_SECRET,
        "ORDO_LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "services.planning.worker"],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # let the worker connect
        print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        floor = one_row_transactions(db, 1000)
        print(f"floor: a transaction of one row  {floor:.2f} ms CPU")
        base, base_cpu = handler_only(db, 200)
        print(
            f"baseline: the handler alone, a transaction a plan  {base:7.0f} plans/s "
            f"({base_cpu:.1f} ms CPU a plan = {base_cpu / floor:.1f}x the floor)"
        )
        for rate in RATES:
            sent = publish_at(settings, rate, rate * SECONDS)
            done = wait_for_plans(db, sent)
            latencies = [(done[str(key)] - at) * 1000 for key, at in sent.items()]
            print(
                f"{rate:>4}/s for {SECONDS} s: p50 {percentile(latencies, 0.5):6.1f} ms"
                f"  p99 {percentile(latencies, 0.99):7.1f} ms"
            )
        worker_cpu = cpu_seconds(worker.pid)
        sent = publish_at(settings, 0, BURST)
        done = wait_for_plans(db, sent)
        per_plan = (cpu_seconds(worker.pid) - worker_cpu) / BURST * 1000
        first, last = min(done.values()), max(done.values())
        saturation = (len(done) - 1) / (last - first)
        print(
            f"saturation: {BURST} at once drained at {saturation:6.0f} plans/s; the worker "
            f"spent {per_plan:.1f} ms CPU a plan (= {1000 / per_plan:.0f} plans/s on a core "
            f"of its own)"
        )
        print(f"ratio saturation / handler alone: {saturation / base:.2f}x (target >= 150/s)")
        print(f"ratio worker CPU a plan / handler alone: {per_plan / base_cpu:.2f}x")
        print(f"ratio worker CPU a plan / floor: {per_plan / floor:.1f}x")
        print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    finally:
        worker.terminate()
        worker.wait(20)
        with connect(settings) as connection:
            delete_topology(connection, settings)
        db.dispose()
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()

"""Benchmark: the orders service over HTTP against bare Flask + SQLAlchemy, in the same run.

Run with ``python tests/bench/bench_http.py [seconds]`` against PostgreSQL on 127.0.0.1. Both
apps run under gunicorn with deploy/gunicorn.conf.py (gthread, ORDO_WEB_WORKERS x
ORDO_WEB_THREADS) on the same database; 16 client threads with keep-alive connections
(wrk -c16's equivalent) send requests for a fixed time. The bare app
(tests/bench/bare_orders_app.py) reads one order by key, inserts one order plus one outbox
row, or reads a page with OFFSET. Printed: req/s, p50/p99 and the ratio service / bare, for
GET /orders/{id}, POST /orders and GET /orders (first page, page 400, a cursor at the same
depth) at 10,000 and 100,000 orders.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shared.cli import migrations_dir  # noqa: E402
from shared.db import migrate  # noqa: E402
from tests.helpers import JWT_SECRET, PORTAL_SECRET, auth  # noqa: E402

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
SERVICE_PORT, BARE_PORT = 9500, 9501
CLIENTS = 16


def fresh_database(name: str) -> str:
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES_URL}/{name}"


def seed(url: str, customer: uuid.UUID, start: int, stop: int) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    orders = sa.Table("orders", sa.MetaData(), autoload_with=engine)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        for first in range(start, stop, 5000):
            rows = [
                {
                    "id": uuid.uuid4(),
                    "number": f"ORD-2020-{n:07d}",
                    "customer_id": customer,
                    "title": f"Conveyor line {n}",
                    "description": "",
                    "priority": ("low", "normal", "high")[n % 3],
                    "currency": "EUR",
                    "status": ("draft", "submitted", "confirmed", "in_progress")[n % 4],
                    "review_round": 0,
                    "at_risk": False,
                    "plan_health_version": 0,
                    "delivery_package_version": 0,
                    "version": 1,
                    "created_at": base + timedelta(minutes=n),
                    "updated_at": base + timedelta(minutes=n),
                }
                for n in range(first, min(first + 5000, stop))
            ]
            connection.execute(sa.insert(orders), rows)
        connection.execute(sa.text("ANALYZE orders"))
    engine.dispose()


def serve(app: str, port: int, environment: dict) -> subprocess.Popen:
    env = {**os.environ, **environment, "ORDO_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/orders/00000000-0000-0000-0000-000000000000")
            connection.getresponse().read()
            return process
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    raise RuntimeError(f"{app} did not start")


def load(port: int, method: str, paths, body=None, headers=None, seconds: float = 3.0):
    """Requests from CLIENTS threads for `seconds`: (req/s, p50 ms, p99 ms, errors)."""
    latencies: list[float] = []
    errors = []
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client(index: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad, n = [], 0, index
        while time.perf_counter() < stop:
            path = paths(n) if callable(paths) else paths
            n += CLIENTS
            began = time.perf_counter()
            payload = json.dumps(body) if body is not None else None
            connection.request(method, path, body=payload, headers=headers or {})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            bad += response.status >= 300
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return len(latencies) / seconds, statistics.median(latencies) * 1e3, p99 * 1e3, sum(errors)


def line(name: str, service, bare=None) -> None:
    text = f"{name:<34} {service[0]:7.0f} req/s p50 {service[1]:6.1f} ms p99 {service[2]:6.1f} ms"
    text += f" errors {service[3]}"
    if bare is not None:
        text += f" | bare {bare[0]:7.0f} req/s p50 {bare[1]:6.1f} ms -> {service[0] / bare[0]:.2f}x"
    print(text, flush=True)


def cursor_at(page: int, headers: dict) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", SERVICE_PORT, timeout=30)
    path = "/orders?page_size=20"
    for _ in range(page - 1):
        connection.request("GET", path, headers=headers)
        body = json.loads(connection.getresponse().read())
        path = f"/orders?page_size=20&cursor={body['next_cursor']}"
    return path


def main(seconds: float) -> None:
    url = fresh_database("ordo_p19a_bench_orders")
    migrate(migrations_dir("orders"), url)
    customer = uuid.uuid4()
    with psycopg.connect(url) as connection:
        connection.execute(
            "INSERT INTO customers (id, name, locale, version, created_at, updated_at) "
            "VALUES (%s, 'Acme', 'en', 1, now(), now())",
            (customer,),
        )
    seed(url, customer, 0, 10_000)
    environment = {
        "ORDO_ORDERS_DATABASE_URL": url,
        "BARE_DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://"),
        "ORDO_JWT_SECRET": JWT_SECRET,
        "ORDO_PORTAL_SECRET": PORTAL_SECRET,
        "ORDO_NAMESPACE": "p19a-bench",
        "ORDO_RATE_LIMIT_STORAGE": "memory://",
    }
    service = serve("services.orders.wsgi:app", SERVICE_PORT, environment)
    bare = serve("tests.bench.bare_orders_app:app", BARE_PORT, environment)
    headers = {**auth("sales"), "Content-Type": "application/json"}
    try:
        with psycopg.connect(url) as connection:
            ids = [str(row[0]) for row in connection.execute("SELECT id FROM orders LIMIT 2000")]
        by_id = lambda n: f"/orders/{ids[n % len(ids)]}"  # noqa: E731
        print(f"{CLIENTS} clients, {seconds:g} s per figure, gunicorn as deployed", flush=True)
        read = load(SERVICE_PORT, "GET", by_id, headers=headers, seconds=seconds)
        line("GET /orders/{id}", read, load(BARE_PORT, "GET", by_id, seconds=seconds))
        create = {"customer_id": str(customer), "title": "Bench"}
        line(
            "POST /orders",
            load(SERVICE_PORT, "POST", "/orders", create, headers, seconds),
            load(BARE_PORT, "POST", "/orders", create, headers, seconds),
        )
        firsts = {}
        for size, stop in ((10_000, None), (100_000, 100_000)):
            if stop:
                seed(url, customer, 10_000, stop)
            print(f"-- {size:,} orders", flush=True)
            firsts[size] = load(SERVICE_PORT, "GET", "/orders", headers=headers, seconds=seconds)
            line(
                "GET /orders (first page)",
                firsts[size],
                load(BARE_PORT, "GET", "/orders", seconds=seconds),
            )
            deep = "/orders?page=400"
            line(
                "GET /orders?page=400",
                load(SERVICE_PORT, "GET", deep, headers=headers, seconds=seconds),
                load(BARE_PORT, "GET", deep, seconds=seconds),
            )
            line(
                "GET /orders?cursor=(page 400)",
                load(
                    SERVICE_PORT, "GET", cursor_at(400, headers), headers=headers, seconds=seconds
                ),
            )
        print(
            f"first page 100k / 10k: {firsts[100_000][1] / firsts[10_000][1]:.2f}x (p50); "
            f"first page at 100k / GET by id: {firsts[100_000][1] / read[1]:.2f}x (p50)"
        )
    finally:
        for process in (service, bare):
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)

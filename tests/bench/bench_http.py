"""Benchmark: the orders service over HTTP against bare Flask + SQLAlchemy, in the same run.

Run with ``python tests/bench/bench_http.py [seconds] [rounds] [--no-lists]`` against
PostgreSQL on 127.0.0.1 (``--no-lists`` stops after the read and the create). Both apps run
under gunicorn with deploy/gunicorn.conf.py (gthread, ORDO_WEB_WORKERS x ORDO_WEB_THREADS) on
the same database; 16 client threads with keep-alive connections (wrk -c16's equivalent) send
requests for a fixed time, to the service and the bare app in turn, `rounds` times (3), so a
burst of the machine's other load falls on both. The bare app (tests/bench/bare_orders_app.py)
reads one order by key, inserts one order plus one outbox row, or reads a page with OFFSET.
Printed: req/s, p50/p99, the web processes' CPU time per request (gunicorn's master and
workers, from /proc: what the machine's other load inflates least) and the ratios service /
bare (the round with the median ratio, and the range), for GET /orders/{id}, POST /orders and
GET /orders (first page, page 400, a cursor at the same depth) at 10,000 and 100,000 orders.
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
DEEP_PAGE = "/orders?page=400"
SERVERS: dict[int, subprocess.Popen] = {}  # port -> its gunicorn master


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
            SERVERS[port] = process
            return process
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    raise RuntimeError(f"{app} did not start")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children still running, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            total += sum(cpu_seconds(int(child)) for child in children.read().split())
    except FileNotFoundError:
        pass
    return total


def load(port: int, method: str, paths, body=None, headers=None, seconds: float = 3.0):
    """Requests from CLIENTS threads for `seconds`: (req/s, p50 ms, p99 ms, errors, server CPU
    ms per request)."""
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
    cpu_before = cpu_seconds(SERVERS[port].pid)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = (cpu_seconds(SERVERS[port].pid) - cpu_before) / len(latencies) * 1e3
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    rate = len(latencies) / seconds
    return rate, statistics.median(latencies) * 1e3, p99 * 1e3, sum(errors), cpu


def compare(name: str, service, bare, rounds: int) -> tuple:
    """Measure `service()` and `bare()` alternately `rounds` times, so a burst of the machine's
    other load falls on both; print the round whose req/s ratio is the median, with the
    lowest and highest ratio. Returns the service's figures of that round."""
    pairs = sorted(((service(), bare()) for _ in range(rounds)), key=lambda p: p[0][0] / p[1][0])
    ratios = [mine[0] / theirs[0] for mine, theirs in pairs]
    middle = pairs[len(pairs) // 2]
    line(name, *middle, spread=(ratios[0], ratios[-1]) if rounds > 1 else None)
    return middle[0]


def line(name: str, service, bare=None, spread=None) -> None:
    text = f"{name:<34} {service[0]:7.0f} req/s p50 {service[1]:6.1f} ms p99 {service[2]:6.1f} ms"
    text += f" errors {service[3]} cpu {service[4]:5.2f} ms/req"
    if bare is not None:
        text += (
            f" | bare {bare[0]:7.0f} req/s p50 {bare[1]:6.1f} ms cpu {bare[4]:5.2f} ms/req"
            f" -> {service[0] / bare[0]:.2f}x req/s, {service[4] / bare[4]:.2f}x cpu"
        )
    if spread is not None:
        text += f" (rounds {spread[0]:.2f}-{spread[1]:.2f}x)"
    print(text, flush=True)


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def cursor_at(page: int, headers: dict) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", SERVICE_PORT, timeout=30)
    path = "/orders?page_size=20"
    for _ in range(page - 1):
        connection.request("GET", path, headers=headers)
        body = json.loads(connection.getresponse().read())
        path = f"/orders?page_size=20&cursor={body['next_cursor']}"
    return path


def main(seconds: float, rounds: int, lists: bool = True) -> None:
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
        print(
            f"{CLIENTS} clients, {seconds:g} s per figure, {rounds} rounds of service and bare, "
            "gunicorn as deployed, "
            f"load average {load_average()}",
            flush=True,
        )
        read = compare(
            "GET /orders/{id}",
            lambda: load(SERVICE_PORT, "GET", by_id, headers=headers, seconds=seconds),
            lambda: load(BARE_PORT, "GET", by_id, seconds=seconds),
            rounds,
        )
        create = {"customer_id": str(customer), "title": "Bench"}
        compare(
            "POST /orders",
            lambda: load(SERVICE_PORT, "POST", "/orders", create, headers, seconds),
            lambda: load(BARE_PORT, "POST", "/orders", create, headers, seconds),
            rounds,
        )
        print(f"load average {load_average()}", flush=True)
        if not lists:
            return
        firsts = {}
        for size, stop in ((10_000, None), (100_000, 100_000)):
            if stop:
                seed(url, customer, 10_000, stop)
            print(f"-- {size:,} orders", flush=True)
            firsts[size] = compare(
                "GET /orders (first page)",
                lambda: load(SERVICE_PORT, "GET", "/orders", headers=headers, seconds=seconds),
                lambda: load(BARE_PORT, "GET", "/orders", seconds=seconds),
                rounds,
            )
            compare(
                "GET /orders?page=400",
                lambda: load(SERVICE_PORT, "GET", DEEP_PAGE, headers=headers, seconds=seconds),
                lambda: load(BARE_PORT, "GET", DEEP_PAGE, seconds=seconds),
                rounds,
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
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    main(
        float(arguments[0]) if arguments else 3.0,
        int(arguments[1]) if len(arguments) > 1 else 3,
        lists="--no-lists" not in sys.argv,
    )

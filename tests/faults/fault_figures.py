"""Faults under load: the figures of docs/operations.md (not part of the test suite).

    .venv/bin/python tests/faults/fault_figures.py [--rate 3] [--min-orders 440]

Runs orders and planning (web and worker each) with `ordo up` on PostgreSQL and RabbitMQ,
every process's broker line and the orders and planning databases' lines through TCP proxies
this script controls, and drives orders from draft to confirmed at a bounded rate (a few client
threads, each order six requests: create, requirement, submit, read, review, approve; creates
carry an Idempotency-Key, and a 503 or a broken connection is retried after a second, as a
client following Retry-After would). While the load runs it injects, one after the other:

- broker cut 20 s (every process's line to RabbitMQ),
- planning worker SIGKILL (`ordo up` restarts it),
- planning database cut 10 s (the worker that turns confirmed orders into plans; planning's web
  process shares the line but receives no traffic here),
- orders database cut 10 s (the web process the load talks to; orders' worker shares it).

Per fault it reports the orders confirmed in its window, the 5xx answers the client saw in it,
the seconds from the end of the fault (for the SIGKILL: the kill) until the API answered again,
until an order confirmed after it had its plan (the whole path works again: recovery), and
until every order confirmed before it had its plan (the backlog is worked off), and, once the
load is over and the suite settled: lost (a confirmed order without a plan), duplicated (more
than one ordo.plan.created for an order), stuck (events left unpublished, or failed/dead in an
inbox). Then the restarts `ordo up` made, the rows the shared tables hold per order, and what
pruning leaves of them.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shared.config import load_settings  # noqa: E402
from shared.db import Database, make_engine, utcnow  # noqa: E402
from shared.retention import prune_expired  # noqa: E402
from tests import suite as suite_module  # noqa: E402
from tests.backends import backend_for  # noqa: E402
from tests.helpers import auth  # noqa: E402
from tests.integration.proxy import TcpProxy  # noqa: E402
from tests.suite import running_suite  # noqa: E402

RETRY_SECONDS = 1.0
RUNNING = ("orders", "planning")
GIVE_UP_SECONDS = 120.0


@dataclass
class Load:
    """Orders driven from draft to confirmed by a few threads at a bounded rate."""

    base: str
    rate: float
    threads: int = 4
    stop: threading.Event = field(default_factory=threading.Event)
    confirmed: dict[str, float] = field(default_factory=dict)  # order id -> when
    answers: list[tuple[float, int]] = field(default_factory=list)  # (when, status) of 5xx
    ok_after: list[float] = field(default_factory=list)  # when each 2xx arrived
    failed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, method: str, path: str, body=None, role="sales", key=False):
        headers = {**auth(role), "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        data = json.dumps(body).encode() if body is not None else None
        started = time.monotonic()
        while True:
            request = urllib.request.Request(
                self.base + path, data=data, method=method, headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    with self.lock:
                        self.ok_after.append(time.monotonic())
                    return answer.status, json.loads(answer.read() or b"null")
            except urllib.error.HTTPError as error:
                status, payload = error.code, json.loads(error.read() or b"null")
                if status >= 500:
                    with self.lock:
                        self.answers.append((time.monotonic(), status))
                if status not in (502, 503, 504):
                    return status, payload
            except OSError:
                pass  # no answer at all: retried like a 503
            if time.monotonic() - started > GIVE_UP_SECONDS:
                raise RuntimeError(f"{method} {path}: no answer for {GIVE_UP_SECONDS}s")
            time.sleep(RETRY_SECONDS)

    def one_order(self, customer_id: str) -> None:
        status, order = self.call(
            "POST",
            "/orders",
            {
                "customer_id": customer_id,
                "title": "Packaging line",
                "priority": "normal",
                "due_date": "2027-06-01",
                "value": {"amount": "1000.00", "currency": "EUR"},
            },
            key=True,
        )
        assert status == 201, (status, order)
        path = f"/orders/{order['id']}"
        requirement = {
            "title": "Throughput",
            "kind": "core",
            "source": "interview",
            "priority": "must",
            "estimate_days": 3,
            "acceptance_criteria": [{"text": "60 packs a minute"}],
        }
        status, body = self.call("POST", f"{path}/requirements", requirement, key=True)
        assert status == 201, (status, body)
        self.action(f"{path}/submit", None, "sales", "submitted")
        _, requirements = self.call("GET", f"{path}/requirements")
        decisions = [
            {"requirement_id": r["id"], "decision": "approved", "comment": "ok"}
            for r in requirements
        ]
        status, body = self.call(
            "POST", f"{path}/reviews", {"decisions": decisions}, role="manager", key=True
        )
        assert status == 201, (status, body)
        # The customer's side of the review is skipped, as a manager may, with a reason.
        override = {"customer_override_reason": "agreed on the phone"}
        self.action(f"{path}/approve", override, "manager", "confirmed")
        with self.lock:
            self.confirmed[order["id"]] = time.monotonic()

    def action(self, path: str, body, role: str, reached: str) -> None:
        status, answer = self.call("POST", path, body or {}, role=role)
        if status == 200:
            return
        # A retried action whose first attempt committed before its answer was lost.
        _, order = self.call("GET", path.rsplit("/", 1)[0], role=role)
        assert order["status"] == reached or status == 200, (path, status, answer)

    def run(self, customer_id: str) -> list[threading.Thread]:
        interval = self.threads / self.rate

        def worker():
            while not self.stop.is_set():
                began = time.monotonic()
                try:
                    self.one_order(customer_id)
                except Exception as error:  # reported: an order the client could not finish
                    with self.lock:
                        self.failed.append(repr(error)[:200])
                self.stop.wait(max(0.0, interval - (time.monotonic() - began)))

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.threads)]
        for thread in threads:
            thread.start()
        return threads


def planned(planning_url: str) -> set[str]:
    for _ in range(60):  # a busy server may refuse a connection for a while
        engine = make_engine(planning_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(sa.text("SELECT order_id FROM plans"))
                return {str(row[0]) for row in rows}
        except sa.exc.OperationalError:
            time.sleep(1)
        finally:
            engine.dispose()
    raise RuntimeError("the planning database refused every connection for a minute")


def wait_planned(planning_url: str, orders: set[str], timeout: float = 180.0) -> float | None:
    """Seconds until every order in `orders` has a plan (None if not within `timeout`)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if orders <= planned(planning_url):
            return time.monotonic() - started
        time.sleep(0.25)
    return None


def flow_back_after(load: Load, planning_url: str, since: float) -> float | None:
    """Seconds from `since` until an order confirmed after it has its plan: the whole path
    (API, outbox, relay, broker, planning's worker) works again."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with load.lock:
            later = {order for order, moment in load.confirmed.items() if moment > since}
        if later and later & planned(planning_url):
            return time.monotonic() - since
        time.sleep(0.1)
    return None


def api_back_after(load: Load, since: float) -> float | None:
    """Seconds from `since` to the first 2xx answer after it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with load.lock:
            later = [moment for moment in load.ok_after if moment >= since]
        if later:
            return min(later) - since
        time.sleep(0.1)
    return None


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rate", type=float, default=3.0, help="orders per second at most")
    options.add_argument("--min-orders", type=int, default=440)
    options.add_argument("--threads", type=int, default=4, help="concurrent clients")
    args = options.parse_args()
    suite_module.STARTUP_SECONDS = 300  # eight processes starting on a busy machine

    root = Path(tempfile.mkdtemp(prefix="ordo-faults-"))
    os.environ["ORDO_VAR_DIR"] = str(root)
    broker = TcpProxy("127.0.0.1", 5672)
    orders_db = TcpProxy("127.0.0.1", 5432)
    planning_db = TcpProxy("127.0.0.1", 5432)
    for proxy in (broker, orders_db, planning_db):
        proxy.up()
    with backend_for(True, root) as backend:
        direct = {service: backend.database_url(service) for service in RUNNING}
        environment = {
            "ORDO_BROKER_URL": f"amqp://guest:guest@127.0.0.1:{broker.port}//",
            "ORDO_ORDERS_DATABASE_URL": direct["orders"].replace(":5432/", f":{orders_db.port}/"),
            "ORDO_PLANNING_DATABASE_URL": direct["planning"].replace(
                ":5432/", f":{planning_db.port}/"
            ),
            "ORDO_WEB_WORKERS": "2",
        }
        # Only the two services the orders' path crosses: half the processes on a busy machine.
        with running_suite(backend, RUNNING, **environment) as suite:
            figures = drive(args, suite, root, direct, broker, orders_db, planning_db)
        figures["tables"] = table_figures(backend, direct, figures["confirmed"])
    print(json.dumps(figures, indent=2))
    return 0


def drive(args, suite, root, direct, broker, orders_db, planning_db) -> dict:
    load = Load(suite.urls["orders"], args.rate, args.threads)
    status, customer = load.call(
        "POST",
        "/customers",
        {"name": "Acme Tooling", "email": "buyer@acme.example", "contact_name": "Ada"},
    )
    assert status == 201, customer
    threads = load.run(customer["id"])
    started = time.monotonic()
    faults = []

    def fault(name: str, cut, restore, seconds: float) -> None:
        time.sleep(5)  # load before the fault
        began = time.monotonic()
        cut()
        time.sleep(seconds)
        restore()
        ended = time.monotonic()
        with load.lock:
            confirmed_by_now = set(load.confirmed)
        api = api_back_after(load, ended)
        flowing = flow_back_after(load, direct["planning"], ended)
        caught_up = wait_planned(direct["planning"], confirmed_by_now)
        faults.append(
            {
                "fault": name,
                "began": began,
                "ended": ended,
                "api_back_s": None if api is None else round(api, 1),
                "new_orders_planned_again_s": None if flowing is None else round(flowing, 1),
                "backlog_planned_s": None if caught_up is None else round(caught_up, 1),
            }
        )
        print(f"{name}: api {api}, flowing {flowing}, backlog {caught_up}", file=sys.stderr)

    fault("broker cut 20 s", broker.down, broker.up, 20)
    fault("planning worker SIGKILL", lambda: kill_worker(root, "planning-worker"), lambda: None, 0)
    fault("planning database cut 10 s (worker)", planning_db.down, planning_db.up, 10)
    fault("orders database cut 10 s (web)", orders_db.down, orders_db.up, 10)
    while len(load.confirmed) < args.min_orders:
        time.sleep(1)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=GIVE_UP_SECONDS + 30)
    duration = time.monotonic() - started
    confirmed = dict(load.confirmed)
    settled = wait_planned(direct["planning"], set(confirmed), timeout=120)
    time.sleep(3)  # the last events reach orders' timeline
    plans = planned(direct["planning"])
    duplicates = plan_events_per_order(direct["planning"])
    stuck = stuck_events(direct)
    status = json.loads((root / "ordo-up.json").read_text())
    windows = [fault["began"] for fault in faults[1:]] + [float("inf")]
    rows = []
    for fault, until in zip(faults, windows, strict=True):
        mine = {order for order, moment in confirmed.items() if fault["began"] <= moment < until}
        rows.append(
            {
                "fault": fault["fault"],
                "orders_confirmed_in_window": len(mine),
                "lost": len(mine - plans),
                "duplicated": sum(1 for order in mine if duplicates.get(order, 0) > 1),
                "5xx": dict(
                    Counter(
                        status
                        for moment, status in load.answers
                        if fault["began"] <= moment < until
                    )
                ),
                "api_back_s": fault["api_back_s"],
                "new_orders_planned_again_s": fault["new_orders_planned_again_s"],
                "backlog_planned_s": fault["backlog_planned_s"],
            }
        )
    return {
        "orders_confirmed": len(confirmed),
        "orders_the_client_could_not_finish": len(load.failed),
        "client_errors": load.failed[:5],
        "seconds": round(duration, 1),
        "settled_after_s": None if settled is None else round(settled, 1),
        "lost": len(set(confirmed) - plans),
        "duplicated": sum(1 for count in duplicates.values() if count > 1),
        "stuck": stuck,
        "5xx_total": dict(Counter(status for _, status in load.answers)),
        "faults": rows,
        "restarts_by_ordo_up": {
            process["name"]: process["restarts"]
            for process in status["processes"]
            if process["restarts"]
        },
        "confirmed": len(confirmed),
    }


def kill_worker(root: Path, name: str) -> None:
    status = json.loads((root / "ordo-up.json").read_text())
    (pid,) = [process["pid"] for process in status["processes"] if process["name"] == name]
    os.kill(pid, signal.SIGKILL)


def plan_events_per_order(planning_url: str) -> dict[str, int]:
    engine = make_engine(planning_url)
    query = "SELECT subject, count(*) FROM outbox WHERE type = 'ordo.plan.created' GROUP BY 1"
    with engine.connect() as connection:
        counts = {str(subject): count for subject, count in connection.execute(sa.text(query))}
    engine.dispose()
    return counts


def stuck_events(direct: dict[str, str]) -> dict[str, dict[str, int]]:
    stuck = defaultdict(dict)
    for service, url in direct.items():
        engine = make_engine(url)
        with engine.connect() as connection:
            stuck[service]["unpublished"] = connection.scalar(
                sa.text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            )
            for status in ("failed", "dead"):
                stuck[service][f"inbox_{status}"] = connection.scalar(
                    sa.text("SELECT count(*) FROM inbox WHERE status = :s"), {"s": status}
                )
        engine.dispose()
    return dict(stuck)


def table_figures(backend, direct: dict[str, str], orders: int) -> dict:
    """Rows per confirmed order in the shared tables, extrapolated to 10,000 orders, and what
    the retention job leaves once the rows are past their retention."""
    figures = {}
    for service in RUNNING:
        module = __import__(f"services.{service}.models", fromlist=["Base"])
        db = Database(direct[service], module.Base.metadata, service)
        tables = db.tables
        with db.sessions() as session:
            before = {
                "inbox": session.scalar(sa.select(sa.func.count()).select_from(tables.inbox)),
                "idempotency_keys": session.scalar(
                    sa.select(sa.func.count()).select_from(tables.idempotency)
                ),
            }
        settings = load_settings(service, backend.config(service))
        # As the worker's job will see them once retention has passed (7 days, 24 hours).
        later = utcnow() + timedelta(days=settings.inbox_retention_days, hours=1)
        started = time.monotonic()
        pruned = prune_expired(db, settings, now=later)
        seconds = time.monotonic() - started
        with db.sessions() as session:
            after = {
                "inbox": session.scalar(sa.select(sa.func.count()).select_from(tables.inbox)),
                "idempotency_keys": session.scalar(
                    sa.select(sa.func.count()).select_from(tables.idempotency)
                ),
            }
        db.dispose()
        figures[service] = {
            "rows_per_order": {name: round(count / orders, 2) for name, count in before.items()},
            "at_10000_orders_without_pruning": {
                name: round(count / orders * 10_000) for name, count in before.items()
            },
            "after_pruning": after,
            "pruned": pruned,
            "prune_seconds": round(seconds, 2),
        }
    return figures


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: from `POST /orders/{id}/approve` to the plan readable in planning, at a steady rate.

Run with ``python tests/bench/bench_latency.py [orders] [rate]`` (defaults 300 orders at 20/s)
against PostgreSQL and RabbitMQ on 127.0.0.1. It starts the suite with `ordo up` (gunicorn and
workers as real processes), prepares the orders up to review (not timed), then approves them
at the given rate. For each approval it measures the time until the plan is readable in
planning: committed in planning's database, which the benchmark watches by listening for the
NOTIFY that planning's outbox sends when the plan's transaction commits, then reading the new
plans (polling the HTTP API from every waiting order would load the two cores more than the
suite does); every third plan is also read through `GET /plans?order_id=` to confirm it.
The baseline, in the same run and under the same load, is a plain `GET /orders/{id}` after
every third approval: the cost of an HTTP round trip without the broker. Before the
approvals start, the events of the preparation are left to settle (outboxes and queues empty);
then 3 s of approvals at the same rate warm the processes up and are reported apart.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from shared.config import SERVICES  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.events.broker import connect  # noqa: E402
from shared.events.outbox import NOTIFY_CHANNEL  # noqa: E402
from tests.backends import backend_for  # noqa: E402
from tests.suite import running_suite  # noqa: E402

# As deployed: gunicorn's defaults from deploy/gunicorn.conf.py (the test suite runs one web
# worker instead) and one worker process per service unless ORDO_<SERVICE>_WORKERS says more.
SUITE_ENVIRONMENT = {
    "ORDO_WEB_WORKERS": "2",
    "ORDO_WEB_THREADS": "4",
    **{key: value for key, value in os.environ.items() if key.endswith("_WORKERS")},
}
# The first approvals meet cold processes (SQL compiled and prepared, caches filled, pools
# opened on first use); they are sent first at the same rate and reported apart.
WARM_UP_SECONDS = 3
SAMPLE_EVERY = 3  # one order in three is also read back and timed for the baseline


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare(suite, count: int) -> list[str]:
    sales = suite.client("orders", "sales")
    manager = suite.client("orders", "manager")
    customer = sales.post("/customers", {"name": "Latency Ltd"})
    order_ids = []
    for number in range(count):
        order = sales.post("/orders", {"customer_id": customer["id"], "title": f"Line {number}"})
        requirement = sales.post(
            f"/orders/{order['id']}/requirements",
            {
                "title": "Runs",
                "kind": "core",
                "source": "interview",
                "priority": "must",
                "estimate_days": 3,
                "acceptance_criteria": [{"text": "It runs for an hour"}],
            },
        )
        sales.post(f"/orders/{order['id']}/submit")
        manager.post(
            f"/orders/{order['id']}/reviews",
            {"decisions": [{"requirement_id": requirement["id"], "decision": "approved"}]},
        )
        order_ids.append(order["id"])
    return order_ids


class PlanWatcher:
    """Notes when each order's plan becomes visible (committed) in planning's database.

    A new plan's `ordo.plan.created` outbox row is written in the plan's transaction and
    sends a NOTIFY at its commit; the watcher LISTENs for those and looks for new plans at
    each one (and every half second regardless).
    """

    MARGIN = timedelta(seconds=5)  # created_at is set before commit; look back a little

    def __init__(self, database_url: str):
        self.engine = make_engine(database_url)
        self.listen_url = sa.make_url(database_url).set(drivername="postgresql")
        self.seen: dict[str, float] = {}
        self.arrived: dict[str, threading.Event] = defaultdict(threading.Event)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        since = datetime.now(UTC) - self.MARGIN
        query = sa.text("SELECT order_id, created_at FROM plans WHERE created_at > :since")
        with (
            psycopg.connect(self.listen_url.render_as_string(False), autocommit=True) as listener,
            self.engine.connect() as connection,
        ):
            listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
            while not self.stop.is_set():
                for _ in listener.notifies(timeout=0.5, stop_after=1):
                    pass
                rows = connection.execute(query, {"since": since}).all()
                connection.rollback()
                now = time.perf_counter()
                for order_id, created_at in rows:
                    if str(order_id) not in self.seen:
                        self.seen[str(order_id)] = now
                        self.arrived[str(order_id)].set()
                        since = max(since, created_at - self.MARGIN)

    def wait_for(self, order_id: str, timeout: float = 120) -> float:
        if not self.arrived[order_id].wait(timeout):
            raise TimeoutError(f"no plan for {order_id}")
        return self.seen[order_id]


def measure(suite, watcher, order_ids: list[str], rate: float):
    manager = suite.client("orders", "manager")
    planner = suite.client("planning", "planner")
    to_plan: list[float] = []
    round_trip: list[float] = []

    def approve_and_wait(index: int, order_id: str) -> None:
        started = time.perf_counter()
        # The customer's agreement is not what this measures: the manager overrides it.
        manager.post(f"/orders/{order_id}/approve", {"customer_override_reason": "benchmark"})
        to_plan.append(watcher.wait_for(order_id) - started)
        if index % SAMPLE_EVERY:
            return  # the checks below are sampled: they load the same two cores
        assert planner.get(f"/plans?order_id={order_id}")["items"], "committed but not readable"
        started = time.perf_counter()
        manager.get(f"/orders/{order_id}")
        round_trip.append(time.perf_counter() - started)

    threads = []
    begin = time.perf_counter()
    for index, order_id in enumerate(order_ids):
        time.sleep(max(0.0, begin + index / rate - time.perf_counter()))
        thread = threading.Thread(target=approve_and_wait, args=(index, order_id))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(timeout=120)
    achieved = len(order_ids) / (time.perf_counter() - begin)
    print(f"approvals sent at {rate:.0f}/s; all plans seen at an overall {achieved:.1f}/s")
    return to_plan, round_trip


def settle(backend, quiet_seconds: float = 1.0, timeout: float = 120) -> None:
    """Wait until no service has events waiting to be published or consumed."""
    engines = [make_engine(backend.database_url(service)) for service in SERVICES]
    queues = [backend.settings(service).queue for service in SERVICES]
    outbox = sa.text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
    quiet_since, deadline = None, time.monotonic() + timeout
    with connect(backend.settings("orders")) as connection:
        while time.monotonic() < deadline:
            waiting = 0
            for engine in engines:
                with engine.connect() as database:
                    waiting += database.execute(outbox).scalar()
            for name in queues:
                waiting += connection.default_channel.queue_declare(
                    name, passive=True
                ).message_count
            if waiting:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_seconds:
                break
            time.sleep(0.1)
    for engine in engines:
        engine.dispose()


def report(to_plan: list[float], round_trip: list[float]) -> None:
    def figures(samples: list[float]) -> str:
        p50, p99 = percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000
        mean = statistics.mean(samples) * 1000
        return f"p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   mean {mean:6.1f} ms"

    print(f"{len(to_plan)} orders: approve -> plan readable in planning (target p99 <= 150 ms)")
    print(f"  {figures(to_plan)}")
    print("baseline: a plain GET /orders/{id} under the same load")
    print(f"  {figures(round_trip)}")
    for name, fraction in (("p50", 0.5), ("p99", 0.99)):
        ratio = percentile(to_plan, fraction) / percentile(round_trip, fraction)
        print(f"ratio {name}: {ratio:.1f}x")


def main(count: int, rate: float) -> None:
    with (
        tempfile.TemporaryDirectory() as root,
        backend_for(True, root) as backend,
        running_suite(backend, **SUITE_ENVIRONMENT) as suite,
    ):
        warm_up = round(WARM_UP_SECONDS * rate)
        order_ids = prepare(suite, warm_up + count)
        settle(backend)
        watcher = PlanWatcher(backend.database_url("planning"))
        watcher.thread.start()
        cold = measure(suite, watcher, order_ids[:warm_up], rate)
        settle(backend)
        measured = measure(suite, watcher, order_ids[warm_up:], rate)
        watcher.stop.set()
    print(f"warm-up, not counted: the first {warm_up} approvals at {rate:.0f}/s")
    report(*cold)
    print("measured:")
    report(*measured)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(int(arguments[0]) if arguments else 300, float(arguments[1]) if arguments[1:] else 20)

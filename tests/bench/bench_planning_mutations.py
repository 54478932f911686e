"""Benchmark: what one change costs on plans of 50, 500, 2,000 and 10,000 tasks.

Run with ``python tests/bench/bench_planning_mutations.py [sizes…]`` against PostgreSQL on
127.0.0.1 (or ORDO_TEST_POSTGRES_URL). Each plan is built through the WBS import (phases of ten
tasks chained FS, phases chained last to first; 2,000 rows a request) and activated; then, in
the planning app's test client (the whole request: auth, validation, use case, commit, JSON),
it times adding a task, linking two tasks and reporting progress (twice over: 50 % on tasks
started on the plan's start, so the chain behind each moves; then 60 %, as many working days
left, so nothing behind moves), 15 times each, and prints
wall and CPU p50 and p99 (CPU: this process, the app's Python; the figure to trust on a loaded
machine) next to the baseline measured in the same run: the pure CPM scheduler on the same
network, which every change needs at least once. Each size also prints how long building the
plan took and the load average.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.planning.app import create_app  # noqa: E402
from services.planning.domain.scheduling import schedule  # noqa: E402
from services.planning.models import Plan  # noqa: E402
from services.planning.usecases.network import network  # noqa: E402
from tests.helpers import JWT_SECRET, PORTAL_SECRET, auth, deliver  # noqa: E402
from tests.integration.workers import confirmed_order  # noqa: E402

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PHASE = 10
CHUNK = 2000
REPEATS = 15
START = date.today() - timedelta(days=20)


def rows(first: int, count: int) -> dict:
    """`count` rows from number `first`: a summary per phase, nine tasks below it, chained."""
    tasks, links = [], []
    for number in range(first, first + count):
        phase = number // PHASE
        if number % PHASE == 0:
            tasks.append({"key": f"p{phase}", "name": f"Phase {phase}"})
            if phase:
                links.append({"predecessor": f"t{number - 1}", "successor": f"t{number + 1}"})
            continue
        tasks.append(
            {
                "key": f"t{number}",
                "name": f"Task {number}",
                "parent": f"p{phase}",
                "duration": 1 + number % 4,
            }
        )
        if number % PHASE > 1:
            links.append({"predecessor": f"t{number - 1}", "successor": f"t{number}"})
    return {"tasks": tasks, "links": links}


def import_in_chunks(client, plan_id, size: int) -> tuple[dict, float]:
    """Import `size` rows, CHUNK a request, earlier chunks' keys given as ids; the ids by key
    and the time of the first request."""
    ids: dict[str, str] = {}
    first_took = None
    for first in range(0, size, CHUNK):
        body = rows(first, min(CHUNK, size - first))
        for row in body["tasks"]:
            if row.get("parent") in ids:
                row["parent"] = ids[row["parent"]]
        for link in body["links"]:
            for end in ("predecessor", "successor"):
                link[end] = ids.get(link[end], link[end])
        started, began = time.perf_counter(), time.process_time()
        response = client.post(f"/plans/{plan_id}/wbs", json=body, headers=auth("planner"))
        took = time.perf_counter() - started, time.process_time() - began
        assert response.status_code == 200, response.json
        first_took = first_took or took
        ids.update({key: str(value) for key, value in response.json["created"].items()})
    return ids, first_took


def timed(action) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds (this process: the app's Python, not PostgreSQL) of each."""
    times, cpu = [], []
    for number in range(REPEATS):
        started, began = time.perf_counter(), time.process_time()
        response = action(number)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - began) * 1000)
        assert response.status_code in (200, 201), response.json
    return times, cpu


def p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(app, size: int) -> None:
    client = app.test_client()
    data = confirmed_order()
    data["requirements"] = []
    assert deliver(app, "ordo.order.confirmed", data) == "processed"
    with app.extensions["ordo"].db.sessions() as session:
        plan = session.query(Plan).filter_by(order_id=data["order_id"]).one()
        plan_id = plan.id
    began = time.perf_counter()
    ids, import_took = import_in_chunks(client, plan_id, size)
    built_in = time.perf_counter() - began
    activated = client.post(
        f"/plans/{plan_id}/activate",
        json={"start_date": START.isoformat()},
        headers=auth("planner"),
    )
    assert activated.status_code == 200, activated.json
    with app.extensions["ordo"].db.engine.begin() as connection:
        # Statistics as autovacuum keeps them: it analyzes a table within a minute or so of a
        # bulk import, and without them PostgreSQL plans joins for tables of one row.
        connection.exec_driver_sql("ANALYZE")
    with app.extensions["ordo"].db.sessions() as session:
        plan = session.get(Plan, plan_id)
        built = network(session, plan)
        runs = []
        for _ in range(7):
            started = time.process_time()
            schedule(built.inputs, built.links)
            runs.append((time.process_time() - started) * 1000)
        # The fastest run: one that a garbage collection of the import's leftovers fell in
        # is the collector's time, not the scheduler's.
        scheduler = min(runs)
    leaves = [ids[key] for key in sorted((k for k in ids if k[0] == "t"), key=lambda k: int(k[1:]))]
    phase = ids["p1"] if "p1" in ids else ids["p0"]
    add = timed(
        lambda n: client.post(
            f"/plans/{plan_id}/tasks",
            json={"name": f"Added {n}", "duration": 2, "parent_id": phase},
            headers=auth("planner"),
        )
    )
    link = timed(
        lambda n: client.post(
            f"/plans/{plan_id}/dependencies",
            json={"predecessor_id": leaves[n], "successor_id": leaves[-1 - n]},
            headers=auth("planner"),
        )
    )
    today = date.today().isoformat()
    progress = timed(
        lambda n: client.post(
            f"/tasks/{leaves[n]}/progress",
            json={"percent_complete": 50, "actual_start": START.isoformat(), "status_date": today},
            headers=auth("engineer"),
        )
    )
    # The same tasks at 60 %: as many working days left as at 50 %, so nothing behind them moves
    # (a report in line with the plan).
    on_course = timed(
        lambda n: client.post(
            f"/tasks/{leaves[n]}/progress",
            json={"percent_complete": 60, "status_date": today},
            headers=auth("engineer"),
        )
    )
    print(
        f"{size:>6} tasks | scheduler {scheduler:5.1f} ms CPU | import of "
        f"{min(size, CHUNK)} rows {import_took[0]:5.2f} s ({import_took[1]:5.2f} s CPU)"
        f" | plan built in {built_in:5.1f} s | load {os.getloadavg()[0]:.1f}"
    )
    for name, (times, cpu) in (
        ("add a task", add),
        ("link two tasks", link),
        ("progress, chain moves", progress),
        ("progress, on course", on_course),
    ):
        print(
            f"        {name:<21} p50 {p(times, 0.5):7.1f} ms  p99 {p(times, 0.99):7.1f} ms"
            f"  CPU p50 {p(cpu, 0.5):7.1f} ms  p99 {p(cpu, 0.99):7.1f} ms"
            f" = {p(cpu, 0.5) / scheduler:5.1f}x the scheduler"
        )


def main(sizes: list[int]) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up when stopped
    name = f"ordo_p19bmut{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    app = create_app(
        {
            "database_url": f"{POSTGRES_URL}/{name}",
            "broker_url": "memory://",
            "jwt_secret": JWT_SECRET,
            "portal_secret": PORTAL_SECRET,
            "max_body_bytes": 8 * 1024 * 1024,
            "request_timeout_seconds": 600,  # the cost is measured here, not the deadline
        }
    )
    try:
        app.extensions["ordo"].db.create_all()
        gc.freeze()  # as a deployed web process does once its app is built (gunicorn.conf.py)
        for size in sizes:
            measure(app, size)
    finally:
        app.extensions["ordo"].db.dispose()
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or [50, 500, 2000, 10_000])

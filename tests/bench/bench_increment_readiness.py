"""Benchmark: from an increment's last task reported done to its deliverable ready for QC.

Run with ``python tests/bench/bench_increment_readiness.py [increments]`` (default 30) against
PostgreSQL and RabbitMQ on 127.0.0.1. It starts the suite with `ordo up` (gunicorn and workers
as real processes) and prepares, untimed, one confirmed order with one requirement per
increment and an active incremental plan. Then, increment by increment, it reports the
increment's one work package done (`POST /tasks/{id}/progress`) and polls delivery every 5 ms
until that deliverable is `ready_for_qc`: the time from the report's response to the first
poll that sees it. On the way: planning's outbox row (ordo.work_package.completed), its relay,
RabbitMQ, delivery's consumer and inbox, and delivery's commit.

The baseline, in the same run, is one event's relay and consume round trip between two other
services: from `POST /orders` answered to the order readable in feedback's read model
(ordo.order.created through orders' relay, RabbitMQ and feedback's consumer), polled the same
way, once per increment, interleaved with the measured reports.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import tests.suite  # noqa: E402
from shared.client import RequestFailed, wait_until  # noqa: E402
from tests.backends import backend_for  # noqa: E402
from tests.suite import running_suite  # noqa: E402

POLL_SECONDS = 0.005


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def poll(condition) -> float:
    """Seconds until `condition()` is true, polled every POLL_SECONDS."""
    started = time.perf_counter()
    wait_until(condition, 30, every=POLL_SECONDS)
    return time.perf_counter() - started


def prepare(suite, count: int):
    """An active incremental plan with one requirement per increment (not timed)."""
    sales, manager = suite.client("orders", "sales"), suite.client("orders", "manager")
    customer = sales.post("/customers", {"name": "Bench Retail", "email": "bench@example.com"})
    order = sales.post(
        "/orders",
        {
            "customer_id": customer["id"],
            "title": "Increment readiness bench",
            "due_date": (date.today() + timedelta(days=365)).isoformat(),
        },
    )
    requirements = [
        sales.post(
            f"/orders/{order['id']}/requirements",
            {
                "title": f"Feature {n}",
                "kind": "core",
                "source": "interview",
                "priority": "must",
                "estimate_days": 1,
                "acceptance_criteria": [{"text": f"Feature {n} works"}],
            },
        )
        for n in range(1, count + 1)
    ]
    sales.post(f"/orders/{order['id']}/submit")
    manager.post(
        f"/orders/{order['id']}/reviews",
        {"decisions": [{"requirement_id": r["id"], "decision": "approved"} for r in requirements]},
    )
    suite.client("orders", "customer", customer["id"]).post(
        f"/orders/{order['id']}/customer-review",
        {"decisions": [{"requirement_id": r["id"], "decision": "approved"} for r in requirements]},
    )
    manager.post(f"/orders/{order['id']}/approve")
    planner = suite.client("planning", "planner")
    plan = wait_until(
        lambda: next(iter(planner.get(f"/plans?order_id={order['id']}")["items"]), None), 60, 0.2
    )
    for n, requirement in enumerate(requirements):
        start = date.today() + timedelta(days=n)
        planner.post(
            f"/plans/{plan['id']}/increments",
            {
                "start_date": start.isoformat(),
                "finish_date": (start + timedelta(days=6)).isoformat(),
                "requirement_ids": [requirement["id"]],
            },
        )
    planner.post(f"/plans/{plan['id']}/activate", {})
    tasks = planner.get(f"/plans/{plan['id']}/tasks?page_size=100")["items"]
    analysis = next(task for task in tasks if task["origin"] == "analysis")
    suite.client("planning", "engineer").post(
        f"/tasks/{analysis['id']}/progress", {"percent_complete": 100}
    )
    packages = {t["requirement_id"]: t for t in tasks if t["origin"] == "work_package"}
    quality = suite.client("delivery", "quality")
    wait_until(
        lambda: len(quality.get(f"/deliverables?order_id={order['id']}")["items"]) == count,
        60,
        0.2,
    )
    return order, [(r["id"], packages[r["id"]]["id"]) for r in requirements], customer


def known(client, path: str):
    try:
        return client.get(path)
    except RequestFailed:
        return None


def measure(suite, order, work, customer) -> tuple[list[float], list[float]]:
    engineer = suite.client("planning", "engineer")
    quality = suite.client("delivery", "quality")
    sales = suite.client("orders", "sales")
    feedback = suite.client("feedback", "manager")
    ready, baseline = [], []
    deliverables = {
        d["requirement_id"]: d["id"]
        for d in quality.get(f"/deliverables?order_id={order['id']}&page_size=100")["items"]
    }
    for requirement_id, task_id in work:
        engineer.post(f"/tasks/{task_id}/progress", {"percent_complete": 100})
        path = f"/deliverables/{deliverables[requirement_id]}"
        ready.append(poll(lambda path=path: quality.get(path)["status"] == "ready_for_qc"))
        created = sales.post("/orders", {"customer_id": customer["id"], "title": "Baseline"})
        baseline.append(poll(lambda path=f"/orders/{created['id']}": known(feedback, path)))
    return ready, baseline


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    tests.suite.STARTUP_SECONDS = 600  # migrations and twelve processes on a busy machine
    with (
        tempfile.TemporaryDirectory() as root,
        backend_for(True, root) as backend,
        running_suite(backend, ORDO_WEB_WORKERS="1") as suite,
    ):
        order, work, customer = prepare(suite, count)
        time.sleep(2)  # let the preparation's events settle
        ready, baseline = measure(suite, order, work, customer)
    p50, p99 = percentile(ready, 0.5), percentile(ready, 0.99)
    b50, b99 = percentile(baseline, 0.5), percentile(baseline, 0.99)
    print(f"increments: {count} (one requirement each), poll every {POLL_SECONDS * 1000:.0f} ms")
    mean = statistics.mean(ready)
    print(
        "last task done -> deliverable ready for QC: "
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, mean {mean * 1000:.0f} ms"
    )
    print(
        "baseline, one event's relay + consume (order created -> feedback): "
        f"p50 {b50 * 1000:.0f} ms, p99 {b99 * 1000:.0f} ms"
    )
    print(f"ratio to the baseline: p50 {p50 / b50:.2f}x, p99 {p99 / b99:.2f}x")


if __name__ == "__main__":
    main()

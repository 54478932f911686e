"""Benchmark: drafting a status report of a 2,000-task plan, against reading the same plan.

Run with ``python tests/bench/bench_status_report.py [--sqlite] [--runs N]`` (PostgreSQL on
127.0.0.1, or SQLite; 20 runs by default). Prepares, untimed, one order's active plan of 2,000
leaf tasks in 40 work packages with 1,960 finish-to-start links, most work planned before the
status date reported (done, or half done), 10 risks, 20 issues and a kick-off whose minutes
left 30 action items. Then, interleaved through the planning app's test client (the whole
request: auth, parsing, the use case, JSON):

* baseline: ``GET /plans/{id}/tasks?page_size=100`` (the plan's plain read, one page);
* read model: ``GET /plans/{id}/report`` (the status read model the report starts from);
* status report: ``POST /plans/{id}/status-reports`` (draft: read model, earned value and
  health as of the status date, issues, action items, RAG, changes, stored as JSON).

Prints p50 and p99 of each, the ratios to the baseline, and the mails one published report
queues.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa  # noqa: E402

from services.planning.api import support  # noqa: E402
from services.planning.app import create_app  # noqa: E402
from services.planning.models import Dependency, Task  # noqa: E402
from tests.backends import backend_for  # noqa: E402
from tests.helpers import auth, deliver, mailed  # noqa: E402
from tests.services.planning.conftest import confirmed, requirement  # noqa: E402

TASKS, PACKAGES, RUNS = 2_000, 40, 20
SEED = 20261202
STATUS_DATE = date(2027, 3, 1)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def prepare(app) -> str:
    client = app.test_client()
    rng = random.Random(SEED)
    data = confirmed([requirement(f"Package {n}", 3) for n in range(PACKAGES)])
    data |= {"customer_email": "bench@example.com", "contact_name": "Bench"}
    assert deliver(app, "ordo.order.confirmed", data) == "processed"
    [plan] = client.get(f"/plans?order_id={data['order_id']}", headers=auth("planner")).json[
        "items"
    ]
    db = app.extensions["ordo"].db
    with db.transaction() as session:
        packages = session.scalars(
            sa.select(Task).where(Task.plan_id == plan["id"], Task.origin == "work_package")
        ).all()
        made = []
        for n in range(TASKS):
            parent = packages[n % len(packages)]
            parent.summary = True
            made.append(
                Task(
                    id=uuid.uuid4(),
                    plan_id=parent.plan_id,
                    parent_id=parent.id,
                    position=n,
                    wbs_code=f"{parent.wbs_code}.{n // len(packages) + 1}",
                    level=parent.level + 1,
                    name=f"Task {n}",
                    duration=rng.randint(1, 5),
                    effort_hours=8.0,
                    cost=rng.randint(100, 900),
                )
            )
        session.add_all(made)
        session.flush()
        session.add_all(
            Dependency(
                plan_id=parent.plan_id,
                predecessor_id=made[n - len(packages)].id,
                successor_id=made[n].id,
            )
            for n in range(len(packages), TASKS)
        )
    activated = client.post(f"/plans/{plan['id']}/activate", json={}, headers=auth("planner"))
    assert activated.status_code == 200, activated.json
    with db.transaction() as session:
        tasks = session.scalars(
            sa.select(Task).where(Task.plan_id == plan["id"], Task.summary.is_(False))
        ).all()
        for task in tasks:
            if task.start_date and task.start_date < STATUS_DATE and rng.random() < 0.8:
                task.percent_complete = 100.0 if task.finish_date < STATUS_DATE else 50.0
                task.actual_start = task.start_date
                task.actual_finish = task.finish_date if task.percent_complete == 100 else None
                task.actual_cost = task.cost * Decimal(rng.choice(("0.4", "0.5", "0.6")))
    for n in range(10):
        client.post(
            f"/plans/{plan['id']}/risks",
            json={"title": f"Risk {n}", "probability": 3, "impact": 3, "response": "mitigate"},
            headers=auth("planner"),
        )
    for n in range(20):
        client.post(
            f"/plans/{plan['id']}/issues",
            json={"title": f"Issue {n}", "severity": rng.choice(("low", "medium", "high"))},
            headers=auth("planner"),
        )
    meeting = client.post(
        f"/plans/{plan['id']}/meetings",
        json={
            "kind": "kick_off",
            "title": "Kick-off",
            "starts_at": "2027-01-05T09:00:00+00:00",
            "attendees": [{"kind": "staff", "user_id": "alice", "role": "manager"}],
        },
        headers=auth("planner"),
    ).json
    client.put(
        f"/meetings/{meeting['id']}/minutes",
        json={
            "minutes": "Agreed.",
            "action_items": [
                {
                    "title": f"Item {n}",
                    "owner": "alice",
                    "due_date": str(date(2027, 1, 10) + timedelta(days=3 * n)),
                }
                for n in range(30)
            ],
        },
        headers={**auth("planner"), "If-Match": "*"},
    )
    client.post(f"/meetings/{meeting['id']}/minutes/publish", headers=auth("planner"))
    return plan["id"]


def main() -> None:
    sqlite = "--sqlite" in sys.argv
    runs_count = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else RUNS
    with tempfile.TemporaryDirectory() as root, backend_for(not sqlite, root) as backend:
        support.today = lambda: STATUS_DATE  # the plan's status date is "today" in the run
        # Preparing activates (schedules and baselines) all 2,000 tasks in one request.
        app = create_app(backend.config("planning", request_timeout_seconds=600))
        app.extensions["ordo"].db.create_all()
        plan_id = prepare(app)
        client = app.test_client()
        runs = {
            "baseline": lambda: client.get(
                f"/plans/{plan_id}/tasks?page_size=100", headers=auth("planner")
            ),
            "read model": lambda: client.get(
                f"/plans/{plan_id}/report?as_of={STATUS_DATE}", headers=auth("planner")
            ),
            "status report": lambda: client.post(
                f"/plans/{plan_id}/status-reports",
                json={"status_date": str(STATUS_DATE)},
                headers=auth("planner"),
            ),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(runs_count):
            for name, run in runs.items():
                began = time.perf_counter()
                response = run()
                times[name].append(time.perf_counter() - began)
                assert response.status_code in (200, 201), response.json
        report = response.json
        manager = {**auth("manager"), "If-Match": f'"{report["version"]}"'}
        client.patch(f"/status-reports/{report['id']}", json={"narrative": "x"}, headers=manager)
        client.post(f"/status-reports/{report['id']}/publish", headers=auth("manager"))
        mails = len(mailed(app, "status_report"))
        app.extensions["ordo"].db.dispose()
    print(
        f"{'sqlite' if sqlite else 'postgresql'}, {TASKS} tasks in {PACKAGES} packages, "
        f"{TASKS - PACKAGES} links, {runs_count} runs each, interleaved; RAG {report['rag']}"
    )
    print(f"{'':<15}{'p50 ms':>10}{'p99 ms':>10}")
    for name, samples in times.items():
        p50, p99 = percentile(samples, 0.5) * 1e3, percentile(samples, 0.99) * 1e3
        print(f"{name:<15}{p50:>10.1f}{p99:>10.1f}")
    base = times["baseline"]
    for name in ("read model", "status report"):
        print(
            f"ratio {name} / baseline: p50 "
            f"{percentile(times[name], 0.5) / percentile(base, 0.5):.1f}x, p99 "
            f"{percentile(times[name], 0.99) / percentile(base, 0.99):.1f}x"
        )
    print(f"mails per published report: {mails}")


if __name__ == "__main__":
    main()

"""Benchmark: feedback's /kpis, /kpis/trend and chart.svg at 1,000 / 10,000 / 100,000 orders,
against the computation they replaced (every order's facts loaded and folded in Python), in
the same run.

Run with ``python tests/bench/bench_kpis.py [orders ...]`` against PostgreSQL on 127.0.0.1.
The orders' facts are random (24 months, 50 customers, every stage reached by some); the
kpi_sums rows are made from them as migration 0007_kpi_sums makes them. Printed: p50 of each
endpoint over 20 requests through the app, the old computation's p50 (3 runs) and the ratio.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from services.feedback.app import create_app  # noqa: E402
from services.feedback.domain.kpi_totals import CONTRIBUTIONS, contribution  # noqa: E402
from services.feedback.domain.kpis import OrderFacts, compute_kpis  # noqa: E402
from services.feedback.models import Order, kpi_sums  # noqa: E402
from services.feedback.usecases.orders import _FACT_FIELDS, _encode, facts_of  # noqa: E402
from shared.cli import migrations_dir  # noqa: E402
from shared.db import migrate  # noqa: E402
from tests.helpers import SECRETS, auth  # noqa: E402

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
CUSTOMERS = [str(uuid.uuid4()) for _ in range(50)]
START = datetime.now(UTC) - timedelta(days=720)


def random_facts(rng: random.Random) -> OrderFacts:
    created = START + timedelta(minutes=rng.randrange(60 * 24 * 720))
    facts = OrderFacts(str(uuid.uuid4()), customer_id=rng.choice(CUSTOMERS), created_at=created)
    facts.original_due_date = (created + timedelta(days=rng.randrange(20, 120))).date()
    moment = created
    for stage in ("confirmed", "activated", "delivered", "accepted", "closed"):
        if rng.random() < 0.25:
            break
        moment += timedelta(hours=rng.randrange(1, 900))
        setattr(facts, f"{stage}_at", moment)
    facts.last_submitted_at = facts.delivered_at
    if facts.activated_at:
        facts.schedule_slip_days = rng.randrange(-5, 30)
    if facts.accepted_at and rng.random() < 0.7:
        facts.csat, facts.nps, facts.feedback_at = rng.randint(1, 5), rng.randint(0, 10), moment
    if rng.random() < 0.05:
        facts.cancelled_at = created + timedelta(days=3)
    return facts


def seed(url: str, count: int) -> None:
    rng = random.Random(count)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    sums: dict[tuple[str, str], dict] = {}
    with engine.begin() as connection:
        for first in range(0, count, 5000):
            rows = []
            for _ in range(min(5000, count - first)):
                facts = random_facts(rng)
                stored = {n: _encode(getattr(facts, n)) for n in _FACT_FIELDS if n != "order_id"}
                rows.append(
                    {
                        "id": uuid.UUID(facts.order_id),
                        "customer_id": uuid.UUID(facts.customer_id),
                        "status": facts.status,
                        "facts": stored,
                        "requirement_kinds": {},
                        "failed_check_ids": [],
                        "updated_at": datetime.now(UTC),
                    }
                )
                place = sums.setdefault(
                    (facts.month, facts.customer_id), dict.fromkeys(CONTRIBUTIONS, 0)
                )
                for name, value in contribution(facts).items():
                    place[name] += value
            connection.execute(sa.insert(Order.__table__), rows)
        connection.execute(
            sa.insert(kpi_sums),
            [{"month": m, "customer": c, **values} for (m, c), values in sums.items()],
        )
        connection.execute(sa.text("ANALYZE"))
    engine.dispose()


def p50(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def old_report(app) -> None:
    """What /kpis did before: every order's facts, folded and grouped in Python."""
    with app.extensions["ordo"].db.transaction() as session:
        facts = [f for f in (facts_of(o) for o in session.scalars(sa.select(Order))) if f.month]
        compute_kpis(facts), compute_kpis(facts, group_by="month")
        compute_kpis(facts, group_by="customer")


def main(sizes: list[int]) -> None:
    for count in sizes:
        name = f"ordo_p19a_bench_kpis_{count}"
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        url = f"{POSTGRES_URL}/{name}"
        migrate(migrations_dir("feedback"), url)
        seed(url, count)
        app = create_app({"database_url": url, "broker_url": "memory://", **SECRETS})
        client, headers = app.test_client(), auth("manager")
        for path in ("/kpis", "/kpis/trend?months=12", "/kpis/chart.svg?months=12"):
            assert client.get(path, headers=headers).status_code == 200
        figures = {
            path: p50(lambda path=path, c=client, h=headers: c.get(path, headers=h), 20)
            for path in ("/kpis", "/kpis/trend?months=12", "/kpis/chart.svg?months=12")
        }
        before = p50(lambda a=app: old_report(a), 3 if count <= 10_000 else 1)
        print(
            f"{count:>7,} orders: "
            + "  ".join(f"{path} p50 {ms:6.1f} ms" for path, ms in figures.items())
            + f"  | old Python fold {before:8.1f} ms -> /kpis {figures['/kpis'] / before:.3f}x",
            flush=True,
        )
        app.extensions["ordo"].db.dispose()
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [1_000, 10_000, 100_000])

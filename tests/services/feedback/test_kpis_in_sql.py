"""The KPIs the database sums (kpi_sums) equal the KPIs computed in Python from every order's
facts, on random event streams: duplicates, late arrivals, orders moving customer and month."""

import random
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from services.feedback.domain.kpis import compute_kpis, kpi_trend
from services.feedback.models import Order
from services.feedback.usecases.orders import facts_of, kpi_months, kpi_report, record_order_event

CUSTOMERS = [str(uuid.UUID(int=n)) for n in range(1, 5)]
START = datetime(2026, 1, 1, tzinfo=UTC)


def random_events(rng: random.Random, orders: int) -> list[tuple[str, dict, datetime]]:
    events = []
    for _ in range(orders):
        order = uuid.uuid4()
        created = START + timedelta(minutes=rng.randrange(0, 60 * 24 * 330))
        due = (created + timedelta(days=rng.randrange(10, 90))).date().isoformat()

        def later(days=40, created=created):
            return created + timedelta(minutes=rng.randrange(1, 60 * 24 * days))

        choices = [
            (
                "ordo.order.created",
                {"customer_id": rng.choice(CUSTOMERS), "due_date": due},
                created,
            ),
            (
                "ordo.order.confirmed",
                {"customer_id": rng.choice(CUSTOMERS), "due_date": due},
                later(),
            ),
            (
                "ordo.order.change_approved",
                {
                    "change_request_id": str(uuid.uuid4()),
                    "new_due_date": (date.fromisoformat(due) + timedelta(days=5)).isoformat(),
                },
                later(),
            ),
            ("ordo.plan.activated", {}, later()),
            ("ordo.plan.rebaselined", {"slip_days": rng.randrange(-3, 20)}, later()),
            ("ordo.delivery.submitted", {}, later(60)),
            ("ordo.delivery.rejected", {}, later(60)),
            ("ordo.delivery.accepted", {}, later(80)),
            (
                "ordo.feedback.received",
                {"csat": rng.randint(1, 5), "nps": rng.randint(0, 10)},
                later(90),
            ),
            ("ordo.order.cancelled", {}, later()),
            ("ordo.order.closed", {}, later(100)),
        ]
        for kind, data, time in choices:
            if kind == "ordo.order.created" or rng.random() < 0.6:
                events.append((kind, {"order_id": order, **data}, time))
                if rng.random() < 0.1:  # redelivered
                    events.append((kind, {"order_id": order, **data}, time))
    rng.shuffle(events)  # any arrival order
    return events


@pytest.mark.parametrize("seed", range(3))
def test_the_database_sums_give_the_kpis_the_python_fold_gives(make_app, seed):
    db = make_app("feedback").extensions["ordo"].db
    for kind, data, time in random_events(random.Random(seed), 60):
        with db.transaction() as session:
            record_order_event(session, kind, data, time)
    with db.transaction() as session:
        every = [facts_of(order) for order in session.query(Order)]
        dated = [facts for facts in every if facts.month]
        report = kpi_report(session)
        assert report["overall"] == compute_kpis(dated)
        assert {row["month"]: row["kpis"] for row in report["by_month"]} == compute_kpis(
            dated, group_by="month"
        )
        assert {row["customer_id"]: row["kpis"] for row in report["by_customer"]} == (
            compute_kpis(dated, group_by="customer")
        )
        customer = uuid.UUID(CUSTOMERS[0])
        spring = kpi_report(session, customer, "2026-03", "2026-05")["overall"]
        assert spring == compute_kpis(
            f for f in dated if f.customer_id == CUSTOMERS[0] and "2026-03" <= f.month <= "2026-05"
        )
        months = kpi_months(session, 14)
        assert months == kpi_trend(dated, [point.month for point in months])

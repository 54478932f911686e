"""An order confirmed over HTTP becomes a plan in planning, across the broker, within 5 s."""

import time
import urllib.request

from shared.client import wait_until


def test_a_confirmed_order_gets_a_plan_and_the_plan_shows_on_the_order_timeline(suite):
    sales = suite.client("orders", "sales")
    manager = suite.client("orders", "manager")
    planner = suite.client("planning", "planner")

    customer = sales.post("/customers", {"name": "Nordic Packaging AB", "email": "ops@np.example"})
    order = sales.post(
        "/orders",
        {
            "customer_id": customer["id"],
            "title": "Carton erector line",
            "due_date": "2027-03-31",
            "value": {"amount": "240000.00", "currency": "EUR"},
        },
    )
    requirement = sales.post(
        f"/orders/{order['id']}/requirements",
        {
            "title": "Erect 40 cartons a minute",
            "kind": "core",
            "source": "interview",
            "priority": "must",
            "estimate_days": 15,
            "acceptance_criteria": [{"text": "40 cartons/min sustained for 2 h"}],
        },
    )
    sales.post(f"/orders/{order['id']}/submit")
    manager.post(
        f"/orders/{order['id']}/reviews",
        {"decisions": [{"requirement_id": requirement["id"], "decision": "approved"}]},
    )
    suite.client("orders", "customer", customer["id"]).post(
        f"/orders/{order['id']}/customer-review",
        {"decisions": [{"requirement_id": requirement["id"], "decision": "approved"}]},
    )
    confirmed = manager.post(f"/orders/{order['id']}/approve")
    started = time.monotonic()
    assert confirmed["status"] == "confirmed"

    plans = wait_until(lambda: planner.get(f"/plans?order_id={order['id']}")["items"], timeout=5)
    timeline = wait_until(
        lambda: [
            entry
            for entry in sales.get(f"/orders/{order['id']}/timeline")
            if entry["type"] == "ordo.plan.created"
        ],
        timeout=max(0.1, 5 - (time.monotonic() - started)),
    )
    assert len(plans) == 1 and plans[0]["order_id"] == order["id"]
    assert timeline[0]["data"]["plan_id"] == plans[0]["id"]
    types = [entry["type"] for entry in sales.get(f"/orders/{order['id']}/timeline")]
    assert types[:4] == [
        "ordo.order.created",
        "ordo.order.submitted",
        "ordo.requirements.customer_reviewed",  # the customer agrees before approval
        "ordo.order.confirmed",
    ]


def test_metrics_count_the_requests_every_web_worker_answered(suite):
    url = suite.urls["planning"]
    for _ in range(12):
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as answer:
            assert answer.status == 200
    for _ in range(4):  # whichever worker answers the scrape
        with urllib.request.urlopen(f"{url}/metrics", timeout=10) as answer:
            text = answer.read().decode()
        counted = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("ordo_http_requests_total{") and 'route="/healthz"' in line
        )
        assert counted >= 12

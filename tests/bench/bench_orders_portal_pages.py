"""Benchmark: weight and server time of the orders service's portal pages (issue 15, part A).

Run with ``python tests/bench/bench_orders_portal_pages.py [loads]`` (default 20). The pages
are served by the orders app in this process (SQLite, in-memory broker), so the time is the
server's: the session cookie, routing, the read model's queries, Jinja and Babel, no network.
Each page is loaded `loads` times after one warm-up load, signed in as the customer of an
order with 5 requirements (3 criteria each), a plan, a status report with 4 milestones and a
timeline of 12 events. Printed per page: HTML bytes, gzip bytes, the shared stylesheet's bytes,
p50 and p90 in ms, and p50 over the baseline measured in the same run: the JSON API's
`GET /orders/{id}` for the same order (the page's cost over the API's).
"""

from __future__ import annotations

import gzip
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from services.orders.app import create_app  # noqa: E402
from tests.helpers import SECRETS, auth, deliver, link_in, mailed  # noqa: E402

PLAN = "00000000-0000-4000-8000-000000000001"


def timed(client, path: str, loads: int, **kwargs) -> tuple[list[float], bytes]:
    client.get(path, **kwargs)  # warm-up: templates compiled, catalogs read
    samples, body = [], b""
    for _ in range(loads):
        started = time.perf_counter()
        response = client.get(path, **kwargs)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        body = response.data
    return samples, body


def order_with_history(app, client) -> tuple[dict, dict]:
    customer = client.post(
        "/customers",
        json={"name": "杭州泵业有限公司", "email": "li@pumps.example", "locale": "en"},
        headers=auth("sales"),
    ).json
    order = client.post(
        "/orders",
        json={"customer_id": customer["id"], "title": "Hydraulic press", "due_date": "2027-03-31"},
        headers=auth("sales"),
    ).json
    for n in range(5):
        client.post(
            f"/orders/{order['id']}/requirements",
            json={
                "title": f"Requirement {n + 1}",
                "kind": "core",
                "source": "interview",
                "priority": "must",
                "acceptance_criteria": [{"text": f"Criterion {n + 1}.{c}"} for c in range(3)],
            },
            headers=auth("sales"),
        )
    client.post(f"/orders/{order['id']}/submit", headers=auth("sales"))
    for day in range(4, 10):
        deliver(
            app,
            "ordo.milestone.reached",
            {
                "order_id": order["id"],
                "plan_id": PLAN,
                "task_id": str(uuid.uuid4()),
                "name": f"Step {day}",
                "reached_on": f"2027-01-{day:02d}",
            },
        )
    deliver(
        app,
        "ordo.status_report.published",
        {
            "order_id": order["id"],
            "plan_id": PLAN,
            "status_report_id": str(uuid.uuid4()),
            "number": 1,
            "status_date": "2027-01-15",
            "rag": "amber",
            "reasons": ["The frame arrived 3 days late"],
            "percent_complete": 40.0,
            "open_issues": 1,
            "open_action_items": 2,
            "mailed_to": 1,
            "milestones": [
                {"name": f"M{m}", "planned_date": "2027-02-01", "forecast_date": "2027-02-03"}
                for m in range(4)
            ],
        },
    )
    return customer, order


def signed_in(app, browser) -> None:
    form = browser.get("/portal/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    browser.post("/portal/sign-in", data={"email": "li@pumps.example", "csrf_token": token})
    path = "/" + link_in(mailed(app, "sign_in_link")[-1].text_body).split("/", 3)[3]
    confirm = browser.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm)[1]
    assert browser.post(path, data={"csrf_token": token}).status_code == 303


def main(loads: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "database_url": f"sqlite:///{folder}/orders.db",
                "broker_url": "memory://",
                "namespace": f"bench{uuid.uuid4().hex[:6]}",
                **SECRETS,
            }
        )
        app.extensions["ordo"].db.create_all()
        client = app.test_client()
        customer, order = order_with_history(app, client)
        browser = app.test_client()
        signed_in(app, browser)
        css = len(browser.get("/portal/static/portal.css").data)
        baseline, _ = timed(client, f"/orders/{order['id']}", loads, headers=auth("sales"))
        base = statistics.median(baseline)
        pages = {
            "sign-in": ("/portal/sign-in", app.test_client()),
            "home (my orders)": ("/portal/", browser),
            "order": (f"/portal/orders/{order['id']}", browser),
            "order (zh-CN)": (f"/portal/orders/{order['id']}?lang=zh-CN", browser),
            "review": (f"/portal/orders/{order['id']}/review?lang=en", browser),
        }
        print(f"{loads} loads per page; baseline GET /orders/{{id}} (JSON API) p50 {base:.2f} ms")
        print(f"stylesheet /portal/static/portal.css: {css} bytes (cacheable, shared)")
        columns = ("HTML B", "gzip B", "+CSS B", "p50 ms", "p90 ms", "p50/API")
        print(f"{'page':20} " + " ".join(f"{column:>8}" for column in columns))
        for name, (path, who) in pages.items():
            samples, body = timed(who, path, loads)
            p50 = statistics.median(samples)
            p90 = statistics.quantiles(samples, n=10)[-1]
            weight = len(body) + css
            print(
                f"{name:20} {len(body):8} {len(gzip.compress(body)):8} {weight:8} "
                f"{p50:8.2f} {p90:8.2f} {p50 / base:8.2f}"
            )
        app.extensions["ordo"].db.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

"""The agile case across the four services in one process (test clients, events carried from
outbox to inbox by hand): three increments, the second rejected once and reworked, the order
accepted only by the third acceptance, then the survey and the retrospective."""

from datetime import date, timedelta

import pytest

from shared.events.contracts import contract_for
from tests.helpers import auth, deliver, link_in, mailed, published

SERVICES = ("orders", "planning", "delivery", "feedback")


@pytest.fixture
def apps(make_app):
    return {service: make_app(service) for service in SERVICES}


class Carrier:
    """A broker in miniature: each event once to every service that consumes it."""

    def __init__(self, apps):
        self.apps = apps
        self.carried: set[tuple[str, str]] = set()

    def pump(self) -> None:
        moved = True
        while moved:
            moved = False
            for source, app in self.apps.items():
                for envelope in published(app):
                    consumers = set(contract_for(envelope.type).consumers) | {"orders"}
                    for target in consumers - {source}:
                        if (target, envelope.id) in self.carried:
                            continue
                        self.carried.add((target, envelope.id))
                        deliver(self.apps[target], envelope)
                        moved = True


def call(app, method, path, body=None, role="admin", **headers):
    client = app.test_client()
    response = client.open(path, method=method, json=body, headers={**auth(role), **headers})
    assert response.status_code < 300, (path, response.status_code, response.get_json())
    return response.get_json()


def test_three_increments_the_second_rejected_once_and_the_order_accepted_by_the_last(apps):
    carrier = Carrier(apps)
    orders, planning, delivery, feedback = (apps[s] for s in SERVICES)
    customer = call(orders, "POST", "/customers", {"name": "Baltic", "email": "it@baltic.example"})
    order = call(
        orders,
        "POST",
        "/orders",
        {
            "customer_id": customer["id"],
            "title": "Order app",
            "due_date": (date.today() + timedelta(days=90)).isoformat(),
            "packages_per_increment": True,
            "pulse_surveys": True,
        },
        role="sales",
    )
    requirements = [
        call(
            orders,
            "POST",
            f"/orders/{order['id']}/requirements",
            {
                "title": f"Feature {n}",
                "kind": "core",
                "source": "interview",
                "priority": "must",
                "estimate_days": 3,
                "acceptance_criteria": [{"text": f"Feature {n} works"}],
            },
            role="sales",
        )
        for n in (1, 2, 3)
    ]
    call(orders, "POST", f"/orders/{order['id']}/submit", role="sales")
    call(
        orders,
        "POST",
        f"/orders/{order['id']}/reviews",
        {"decisions": [{"requirement_id": r["id"], "decision": "approved"} for r in requirements]},
        role="manager",
    )
    customer_review = orders.test_client().post(
        f"/orders/{order['id']}/customer-review",
        json={
            "decisions": [{"requirement_id": r["id"], "decision": "approved"} for r in requirements]
        },
        headers=auth("customer", customer_id=customer["id"]),
    )
    assert customer_review.status_code < 300, customer_review.get_json()
    call(orders, "POST", f"/orders/{order['id']}/approve", role="manager")
    carrier.pump()
    [plan] = call(planning, "GET", f"/plans?order_id={order['id']}")["items"]
    increments = [
        call(
            planning,
            "POST",
            f"/plans/{plan['id']}/increments",
            {
                "start_date": (date.today() + timedelta(days=14 * n)).isoformat(),
                "finish_date": (date.today() + timedelta(days=14 * n + 13)).isoformat(),
                "requirement_ids": [requirement["id"]],
            },
            role="planner",
        )
        for n, requirement in enumerate(requirements)
    ]
    call(planning, "POST", f"/plans/{plan['id']}/activate", {}, role="planner")
    carrier.pump()

    def work(requirement_id, analysis=False):
        for task in call(planning, "GET", f"/plans/{plan['id']}/tasks")["items"]:
            mine = task["requirement_id"] == requirement_id or (
                analysis and task["origin"] == "analysis"
            )
            if mine and not task["summary"] and task["percent_complete"] < 100:
                call(
                    planning,
                    "POST",
                    f"/tasks/{task['id']}/progress",
                    {"percent_complete": 100},
                    role="engineer",
                )
        carrier.pump()

    def hand_over(requirement_id):
        [deliverable] = [
            d
            for d in call(delivery, "GET", f"/deliverables?order_id={order['id']}")["items"]
            if d["requirement_id"] == requirement_id
        ]
        assert deliverable["status"] == "ready_for_qc"
        call(
            delivery,
            "POST",
            f"/deliverables/{deliverable['id']}/quality-checks",
            {
                "criteria": [
                    {"criterion_id": c["criterion_id"], "result": "pass", "comment": ""}
                    for c in deliverable["criteria"]
                ],
                "standards": [],
            },
            role="quality",
        )
        package = call(
            delivery,
            "POST",
            "/deliveries",
            {"order_id": order["id"], "deliverable_ids": [deliverable["id"]], "document_ids": []},
            role="logistics",
        )
        call(delivery, "POST", f"/deliveries/{package['id']}/submit", role="logistics")
        carrier.pump()
        return package

    def decide(decision):
        token = link_in(mailed(delivery, "acceptance_request")[-1].text_body).rsplit("/", 1)[1]
        review = delivery.test_client().get(f"/acceptance/{token}").get_json()
        met = decision == "accepted"
        body = {
            "decision": decision,
            "answers": [
                {"criterion_id": c["criterion_id"], "met": met, "comment": "checked"}
                for d in review["content"]["deliverables"]
                for c in d["criteria"]
            ],
            "signer_name": "Lina Berg",
            "signer_title": "IT lead",
            "organisation": "Baltic",
            **({} if met else {"reasons": ["Too slow"]}),
        }
        answer = delivery.test_client().post(f"/acceptance/{token}", json=body)
        assert answer.status_code < 300, answer.get_json()
        carrier.pump()

    def order_now():
        return call(orders, "GET", f"/orders/{order['id']}")

    # Increment 1: its own work done makes its deliverable ready; the others stay pending.
    work(requirements[0]["id"], analysis=True)
    statuses = {
        d["requirement_id"]: d["status"]
        for d in call(delivery, "GET", f"/deliverables?order_id={order['id']}")["items"]
    }
    assert statuses[requirements[1]["id"]] == "pending"
    hand_over(requirements[0]["id"])
    decide("accepted")
    assert order_now()["status"] == "in_progress"
    assert order_now()["delivery_progress"]["accepted"] == 1
    assert len(call(feedback, "GET", f"/pulse-surveys?order_id={order['id']}")["items"]) == 1

    # Increment 2: rejected, closing is refused naming the work, rework, then accepted.
    work(requirements[1]["id"])
    hand_over(requirements[1]["id"])
    decide("rejected")
    assert order_now()["status"] == "in_progress"
    refused = orders.test_client().post(
        f"/orders/{order['id']}/close", json={}, headers=auth("manager")
    )
    assert refused.status_code == 409
    assert [r["standing"] for r in refused.get_json()["unfinished_requirements"]] == [
        "rejected",
        "outstanding",
    ]
    rework = [
        t
        for t in call(planning, "GET", f"/plans/{plan['id']}/tasks")["items"]
        if t["origin"] == "rework"
    ]
    assert [t["requirement_id"] for t in rework] == [requirements[1]["id"]]
    work(requirements[1]["id"])
    hand_over(requirements[1]["id"])
    decide("accepted")
    assert order_now()["status"] == "in_progress"
    assert call(feedback, "GET", "/surveys")["items"] == []

    # Increment 3: the final acceptance accepts the order; survey and retrospective open.
    work(requirements[2]["id"])
    hand_over(requirements[2]["id"])
    assert order_now()["status"] == "delivered"
    decide("accepted")
    assert order_now()["status"] == "accepted"
    assert call(planning, "GET", f"/plans/{plan['id']}")["status"] == "completed"
    assert len(call(feedback, "GET", f"/surveys?order_id={order['id']}")["items"]) == 1
    assert len(call(feedback, "GET", f"/retrospectives?order_id={order['id']}")["items"]) == 1
    kpis = call(feedback, "GET", "/kpis", role="manager")["overall"]
    assert kpis["package_first_pass_rate"] == 75.0
    assert kpis["increments_on_time_rate"] == 100.0
    assert len(increments) == 3

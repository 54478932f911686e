"""Fixtures for the orders service tests: the app, a customer, orders at each stage."""

import pytest

from tests.helpers import auth

CRITERIA = [{"text": "Presses 40 t"}, {"text": "Cycle under 12 s"}]


def requirement_body(**overrides):
    return {
        "title": "Pressing force",
        "kind": "core",
        "source": "interview",
        "priority": "must",
        "estimate_days": 5,
        "acceptance_criteria": CRITERIA,
        **overrides,
    }


@pytest.fixture
def app(make_app):
    return make_app("orders")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def customer(client):
    body = {"name": "Acme Tooling", "email": "buyer@acme.example", "contact_name": "Ada"}
    response = client.post("/customers", json=body, headers=auth("sales"))
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def flow(client, customer):
    return OrderFlow(client, customer["id"])


class OrderFlow:
    """Drives an order through the review the way a sales person and a manager would."""

    def __init__(self, client, customer_id):
        self.client = client
        self.customer_id = customer_id

    def draft(self, **overrides):
        body = {
            "customer_id": self.customer_id,
            "title": "Hydraulic press",
            "priority": "high",
            "due_date": "2027-03-01",
            "value": {"amount": "120000.00", "currency": "EUR"},
            **overrides,
        }
        response = self.client.post("/orders", json=body, headers=auth("sales"))
        assert response.status_code == 201, response.json
        return response.json

    def add_requirement(self, order_id, **overrides):
        response = self.client.post(
            f"/orders/{order_id}/requirements",
            json=requirement_body(**overrides),
            headers=auth("sales"),
        )
        assert response.status_code == 201, response.json
        return response.json

    def post(self, path, body=None, role="manager", **headers):
        return self.client.post(path, json=body or {}, headers={**auth(role), **headers})

    def submitted(self, requirements=1):
        order = self.draft()
        for n in range(requirements):
            self.add_requirement(order["id"], title=f"Requirement {n + 1}")
        response = self.post(f"/orders/{order['id']}/submit", role="sales")
        assert response.status_code == 200, response.json
        return response.json

    def approve_all(self, order_id, role="manager"):
        requirements = self.client.get(
            f"/orders/{order_id}/requirements", headers=auth("sales")
        ).json
        decisions = [
            {"requirement_id": r["id"], "decision": "approved", "comment": "Clear"}
            for r in requirements
        ]
        response = self.post(f"/orders/{order_id}/reviews", {"decisions": decisions}, role)
        assert response.status_code == 201, response.json
        self.customer_agrees(order_id, requirements)

    def customer_agrees(self, order_id, requirements=None):
        """The customer's side of the review: it agrees to every requirement."""
        requirements = (
            requirements
            or self.client.get(f"/orders/{order_id}/requirements", headers=auth("sales")).json
        )
        decisions = [{"requirement_id": r["id"], "decision": "approved"} for r in requirements]
        response = self.client.post(
            f"/orders/{order_id}/customer-review",
            json={"decisions": decisions},
            headers=auth("customer", self.customer_id),
        )
        assert response.status_code == 201, response.json

    def confirmed(self, requirements=1):
        order = self.submitted(requirements)
        self.approve_all(order["id"])
        response = self.post(f"/orders/{order['id']}/approve")
        assert response.status_code == 200, response.json
        return response.json

    def order(self, order_id):
        return self.client.get(f"/orders/{order_id}", headers=auth("manager")).json

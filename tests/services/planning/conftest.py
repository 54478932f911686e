"""Fixtures for the planning service tests: the app and plans built from order events."""

import uuid
from datetime import date

import pytest

from tests.helpers import auth, deliver, published

CONFIRMED_AT = "2027-01-04T09:00:00.000Z"  # a Monday


def requirement(title="Pressing force", estimate_days=5, criteria=("Presses 40 t",)):
    return {
        "requirement_id": str(uuid.uuid4()),
        "title": title,
        "kind": "core",
        "priority": "must",
        "estimate_days": estimate_days,
        "revision": 1,
        "acceptance_criteria": [
            {"criterion_id": str(uuid.uuid4()), "text": text, "position": n}
            for n, text in enumerate(criteria, 1)
        ],
    }


def confirmed(requirements, order_id=None):
    return {
        "order_id": order_id or str(uuid.uuid4()),
        "version": 3,
        "number": "ORD-2027-0001",
        "customer_id": str(uuid.uuid4()),
        "title": "Hydraulic press",
        "priority": "high",
        "due_date": "2027-03-01",
        "value": {"amount": "120000.00", "currency": "EUR"},
        "confirmed_at": CONFIRMED_AT,
        "requirements": requirements,
    }


#: "Today" for the planning views in these tests: the plans start early in January 2027 and
#: progress is reported as of days in that month (a status date may not lie beyond today + 1).
TODAY = date(2027, 2, 1)


@pytest.fixture(autouse=True)
def planning_today(monkeypatch):
    monkeypatch.setattr("services.planning.api.support.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def app(make_app):
    return make_app("planning")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def planning(app, client):
    return Planning(app, client)


class Planning:
    """Drives the planning service the way the order events and a planner would."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def confirm(self, requirements=None, order_id=None):
        """Deliver order.confirmed; returns (event data, plan)."""
        data = confirmed(requirements if requirements is not None else [requirement()], order_id)
        assert deliver(self.app, "ordo.order.confirmed", data) == "processed"
        return data, self.plan_of(data["order_id"])

    def plan_of(self, order_id):
        response = self.client.get(f"/plans?order_id={order_id}", headers=auth("engineer"))
        [plan] = response.json["items"]
        return plan

    def plan(self, plan_id):
        return self.get(f"/plans/{plan_id}").json

    def get(self, path, role="engineer"):
        return self.client.get(path, headers=auth(role))

    def post(self, path, body=None, role="planner", **headers):
        return self.client.post(path, json=body or {}, headers={**auth(role), **headers})

    def patch(self, path, body, version=None, role="planner"):
        headers = {**auth(role), "If-Match": f'"{version}"' if version else "*"}
        return self.client.patch(path, json=body, headers=headers)

    def tasks(self, plan_id):
        return self.get(f"/plans/{plan_id}/tasks").json["items"]

    def task(self, plan_id, name):
        [task] = [task for task in self.tasks(plan_id) if task["name"] == name]
        return task

    def activate(self, plan_id, **body):
        response = self.post(f"/plans/{plan_id}/activate", body)
        assert response.status_code == 200, response.json
        return response.json

    def add_task(self, plan_id, **body):
        response = self.post(f"/plans/{plan_id}/tasks", {"duration": 2, **body})
        assert response.status_code == 201, response.json
        return response.json

    def link(self, plan_id, before, after, **body):
        return self.post(
            f"/plans/{plan_id}/dependencies",
            {"predecessor_id": before, "successor_id": after, **body},
        )

    def progress(self, task_id, percent, role="engineer", **body):
        return self.post(
            f"/tasks/{task_id}/progress", {"percent_complete": percent, **body}, role=role
        )

    def finish_all(self, plan_id, on: date, names=None):
        for task in self.tasks(plan_id):
            if task["summary"] or task["milestone"] or task["percent_complete"] >= 100:
                continue
            if names is None or task["name"] in names:
                response = self.progress(task["id"], 100, as_of=on.isoformat())
                assert response.status_code == 200, response.json

    def events(self, type):
        return published(self.app, type)

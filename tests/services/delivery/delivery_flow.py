"""Drives the delivery app in service tests: a confirmed order, passed deliverables, packages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tests.helpers import auth, deliver, link_in, mailed, published

CUSTOMER = uuid.UUID("00000000-0000-4000-8000-0000000000c1")
OTHER_CUSTOMER = uuid.UUID("00000000-0000-4000-8000-0000000000c2")
QUALITY = auth("quality")
LOGISTICS = auth("logistics")


def requirement(title: str, *criteria: str, revision: int = 1) -> dict:
    return {
        "requirement_id": str(uuid.uuid4()),
        "title": title,
        "description": f"{title}, as agreed",
        "kind": "core",
        "priority": "must",
        "estimate_days": 3,
        "revision": revision,
        "acceptance_criteria": [
            {"criterion_id": str(uuid.uuid4()), "text": text, "position": position}
            for position, text in enumerate(criteria, start=1)
        ],
    }


def confirmed_order(customer_id=CUSTOMER, requirements=None, **customer) -> dict:
    return {
        "order_id": str(uuid.uuid4()),
        "version": 3,
        "number": "ORD-2026-00042",
        "customer_id": str(customer_id),
        "customer_name": "Analytical Engines Ltd",
        "customer_email": "ada@engines.example",
        "contact_name": "Ada Lovelace",
        "customer_locale": "en",
        "customer_version": 1,
        **customer,
        "title": "Warehouse dashboard",
        "priority": "normal",
        "due_date": "2026-12-20",
        "value": {"amount": "12000.00", "currency": "EUR"},
        "confirmed_at": datetime(2026, 11, 26, 9, 0, tzinfo=UTC).isoformat(),
        "requirements": requirements
        if requirements is not None
        else [
            requirement("CSV export", "Exports every order as CSV", "Opens in a spreadsheet"),
            requirement("Fast search", "Finds an order in under 2 s"),
        ],
    }


class Flow:
    """Drives the delivery app through the steps most tests need."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def confirm(
        self, customer_id=CUSTOMER, requirements=None, plan_completed=True, **customer
    ) -> dict:
        order = confirmed_order(customer_id, requirements, **customer)
        assert deliver(self.app, "ordo.order.confirmed", order) == "processed"
        if plan_completed:
            self.complete_plan(order["order_id"])
        return order

    def complete_plan(self, order_id) -> None:
        data = {
            "order_id": order_id,
            "plan_id": str(uuid.uuid4()),
            "version": 4,
            "completed_on": "2026-12-10",
        }
        assert deliver(self.app, "ordo.plan.completed", data) == "processed"

    def deliverables(self, order_id, headers=None) -> list[dict]:
        response = self.client.get(f"/deliverables?order_id={order_id}", headers=headers or QUALITY)
        assert response.status_code == 200, response.json
        return response.json["items"]

    def inspect(self, deliverable, result="pass", standards=(), **extra):
        body = {
            "criteria": [
                {"criterion_id": c["criterion_id"], "result": result, "comment": ""}
                for c in deliverable["criteria"]
                if not c["withdrawn"]
            ],
            "standards": list(standards),
            **extra,
        }
        return self.client.post(
            f"/deliverables/{deliverable['id']}/quality-checks", json=body, headers=QUALITY
        )

    def passed_order(self, **kwargs) -> tuple[dict, list[dict]]:
        order = self.confirm(**kwargs)
        deliverables = self.deliverables(order["order_id"])
        for deliverable in deliverables:
            assert self.inspect(deliverable).status_code == 201
        return order, self.deliverables(order["order_id"])

    def package(self, order, deliverables, documents=()) -> dict:
        response = self.client.post(
            "/deliveries",
            json={
                "order_id": order["order_id"],
                "deliverable_ids": [d["id"] for d in deliverables],
                "document_ids": list(documents),
            },
            headers=LOGISTICS,
        )
        assert response.status_code == 201, response.json
        return response.json

    def submitted(self, **kwargs) -> tuple[dict, str]:
        """A submitted package of a fresh order and the token of its acceptance link."""
        order, deliverables = self.passed_order(**kwargs)
        delivery = self.package(order, deliverables)
        response = self.client.post(f"/deliveries/{delivery['id']}/submit", headers=LOGISTICS)
        assert response.status_code == 200, response.json
        return response.json, self.mailed_token()

    def mailed_token(self) -> str:
        """The token of the newest acceptance link, taken from the mail the customer got."""
        mail = mailed(self.app, "acceptance_request")[-1]
        return link_in(mail.text_body).split("?")[0].rsplit("/", 1)[1]

    def answers(self, delivery, not_met=()) -> list[dict]:
        return [
            {
                "criterion_id": c["criterion_id"],
                "met": c["criterion_id"] not in not_met,
                "comment": "checked on site",
            }
            for d in delivery["deliverables"]
            for c in d["criteria"]
        ]

    def decision(self, delivery, decision="accepted", not_met=(), **extra) -> dict:
        return {
            "decision": decision,
            "answers": self.answers(delivery, not_met),
            "signer_name": "Ada Lovelace",
            "signer_title": "Head of Operations",
            "organisation": "Analytical Engines Ltd",
            **extra,
        }

    def outbox_count(self) -> int:
        return len(published(self.app))

"""Scripted events for the feedback service tests: an order's life as the other services tell it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.helpers import deliver, event

NOW = datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def send(app, type: str, data: dict, at: datetime | None = None, **overrides) -> str:
    """Deliver one event, as if it happened `at` (default: now)."""
    if at is not None:
        overrides["time"] = stamp(at)
    return deliver(app, event(type, data, **overrides))


def register_customer(app, name="Acme GmbH", email="buyer@acme.example", version=1, locale="en"):
    customer_id = uuid.uuid4()
    send(
        app,
        "ordo.customer.registered",
        {
            "customer_id": customer_id,
            "name": name,
            "email": email,
            "contact_name": "Dana Buyer",
            "locale": locale,
            "version": version,
        },
    )
    return customer_id


def create_order(app, customer_id, number="ORD-2026-00001", due_date=None, at=None):
    order_id = uuid.uuid4()
    send(
        app,
        "ordo.order.created",
        {
            "order_id": order_id,
            "version": 1,
            "number": number,
            "customer_id": customer_id,
            "title": "Conveyor retrofit",
            "priority": "normal",
            "due_date": due_date,
        },
        at,
    )
    return order_id


def confirmed(order_id, customer_id, number="ORD-2026-00001", due_date=None, requirements=()):
    return {
        "order_id": order_id,
        "version": 3,
        "number": number,
        "customer_id": customer_id,
        "title": "Conveyor retrofit",
        "priority": "normal",
        "due_date": due_date,
        "confirmed_at": NOW,
        "requirements": list(requirements),
    }


def delivery(order_id, package_version=1):
    return {
        "order_id": order_id,
        "version": package_version,
        "delivery_id": uuid.uuid5(uuid.NAMESPACE_URL, str(order_id)),
        "package_version": package_version,
    }


def submitted(order_id, package_version=1):
    return {
        **delivery(order_id, package_version),
        "link_sent_to": "buyer@acme.example",
        "link_expires_at": NOW + timedelta(days=14),
        "deliverables": [],
    }


def accepted(order_id, package_version=1):
    return {
        **delivery(order_id, package_version),
        "decision": "accepted",
        "results": [],
        "signed_by": "Dana Buyer",
        "signed_at": NOW,
    }


def rejected(order_id, package_version=1):
    return {**delivery(order_id, package_version), "results": [], "reasons": ["Belt too slow"]}


def accept_order(app, customer_id, number="ORD-2026-00001"):
    """An order created, confirmed and accepted: its survey and retrospective open."""
    order_id = create_order(app, customer_id, number)
    send(app, "ordo.order.confirmed", confirmed(order_id, customer_id, number))
    send(app, "ordo.delivery.accepted", accepted(order_id))
    return order_id

"""Creating orders on real PostgreSQL: numbers under concurrent creates, from the first of a
year on; one INSERT … SELECT that checks the customer and writes the order, in one transaction
with its timeline entry and its event."""

import re
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from services.orders.app import create_app
from shared.numbering import next_in_sequence
from tests.helpers import SECRETS, auth
from tests.integration.conftest import create_schema

CLIENTS = 16
CREATES_EACH = 4


@pytest.fixture
def orders_app(backend):
    if not backend.real:
        pytest.skip("SQLite lets one writer at a time in; the race needs PostgreSQL")
    from services.orders.models import Base

    url = create_schema(backend, "orders", Base.metadata)
    app = create_app({"database_url": url, "broker_url": backend.broker_url, **SECRETS})
    yield app
    app.extensions["ordo"].db.dispose()


def test_sixteen_clients_creating_at_once_from_the_first_order_of_a_year_all_get_numbers(
    orders_app,
):
    customer = (
        orders_app.test_client()
        .post("/customers", json={"name": "Acme"}, headers=auth("sales"))
        .json
    )
    start = threading.Barrier(CLIENTS, timeout=10)
    answers = []

    def create_orders():
        client = orders_app.test_client()
        start.wait()  # the year's counter does not exist yet: every first create races for it
        for _ in range(CREATES_EACH):
            response = client.post(
                "/orders",
                json={"customer_id": customer["id"], "title": "Line"},
                headers=auth("sales"),
            )
            answers.append((response.status_code, response.json.get("number")))

    clients = [threading.Thread(target=create_orders) for _ in range(CLIENTS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    assert [status for status, _ in answers] == [201] * CLIENTS * CREATES_EACH
    numbers = sorted(int(re.fullmatch(r"ORD-\d{4}-(\d{5})", n).group(1)) for _, n in answers)
    assert numbers == list(range(1, CLIENTS * CREATES_EACH + 1))


def test_a_create_does_not_wait_for_another_create_still_in_its_transaction(orders_app):
    client = orders_app.test_client()
    customer = client.post("/customers", json={"name": "Acme"}, headers=auth("sales")).json
    db = orders_app.extensions["ordo"].db
    with db.transaction() as session:  # a create that took its number and has not committed
        year = datetime.now(UTC).year
        held = next_in_sequence(session, f"order_number:{year}")
        began = time.monotonic()
        response = client.post(
            "/orders", json={"customer_id": customer["id"], "title": "Line"}, headers=auth("sales")
        )
        waited = time.monotonic() - began
    assert response.status_code == 201 and waited < 1.0
    assert response.json["number"] == f"ORD-{year}-{held + 1:05d}"


def rows(app) -> dict[str, int]:
    with app.extensions["ordo"].db.transaction() as session:
        return {
            table: session.scalar(sa.text(f"SELECT count(*) FROM {table}"))
            for table in ("orders", "outbox", "timeline_entries")
        }


def test_an_order_with_every_field_reads_back_as_it_was_created_with_its_event(orders_app):
    client = orders_app.test_client()
    customer = client.post("/customers", json={"name": "Acme"}, headers=auth("sales")).json
    body = {
        "customer_id": customer["id"],
        "title": "Press line",
        "description": "Two presses",
        "priority": "high",
        "due_date": "2027-01-31",
        "value": {"amount": "1234.50", "currency": "USD"},
        "packages_per_increment": True,
        "pulse_surveys": True,
    }
    created = client.post("/orders", json=body, headers=auth("sales"))
    assert created.status_code == 201, created.json
    read = client.get(f"/orders/{created.json['id']}", headers=auth("sales"))
    assert read.json == created.json and read.headers["ETag"] == created.headers["ETag"]
    assert created.json["value"] == {"amount": "1234.50", "currency": "USD"}
    [entry] = client.get(f"/orders/{created.json['id']}/timeline", headers=auth("sales")).json
    assert entry["type"] == "ordo.order.created"
    assert entry["data"]["number"] == created.json["number"]
    updated = client.patch(
        f"/orders/{created.json['id']}",
        json={"title": "Press line 2"},
        headers={**auth("sales"), "If-Match": created.headers["ETag"]},
    )
    assert updated.status_code == 200 and updated.json["version"] == 2


def test_an_order_for_an_unknown_customer_is_422_and_writes_nothing(orders_app):
    client = orders_app.test_client()
    before = rows(orders_app)
    body = {"customer_id": str(uuid.uuid4()), "title": "Press"}
    response = client.post("/orders", json=body, headers=auth("sales"))
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json["errors"] == {"customer_id": ["Unknown."]}
    assert rows(orders_app) == before

"""Order numbers under concurrent creates, from the first of a year on (real PostgreSQL)."""

import re
import threading
import time
from datetime import UTC, datetime

import pytest

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

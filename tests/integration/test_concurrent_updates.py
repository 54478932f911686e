"""Two updates of one order at the same moment: one wins, the other is told to read again."""

import threading

import pytest

from services.orders.app import create_app
from shared.usecases import IfMatch
from tests.helpers import SECRETS, auth
from tests.integration.conftest import create_schema


def test_the_second_of_two_simultaneous_updates_is_a_409_problem(backend, monkeypatch):
    if not backend.real:
        pytest.skip("SQLite lets one writer at a time in; the race needs PostgreSQL")
    from services.orders.models import Base

    url = create_schema(backend, "orders", Base.metadata)
    app = create_app({"database_url": url, "broker_url": backend.broker_url, **SECRETS})
    client = app.test_client()
    customer = client.post("/customers", json={"name": "Acme"}, headers=auth("sales")).json
    order = client.post(
        "/orders", json={"customer_id": customer["id"], "title": "Line"}, headers=auth("sales")
    ).json
    both_read = threading.Barrier(2, timeout=10)
    checked = IfMatch.check

    def check_once_both_have_read(if_match, version):
        both_read.wait()  # each request has read version 1 and passes its If-Match
        checked(if_match, version)

    monkeypatch.setattr(IfMatch, "check", check_once_both_have_read)
    answers = []

    def update(title):
        response = app.test_client().patch(
            f"/orders/{order['id']}",
            json={"title": title},
            headers={**auth("sales"), "If-Match": f'"{order["version"]}"'},
        )
        answers.append((response.status_code, response.content_type, response.json))

    updates = [threading.Thread(target=update, args=(title,)) for title in ("One", "Two")]
    for thread in updates:
        thread.start()
    for thread in updates:
        thread.join()
    assert sorted(status for status, _, _ in answers) == [200, 409]
    [(_, content_type, refused)] = [answer for answer in answers if answer[0] == 409]
    assert content_type == "application/problem+json" and "retry" in refused["detail"]
    [(_, _, winner)] = [answer for answer in answers if answer[0] == 200]
    stored = client.get(f"/orders/{order['id']}", headers=auth("sales")).json
    assert (stored["title"], stored["version"]) == (winner["title"], order["version"] + 1)
    app.extensions["ordo"].db.dispose()

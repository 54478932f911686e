"""A customer's language and contact travel to the services that write to the customer."""

import pytest

from tests.helpers import auth, problem, published
from tests.services.orders.conftest import OrderFlow


def test_a_customer_is_written_to_in_english_unless_it_asks_for_chinese(client, app):
    english = client.post("/customers", json={"name": "Acme"}, headers=auth("sales"))
    chinese = client.post(
        "/customers",
        json={"name": "上海精密", "email": "li@precision.example", "locale": "zh-CN"},
        headers=auth("sales"),
    )

    assert (english.json["locale"], chinese.json["locale"]) == ("en", "zh-CN")
    registered = {e.data["name"]: e.data for e in published(app, "ordo.customer.registered")}
    assert registered["上海精密"]["locale"] == "zh-CN"


@pytest.mark.parametrize("locale", ["fr", "zh", "", None, 7])
def test_a_language_ordo_does_not_write_is_refused_and_nothing_written(client, app, locale):
    response = client.post(
        "/customers", json={"name": "Acme", "locale": locale}, headers=auth("sales")
    )

    assert response.status_code == 422
    assert "locale" in problem(response)["errors"]
    assert published(app, "ordo.customer.registered") == []


def test_a_changed_contact_is_announced_and_the_next_confirmation_carries_it(client, app, customer):
    url = f"/customers/{customer['id']}"
    changed = client.patch(
        url,
        json={"email": "procurement@acme.example", "contact_name": "Bo", "locale": "zh-CN"},
        headers={**auth("sales"), "If-Match": '"1"'},
    )
    refused = client.patch(url, json={"locale": "de"}, headers={**auth("sales"), "If-Match": '"2"'})
    order = OrderFlow(client, customer["id"]).confirmed()

    assert changed.status_code == 200 and refused.status_code == 422
    [updated] = published(app, "ordo.customer.updated")
    assert updated.subject == customer["id"]
    assert (updated.data["email"], updated.data["locale"], updated.data["version"]) == (
        "procurement@acme.example",
        "zh-CN",
        2,
    )
    [confirmed] = published(app, "ordo.order.confirmed")
    assert confirmed.subject == order["id"]
    assert {
        key: confirmed.data[key]
        for key in ("customer_email", "contact_name", "customer_locale", "customer_version")
    } == {
        "customer_email": "procurement@acme.example",
        "contact_name": "Bo",
        "customer_locale": "zh-CN",
        "customer_version": 2,
    }

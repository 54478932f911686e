"""Orders and customers over HTTP: numbers, filters, updates, access, bad input."""

import re
import uuid

import pytest

from tests.helpers import auth, problem, published


def test_orders_get_readable_unique_numbers_and_publish_order_created(app, flow):
    first, second = flow.draft(), flow.draft()
    assert re.fullmatch(r"ORD-\d{4}-00001", first["number"])
    assert second["number"].endswith("00002")
    created = published(app, "ordo.order.created")
    assert [e.data["number"] for e in created] == [first["number"], second["number"]]
    assert created[0].data["value"] == {"amount": "120000.00", "currency": "EUR"}
    assert first["allowed_actions"] == ["cancel", "edit_requirements", "submit", "update"]


def test_orders_are_listed_by_status_customer_priority_due_date_and_text(flow, client):
    flow.draft(title="Hydraulic press", priority="high", due_date="2027-01-10")
    flow.draft(title="Laser cutter", priority="low", due_date="2027-06-01")
    submitted = flow.submitted()

    def numbers(query):
        response = client.get(f"/orders?{query}", headers=auth("planner"))
        assert response.status_code == 200, response.json
        return sorted(o["title"] for o in response.json["items"])

    assert numbers("status=submitted") == [submitted["title"]]
    assert numbers("priority=low") == ["Laser cutter"]
    assert numbers("due_before=2027-02-01") == ["Hydraulic press"]
    assert numbers("due_after=2027-05-01") == ["Laser cutter"]
    assert numbers("q=LASER") == ["Laser cutter"]
    assert numbers(f"customer_id={uuid.uuid4()}") == []
    assert numbers("page_size=1&q=press") == ["Hydraulic press"]


@pytest.mark.parametrize(
    "query",
    [
        "status=sleeping",
        "priority=critical",
        "due_before=tomorrow",
        "customer_id=7",
        "due_before=9999-12-31",
        "due_after=0001-01-01",
    ],
)
def test_unknown_filter_values_are_422(client, query):
    assert problem(client.get(f"/orders?{query}", headers=auth("sales")))["status"] == 422


def test_an_order_is_updated_with_if_match_while_draft_or_submitted(flow, client):
    order = flow.submitted()
    response = client.patch(
        f"/orders/{order['id']}",
        json={"priority": "urgent", "value": {"amount": "99.50", "currency": "USD"}},
        headers={**auth("sales"), "If-Match": f'"{order["version"]}"'},
    )
    assert response.status_code == 200, response.json
    assert response.json["value"] == {"amount": "99.50", "currency": "USD"}
    assert response.headers["ETag"] == f'"{order["version"] + 1}"'
    stale = client.patch(
        f"/orders/{order['id']}",
        json={"title": "x"},
        headers={**auth("sales"), "If-Match": f'"{order["version"]}"'},
    )
    assert stale.status_code == 412
    weak = client.patch(
        f"/orders/{order['id']}",
        json={"title": "x"},
        headers={**auth("sales"), "If-Match": f'W/"{order["version"] + 1}"'},
    )
    assert weak.status_code == 412  # If-Match compares strongly: a weak tag never matches


def test_a_confirmed_order_cannot_be_edited(flow, client):
    order = flow.confirmed()
    response = client.patch(
        f"/orders/{order['id']}",
        json={"title": "Other"},
        headers={**auth("manager"), "If-Match": f'"{order["version"]}"'},
    )
    assert response.status_code == 409
    body = problem(response)
    assert body["current_status"] == "confirmed"
    assert "request_change" in body["allowed_actions"]
    assert flow.order(order["id"])["title"] == "Hydraulic press"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": {"amount": "-1.00", "currency": "EUR"}}, "value"),
        ({"value": {"amount": "1.00", "currency": "euro"}}, "value"),
        ({"value": {"amount": "1000000000000.00", "currency": "EUR"}}, "value"),
        ({"due_date": "9999-12-31"}, "due_date"),
        ({"due_date": "1899-12-31"}, "due_date"),
        ({"priority": "asap"}, "priority"),
        ({"customer_id": "not-an-id"}, "customer_id"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_orders_are_422_and_write_nothing(app, client, customer, body, field):
    request = {"customer_id": customer["id"], "title": "Press", **body}
    response = client.post("/orders", json=request, headers=auth("sales"))
    assert response.status_code == 422
    assert field in problem(response)["errors"]
    assert client.get("/orders", headers=auth("sales")).json["total"] == 0
    assert published(app, "ordo.order.created") == []


def test_an_update_beyond_the_value_or_date_range_is_422_and_writes_nothing(flow, client):
    order = flow.draft()
    for body in (
        {"value": {"amount": "1000000000000.00", "currency": "EUR"}},
        {"due_date": "9999-12-31"},
    ):
        response = client.patch(
            f"/orders/{order['id']}",
            json=body,
            headers={**auth("sales"), "If-Match": f'"{order["version"]}"'},
        )
        assert response.status_code == 422
        assert set(problem(response)["errors"]) == set(body)
    after = flow.order(order["id"])
    assert (after["version"], after["due_date"]) == (order["version"], "2027-03-01")
    top = client.patch(
        f"/orders/{order['id']}",
        json={"value": {"amount": "999999999999.99", "currency": "EUR"}, "due_date": "2999-12-31"},
        headers={**auth("sales"), "If-Match": f'"{order["version"]}"'},
    )
    assert top.status_code == 200, top.json
    assert top.json["value"]["amount"] == "999999999999.99"


def test_an_order_for_an_unknown_customer_is_422(client):
    body = {"customer_id": str(uuid.uuid4()), "title": "Press"}
    assert client.post("/orders", json=body, headers=auth("sales")).status_code == 422


def test_customers_are_updated_with_if_match_and_found_by_search(client, customer):
    path = f"/customers/{customer['id']}"
    response = client.patch(
        path, json={"phone": "+49 30 1234"}, headers={**auth("sales"), "If-Match": '"1"'}
    )
    assert response.status_code == 200 and response.json["phone"] == "+49 30 1234"
    client.post("/customers", json={"name": "Bolt & Nut"}, headers=auth("sales"))
    found = client.get("/customers?q=acme", headers=auth("planner")).json
    assert [c["name"] for c in found["items"]] == ["Acme Tooling"]
    assert client.get("/customers", headers=auth("manager")).json["total"] == 2


def test_a_registered_customer_is_published(app, customer):
    [event] = published(app, "ordo.customer.registered")
    assert event.subject == customer["id"]
    assert event.data["email"] == "buyer@acme.example"


def test_a_customer_reads_its_own_orders_and_nothing_else(flow, client, customer):
    mine = flow.submitted()
    other = client.post("/customers", json={"name": "Rival"}, headers=auth("sales")).json
    theirs = flow.client.post(
        "/orders", json={"customer_id": other["id"], "title": "Secret"}, headers=auth("sales")
    ).json
    me = auth("customer", customer_id=customer["id"])
    assert [o["id"] for o in client.get("/orders", headers=me).json["items"]] == [mine["id"]]
    for path in ("", "/requirements", "/timeline", "/traceability"):
        assert client.get(f"/orders/{mine['id']}{path}", headers=me).status_code == 200
        assert client.get(f"/orders/{theirs['id']}{path}", headers=me).status_code == 403
    for path in ("/reviews", "/change-requests"):
        assert client.get(f"/orders/{mine['id']}{path}", headers=me).status_code == 403
    assert client.get(f"/customers/{customer['id']}", headers=me).status_code == 403
    assert client.get("/customers", headers=me).status_code == 403


def test_a_customer_writes_nothing(flow, client, customer):
    order = flow.draft()
    me = auth("customer", customer_id=customer["id"])
    attempts = [
        client.post("/orders", json={"customer_id": customer["id"], "title": "x"}, headers=me),
        client.patch(f"/orders/{order['id']}", json={"title": "x"}, headers=me),
        client.post(f"/orders/{order['id']}/requirements", json={}, headers=me),
        client.post(f"/orders/{order['id']}/submit", headers=me),
        client.post(f"/orders/{order['id']}/cancel", json={"reason": "x"}, headers=me),
        client.post("/customers", json={"name": "x"}, headers=me),
    ]
    assert {response.status_code for response in attempts} == {403}

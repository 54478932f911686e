"""Lists by cursor beside page numbers: the same rows in the same order, a cursor bound to its
filter and order, totals counted only up to a bound unless asked for."""

from shared.db import utcnow
from shared.http import pages
from tests.helpers import auth

SALES = auth("sales")


def create_orders(client, customer, count, **body):
    for n in range(count):
        data = {"customer_id": customer["id"], "title": f"Line {n}", **body}
        assert client.post("/orders", json=data, headers=SALES).status_code == 201


def follow(client, path):
    numbers, url = [], path
    while url:
        body = client.get(url, headers=SALES).json
        numbers += [order["number"] for order in body["items"]]
        url = f"{path}&cursor={body['next_cursor']}" if "next_cursor" in body else None
    return numbers


def test_following_the_cursor_gives_the_rows_the_page_numbers_give(client, customer):
    create_orders(client, customer, 7)
    by_page = [
        order["number"]
        for page in (1, 2, 3)
        for order in client.get(f"/orders?page_size=3&page={page}", headers=SALES).json["items"]
    ]
    assert follow(client, "/orders?page_size=3") == by_page
    assert len(set(by_page)) == 7


def test_a_cursor_keeps_to_its_filter(client, customer):
    create_orders(client, customer, 4, priority="high")
    create_orders(client, customer, 3)
    assert len(follow(client, "/orders?page_size=2&priority=high")) == 4


def test_a_cursor_of_another_filter_or_altered_is_a_400_problem(client, customer):
    create_orders(client, customer, 3)
    cursor = client.get("/orders?page_size=2", headers=SALES).json["next_cursor"]
    for path in (
        f"/orders?page_size=2&priority=high&cursor={cursor}",
        f"/orders?page_size=2&cursor={cursor[:-3]}abc",
        "/orders?page_size=2&cursor=not-a-cursor",
    ):
        response = client.get(path, headers=SALES)
        assert response.status_code == 400, path
        assert response.content_type == "application/problem+json"
        assert "cursor" in response.json["errors"]


def test_totals_are_counted_up_to_a_bound_and_exactly_when_asked(client, customer, monkeypatch):
    create_orders(client, customer, 5)
    first = client.get("/orders?page_size=2", headers=SALES).json
    assert (first["total"], first["pages"], first["total_exact"]) == (5, 3, True)
    monkeypatch.setattr(pages, "ESTIMATE_ABOVE", 3)
    beyond = client.get("/orders?page_size=2", headers=SALES).json
    assert beyond["total_exact"] is False and "total" not in beyond
    exact = client.get("/orders?page_size=2&total=exact", headers=SALES).json
    assert (exact["total"], exact["total_exact"]) == (5, True)
    last = client.get("/orders?page_size=2&page=3", headers=SALES).json
    assert (last["total"], last["total_exact"]) == (5, True)


def test_a_list_of_rows_pages_by_cursor_too(app, client):
    inbox = app.extensions["ordo"].db.tables.inbox
    with app.extensions["ordo"].db.transaction() as session:
        for n in range(3):
            row = {"id": f"event-{n}", "status": "dead", "attempts": 1, "body": b"{}"}
            session.execute(inbox.insert().values(**row, received_at=utcnow()))
    admin = auth("admin")
    first = client.get("/admin/inbox?page_size=2", headers=admin).json
    rest = client.get(f"/admin/inbox?page_size=2&cursor={first['next_cursor']}", headers=admin)
    ids = [row["id"] for row in first["items"] + rest.json["items"]]
    assert sorted(ids) == ["event-0", "event-1", "event-2"]

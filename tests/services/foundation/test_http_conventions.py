"""The HTTP conventions every service shares, driven through the orders and planning apps."""

import time
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import jwt
import pytest

from shared.http import auth as auth_module
from tests.helpers import JWT_SECRET, auth, problem, published


@pytest.fixture
def orders(make_app):
    return make_app("orders").test_client()


@pytest.fixture
def customer_id(orders):
    response = orders.post("/customers", json={"name": "Acme Tooling"}, headers=auth("sales"))
    assert response.status_code == 201
    return response.json["id"]


def new_order(orders, customer_id, **extra):
    body = {"customer_id": customer_id, "title": "Hydraulic press", **extra}
    return orders.post("/orders", json=body, headers={**auth("sales"), **extra.pop("headers", {})})


def test_a_request_without_a_token_is_401_problem_json(orders):
    response = orders.get("/orders")
    assert response.status_code == 401
    assert problem(response)["title"] == "Unauthorized"


WRONG_SECRET = "a-wrong-secret-that-is-long-enough-for-hs256"
LATER = 9999999999
MALFORMED = "The bearer token is malformed."


@pytest.mark.parametrize(
    ("token", "detail"),
    [
        ("not-a-jwt", MALFORMED),
        ("t7e3.e30.c2ln", MALFORMED),  # its header decodes to bytes that are not UTF-8
        ("eyJ\xb7\xb7.e30.c2ln", MALFORMED),  # bytes that are not even base64
        (
            jwt.encode({"sub": "x", "roles": ["admin"], "exp": LATER}, WRONG_SECRET),
            "The bearer token's signature does not match.",
        ),
        (
            jwt.encode(
                {"sub": "x", "roles": ["admin"], "exp": datetime.now(UTC) - timedelta(minutes=1)},
                JWT_SECRET,
            ),
            "The bearer token has expired.",
        ),
        (
            jwt.encode({"sub": "x", "roles": ["admin"], "exp": LATER, "nbf": LATER}, JWT_SECRET),
            "The bearer token is not valid yet.",
        ),
        (
            jwt.encode({"sub": "x", "roles": ["admin"], "exp": LATER}, JWT_SECRET * 2, "HS512"),
            "The bearer token is signed with an algorithm not accepted here.",
        ),
        (
            jwt.encode({"roles": ["admin"], "exp": LATER}, JWT_SECRET),
            "The bearer token lacks the 'sub' claim.",
        ),
        (
            jwt.encode({"sub": "x", "roles": ["admin"]}, JWT_SECRET),
            "The bearer token lacks the 'exp' claim.",
        ),
        (
            jwt.encode({"sub": "x", "roles": "admin", "exp": LATER}, JWT_SECRET),
            "The bearer token's 'roles' claim must be a list of role names.",
        ),
        (
            jwt.encode(
                {"sub": "x", "roles": ["customer"], "customer_id": 123, "exp": LATER}, JWT_SECRET
            ),
            "The bearer token's 'customer_id' claim must be a UUID.",
        ),
        (
            jwt.encode({"sub": "x", "roles": ["customer"], "exp": LATER}, JWT_SECRET),
            "A customer's bearer token needs a 'customer_id' claim.",
        ),
        (
            jwt.encode({"sub": "s" * 201, "roles": ["admin"], "exp": LATER}, JWT_SECRET),
            "The bearer token's 'sub' claim must be printable text of at most 200 characters.",
        ),
        (
            jwt.encode({"sub": "a\u0000b", "roles": ["admin"], "exp": LATER}, JWT_SECRET),
            "The bearer token's 'sub' claim must be printable text of at most 200 characters.",
        ),
    ],
    ids=[
        "garbage",
        "header-not-utf8",
        "bytes-not-base64",
        "wrong-secret",
        "expired",
        "not-yet-valid",
        "other-algorithm",
        "no-sub",
        "no-exp",
        "roles-not-a-list",
        "customer-id-not-a-uuid",
        "customer-without-customer-id",
        "sub-too-long",
        "sub-not-printable",
    ],
)
def test_a_bad_token_is_401_saying_what_is_wrong_in_plain_words(orders, token, detail):
    response = orders.get("/orders", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert problem(response) == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": detail,
    }


def test_a_token_accepted_before_is_refused_once_it_has_expired(orders, monkeypatch):
    expires = int(time.time()) + 60
    token = jwt.encode({"sub": "x", "roles": ["admin"], "exp": expires}, JWT_SECRET)
    headers = {"Authorization": f"Bearer {token}"}
    assert orders.get("/orders", headers=headers).status_code == 200
    monkeypatch.setattr(auth_module, "time", SimpleNamespace(time=lambda: expires))
    response = orders.get("/orders", headers=headers)
    assert response.status_code == 401
    assert problem(response)["detail"] == "The bearer token has expired."


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Basic dXNlcjpwYXNz", "The Authorization header must be 'Bearer <token>'."),
        ("Bearer", "The Authorization header must be 'Bearer <token>'."),
        ("Token abc.def.ghi", "The Authorization header must be 'Bearer <token>'."),
        ("", "This needs an Authorization header: 'Bearer <token>'."),
    ],
    ids=["basic", "bearer-without-token", "other-scheme", "empty"],
)
def test_an_authorization_header_of_another_scheme_is_401_naming_the_right_one(
    orders, header, detail
):
    response = orders.get("/orders", headers={"Authorization": header})
    assert response.status_code == 401
    assert problem(response)["detail"] == detail


def test_a_wrong_role_is_403(orders, customer_id):
    response = orders.post(
        "/orders", json={"customer_id": customer_id, "title": "x"}, headers=auth("engineer")
    )
    assert response.status_code == 403
    assert "sales" in problem(response)["detail"]


def test_a_customer_cannot_read_another_customers_order(orders, customer_id):
    order = new_order(orders, customer_id).json
    own = orders.get(f"/orders/{order['id']}", headers=auth("customer", customer_id))
    other = orders.get(f"/orders/{order['id']}", headers=auth("customer", uuid.uuid4()))
    assert own.status_code == 200
    assert other.status_code == 403
    assert problem(other)["title"] == "Forbidden"


def test_a_bad_body_is_422_with_errors_per_field(orders):
    response = orders.post(
        "/orders", json={"customer_id": "nope", "priority": "extreme"}, headers=auth("sales")
    )
    assert response.status_code == 422
    errors = problem(response)["errors"]
    assert set(errors) == {"customer_id", "title", "priority"}


@pytest.mark.parametrize(
    "value",
    [
        {"amount": "-1", "currency": "EUR"},
        {"amount": "abc", "currency": "EUR"},
        {"amount": "10", "currency": "euro"},
        "100",
    ],
)
def test_bad_money_is_422(orders, customer_id, value):
    response = new_order(orders, customer_id, value=value)
    assert response.status_code == 422
    assert "value" in problem(response)["errors"]


def test_malformed_json_is_400(orders):
    response = orders.post(
        "/customers",
        data="{'name': ",
        headers={**auth("sales"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert problem(response)["errors"] == {"_json": ["Invalid JSON body."]}


def test_a_body_that_is_not_json_is_415(orders):
    response = orders.post(
        "/customers", data="name=Acme", headers={**auth("sales"), "Content-Type": "text/plain"}
    )
    assert response.status_code == 415


def test_an_oversized_body_is_413(make_app):
    client = make_app("orders", max_body_bytes=1000).test_client()
    response = client.post("/customers", json={"name": "x" * 2000}, headers=auth("sales"))
    assert response.status_code == 413
    assert problem(response)["status"] == 413


def test_unknown_routes_and_methods_are_problems(orders):
    assert problem(orders.get("/nowhere"))["status"] == 404
    not_allowed = orders.delete("/orders", headers=auth("admin"))
    assert problem(not_allowed)["status"] == 405
    assert "GET" in not_allowed.headers["Allow"]


def test_an_unknown_id_is_404(orders):
    response = orders.get(f"/orders/{uuid.uuid4()}", headers=auth("sales"))
    assert response.status_code == 404


def test_a_request_that_fails_after_writing_leaves_neither_rows_nor_events(tmp_path):
    from flask_smorest import Blueprint

    from services.orders import handlers
    from services.orders.models import Base, Customer
    from shared.events.outbox import record
    from shared.http.app import create_service_app
    from shared.http.requests import db_session

    failing = Blueprint("failing", __name__)

    @failing.route("/failing", methods=["POST"])
    def write_then_fail():
        session = db_session()
        customer = Customer(name="Half-written")
        session.add(customer)
        session.flush()
        record(session, "ordo.customer.registered", {"customer_id": customer.id, "name": "x"})
        raise RuntimeError("the disk is on fire")

    app = create_service_app(
        "orders",
        metadata=Base.metadata,
        blueprints=[failing],
        handle=handlers.handle,
        config={"database_url": f"sqlite:///{tmp_path}/o.db", "jwt_secret": JWT_SECRET},
        title="test",
    )
    app.extensions["ordo"].db.create_all()
    response = app.test_client().post("/failing", headers=auth("sales"))
    assert response.status_code == 500
    assert "disk" not in response.get_data(as_text=True)
    assert problem(response)["detail"] == "An unexpected error occurred."
    assert published(app) == []
    with app.extensions["ordo"].db.sessions() as session:
        assert session.query(Customer).count() == 0


def test_the_same_idempotency_key_creates_one_order_and_returns_the_same_response(
    orders, customer_id
):
    headers = {**auth("sales"), "Idempotency-Key": "order-from-crm-17"}
    body = {"customer_id": customer_id, "title": "Press"}
    first = orders.post("/orders", json=body, headers=headers)
    second = orders.post("/orders", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    assert orders.get("/orders", headers=auth("sales")).json["total"] == 1


def test_an_idempotency_key_reused_with_another_body_is_422(orders, customer_id):
    headers = {**auth("sales"), "Idempotency-Key": "k1"}
    orders.post("/orders", json={"customer_id": customer_id, "title": "A"}, headers=headers)
    response = orders.post(
        "/orders", json={"customer_id": customer_id, "title": "B"}, headers=headers
    )
    assert response.status_code == 422


def test_the_correlation_id_of_a_request_is_carried_into_its_events(make_app):
    app = make_app("orders")
    response = app.test_client().post(
        "/customers",
        json={"name": "Acme"},
        headers={**auth("sales"), "X-Correlation-Id": "crm-flow-9", "X-Request-Id": "req-1"},
    )
    assert response.headers["X-Correlation-Id"] == "crm-flow-9"
    [event] = published(app, "ordo.customer.registered")
    assert event.correlationid == "crm-flow-9"
    assert event.causationid == "req-1"


def test_lists_paginate_within_bounds(orders, customer_id):
    for n in range(3):
        new_order(orders, customer_id, title=f"Order {n}")
    page = orders.get("/orders?page=2&page_size=2", headers=auth("sales")).json
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 1)
    assert orders.get("/orders?page_size=1000", headers=auth("sales")).status_code == 422


def test_health_readiness_metrics_and_openapi_need_no_token(orders):
    assert orders.get("/healthz").json["status"] == "ok"
    ready = orders.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok"}
    orders.get("/orders", headers=auth("sales"))
    metrics = orders.get("/metrics").get_data(as_text=True)
    assert (
        'ordo_http_requests_total{method="GET",route="/orders",service="orders",status="200"}'
        in metrics
    )
    assert 'ordo_outbox_events{service="orders",state="pending"}' in metrics
    spec = orders.get("/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/orders" in spec["paths"]


def broker_state(client, until: str, seconds: float = 10) -> dict:
    """/healthz once its background broker check has an answer starting with `until`."""
    deadline = time.monotonic() + seconds
    while True:
        health = client.get("/healthz")
        assert health.status_code == 200
        if health.json["checks"]["broker"].startswith(until) or time.monotonic() > deadline:
            return health.json
        time.sleep(0.05)


def test_a_broker_outage_leaves_the_web_ready_and_shows_in_health_and_metrics(make_app):
    """The outbox absorbs broker outages: web readiness is its database; the broker's last
    known state shows in /healthz and /metrics, checked in the background, not per call."""
    client = make_app("orders", broker_url="amqp://guest:guest@127.0.0.1:1//").test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_data(as_text=True)
    assert ready.json == {"status": "ready", "checks": {"database": "ok"}}
    health = broker_state(client, "unavailable")
    assert health["status"] == "ok"
    assert health["checks"]["broker"].startswith("unavailable")
    assert health["broker_checked_at"]
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'ordo_broker_up{service="orders"} 0.0' in metrics
    # A request still commits its event to the outbox.
    created = client.post("/customers", json={"name": "Acme"}, headers=auth("sales"))
    assert created.status_code == 201


def test_the_broker_is_checked_at_most_every_interval(make_app, monkeypatch):
    app = make_app("orders")
    client = app.test_client()
    probe = app.extensions["ordo"].broker
    checks = []
    refresh = probe.refresh
    monkeypatch.setattr(probe, "refresh", lambda: checks.append(1) or refresh())
    assert broker_state(client, "ok")["checks"] == {"broker": "ok"}
    for _ in range(20):
        client.get("/healthz")
        client.get("/metrics")
    assert len(checks) == 1
    assert 'ordo_broker_up{service="orders"} 1.0' in client.get("/metrics").get_data(as_text=True)


def test_readiness_fails_when_the_database_is_away(make_app):
    app = make_app("orders")
    app.extensions["ordo"].db.dispose()
    app.extensions["ordo"].db.ping = lambda: (_ for _ in ()).throw(ConnectionError("away"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert problem(response)["checks"] == {"database": "unavailable: ConnectionError"}
    assert app.test_client().get("/healthz").status_code == 200  # still alive


def test_the_admin_endpoints_need_the_admin_role(orders):
    assert orders.get("/admin/outbox", headers=auth("manager")).status_code == 403
    backlog = orders.get("/admin/outbox", headers=auth("admin")).json
    assert backlog["pending"] == 0


def test_an_idempotency_key_past_its_lifetime_is_new_again(make_app):
    app = make_app("orders", idempotency_ttl_hours=24)
    orders = app.test_client()
    customer = orders.post("/customers", json={"name": "Acme"}, headers=auth("sales")).json
    headers = {**auth("sales"), "Idempotency-Key": "order-from-crm-18"}
    body = {"customer_id": customer["id"], "title": "Press"}
    first = orders.post("/orders", json=body, headers=headers)
    db = app.extensions["ordo"].db
    with db.transaction() as session:
        session.execute(
            db.tables.idempotency.update().values(
                created_at=datetime.now(UTC) - timedelta(hours=25)
            )
        )
    again = orders.post("/orders", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] != first.json["id"]
    assert "Idempotent-Replayed" not in again.headers
    assert orders.post("/orders", json=body, headers=headers).json["id"] == again.json["id"]

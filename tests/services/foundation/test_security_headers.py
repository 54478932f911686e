"""Security headers on every response; /metrics behind ORDO_METRICS_TOKEN when it is set."""

import base64
import hashlib
import re

import pytest

from shared.config import load_settings
from tests.helpers import auth, problem

TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def orders(make_app):
    return make_app("orders").test_client()


def test_every_answer_has_nosniff_no_referrer_and_personal_data_is_not_stored(orders):
    created = orders.post("/customers", json={"name": "Acme"}, headers=auth("sales"))
    answers = {
        "created": created,
        "read": orders.get(f"/customers/{created.json['id']}", headers=auth("sales")),
        "listed": orders.get("/orders", headers=auth("sales")),
        "refused": orders.get("/orders"),
        "not found": orders.get("/nowhere", headers=auth("sales")),
        "bad body": orders.post("/customers", data="x", headers=auth("sales")),
        "health": orders.get("/healthz"),
    }
    for name, response in answers.items():
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "no-referrer", name
        assert response.headers["Cache-Control"] == "no-store", name
        assert "Strict-Transport-Security" not in response.headers, name


def test_public_documents_without_personal_data_may_be_cached(orders):
    for path in ("/openapi.json", "/docs/assets/swagger-ui.css", "/metrics"):
        response = orders.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
    assert "max-age" in orders.get("/docs/assets/swagger-ui.css").headers["Cache-Control"]


def test_the_docs_page_has_a_strict_policy_that_still_lets_it_work(orders):
    page = orders.get("/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    policy = dict(
        (part.split(" ", 1) + [""])[:2]
        for part in page.headers["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    html = page.get_data(as_text=True)
    # Every script and stylesheet the page loads comes from the service itself ('self')...
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith("/docs/assets/"), url
        assert orders.get(url).status_code == 200, url
    # ...and its inline script is allowed by its hash, nothing else inline.
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
    assert policy["connect-src"] == "'self'"  # fetches /openapi.json and tries requests
    assert "Content-Security-Policy" not in orders.get("/healthz").headers


def test_hsts_only_when_asked(make_app):
    client = make_app("orders", hsts=True).test_client()
    for response in (client.get("/healthz"), client.get("/orders")):
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_metrics_behind_a_token_when_one_is_set(make_app, orders):
    assert orders.get("/metrics").status_code == 200  # unset: open as before
    client = make_app("orders", metrics_token=TOKEN).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, auth("admin")):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert problem(refused)["status"] == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert "ordo_http_requests_total" not in refused.get_data(as_text=True)
    allowed = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert allowed.status_code == 200
    assert "ordo_http_requests_total" in allowed.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200  # only /metrics needs it


def test_settings_from_the_environment(monkeypatch):
    assert load_settings("orders").hsts is False
    assert load_settings("orders").metrics_token is None
    monkeypatch.setenv("ORDO_HSTS", "true")
    monkeypatch.setenv("ORDO_METRICS_TOKEN", TOKEN)
    settings = load_settings("orders")
    assert settings.hsts is True
    assert settings.metrics_token == TOKEN

"""The portal's shared mechanism (shared.portal) on a probe page: session, CSRF, languages,
errors as pages, and the JSON API left as it was."""

import re
import time
import uuid
from pathlib import Path

import itsdangerous.timed
import pytest
from flask import request

from services.orders import handlers
from services.orders.api import blueprints
from services.orders.app import create_app
from services.orders.models import Base
from shared.http.app import create_service_app
from shared.portal import (
    current_customer_id,
    customer_page,
    install_portal,
    page_blueprint,
    render_page,
    sign_in,
)
from tests.helpers import JWT_SECRET, auth

HERE = Path(__file__).parent
CUSTOMER = uuid.UUID("00000000-0000-4000-8000-000000000042")
WRITES = []


def probe_pages():
    pages = page_blueprint("probe-pages", __name__, HERE / "portal_pages")

    @pages.route("/portal/probe", methods=["GET", "POST"])
    @customer_page
    def probe():
        if request.method == "POST":
            WRITES.append(request.form["note"])
        return render_page("probe.html", customer=current_customer_id())

    @pages.get("/portal/probe/sign-in")
    def probe_sign_in():
        sign_in(CUSTOMER, request.args.get("locale", "en"))
        return "signed in"

    return pages


@pytest.fixture
def app(tmp_path):
    WRITES.clear()
    config = {
        "database_url": f"sqlite:///{tmp_path}/orders.db",
        "broker_url": "memory://",
        "jwt_secret": JWT_SECRET,
        "namespace": f"t{uuid.uuid4().hex[:8]}",
        "public_base_url": "https://orders.example.com",
    }
    app = create_service_app(
        "orders",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handlers.handle,
        config=config,
        title="Probe",
    )
    install_portal(app, probe_pages())
    app.extensions["ordo"].db.create_all()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client) -> str:
    page = client.get("/portal/probe").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def test_a_customer_page_sends_a_visitor_to_sign_in_and_keeps_the_target(client):
    response = client.get("/portal/probe?x=1")
    assert response.status_code == 303
    assert response.location.startswith("https://orders.example.com/portal/sign-in?next=")
    assert "https%3A%2F%2Forders.example.com%2Fportal%2Fprobe%3Fx%3D1" in response.location


def test_the_session_cookie_is_httponly_lax_and_secure_behind_https(client):
    response = client.get("/portal/probe/sign-in")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("ordo_portal=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert str(CUSTOMER) in client.get("/portal/probe").get_data(as_text=True)


def test_a_session_idle_longer_than_the_limit_has_ended(client, monkeypatch):
    client.get("/portal/probe/sign-in")
    later = time.time() + 31 * 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    assert client.get("/portal/probe").status_code == 303


def test_signing_out_ends_the_session(client):
    client.get("/portal/probe/sign-in")
    response = client.post("/portal/sign-out", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303 and "signed_out=1" in response.location
    assert client.get("/portal/probe").status_code == 303


def test_a_form_without_its_csrf_token_is_a_400_page_and_nothing_is_done(client):
    client.get("/portal/probe/sign-in")
    response = client.post("/portal/probe", data={"note": "hello"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Nothing was saved" in response.get_data(as_text=True)
    response = client.post("/portal/probe", data={"note": "hello", "csrf_token": "forged"})
    assert response.status_code == 400
    assert WRITES == []
    response = client.post(
        "/portal/probe", data={"note": "hello", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 200 and WRITES == ["hello"]


def test_the_json_api_needs_no_csrf_token(client):
    response = client.post("/customers", json={"name": "Acme"}, headers=auth("sales"))
    assert response.status_code == 201


def test_the_language_follows_the_switch_then_the_customer_then_the_browser(client):
    client.get("/portal/probe/sign-in?locale=zh-CN")
    page = client.get("/portal/probe").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "我的订单" in page
    page = client.get("/portal/probe?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "My orders" in page
    assert '<html lang="en">' in client.get("/portal/probe").get_data(as_text=True)  # kept
    browser = client.application.test_client()
    page = browser.get("/portal/nowhere", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert page.status_code == 404 and "找不到页面" in page.get_data(as_text=True)


def test_errors_on_pages_are_pages_and_the_api_keeps_problem_json(client):
    page = client.get("/portal/nowhere")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Page not found" in page.get_data(as_text=True)
    assert client.get("/nowhere").mimetype == "application/problem+json"


def test_pages_keep_the_strict_policy_and_serve_their_own_css(client):
    page = client.get("/portal/nowhere")
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
    assert "<script" not in page.get_data(as_text=True)
    css = client.get("/portal/static/portal.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_page_forms_may_lead_to_the_other_services_pages_only(client, monkeypatch):
    # A sign-in on the orders page continues on the feedback or delivery page that asked for
    # it: browsers hold a form's redirects to form-action, so their origins must be in it.
    monkeypatch.setenv("ORDO_FEEDBACK_PUBLIC_URL", "https://feedback.example:8443/base")
    policy = client.get("/portal/nowhere").headers["Content-Security-Policy"]
    [form_action] = [part for part in policy.split("; ") if part.startswith("form-action")]
    assert form_action.split()[:2] == ["form-action", "'self'"]
    assert "https://feedback.example:8443" in form_action.split()
    assert all(origin.startswith(("http://", "https://")) for origin in form_action.split()[2:])
    assert "*" not in form_action


def test_outside_embedded_mode_the_portal_refuses_the_development_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("ORDO_PORTAL_SECRET", raising=False)
    config = {
        "database_url": "postgresql://nobody@127.0.0.1:1/none",
        "broker_url": "amqp://guest:guest@127.0.0.1:1//",
        "jwt_secret": JWT_SECRET,
    }
    with pytest.raises(ValueError, match="ORDO_PORTAL_SECRET is a placeholder"):
        create_app(config)

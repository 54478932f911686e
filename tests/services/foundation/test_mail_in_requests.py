"""Mail through a service: it exists only if its request commits; admins list and re-send it."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_smorest import Blueprint

from services.orders.models import Base as OrdersBase
from shared.errors import RuleViolation
from shared.http.app import create_service_app
from shared.http.requests import db_session
from shared.mail import MailSender, MailServerUnavailable, MailTemplates, queue_mail
from tests.helpers import JWT_SECRET, auth, problem

TEMPLATES = MailTemplates(Path(__file__).parents[2] / "mail_templates")
LINK = "https://ordo.example.com/acceptance/secret-token"

blp = Blueprint("mail_test", __name__, url_prefix="/test")


@blp.route("/decisions/<string:outcome>", methods=["POST"])
def request_decision(outcome):
    """A use case that mails the customer, then succeeds or is refused."""
    to = "li.wei@example.cn" if outcome != "bad-address" else "not an address"
    mail = TEMPLATES.mail(
        "decision_request",
        "en",
        to=to,
        order_number="ORD-2026-00042",
        package="Package 1",
        link=LINK,
        expires="2026-12-15",
    )
    mail_id = queue_mail(db_session(), mail)
    if outcome == "refused":
        raise RuleViolation({"decision": "the package is not ready"})
    return {"mail_id": str(mail_id)}


class Recording:
    """A transport that keeps what it was given, or is away."""

    def __init__(self):
        self.sent = []
        self.away = False

    def send(self, mail) -> None:
        if self.away:
            raise MailServerUnavailable("ConnectionRefusedError: [Errno 111] Connection refused")
        self.sent.append(mail)

    def close(self) -> None:
        pass


@pytest.fixture
def app(tmp_path):
    app = create_service_app(
        "orders",
        metadata=OrdersBase.metadata,
        blueprints=(blp,),
        handle=lambda event, session: None,
        config={
            "database_url": f"sqlite:///{tmp_path}/orders.db",
            "broker_url": "memory://",
            "jwt_secret": JWT_SECRET,
            "mail_dir": str(tmp_path / "mail"),
        },
        title="orders",
    )
    app.extensions["ordo"].db.create_all()
    yield app
    app.extensions["ordo"].db.dispose()


@pytest.fixture
def transport():
    return Recording()


@pytest.fixture
def sender(app, transport):
    ordo = app.extensions["ordo"]
    return MailSender(ordo.db, ordo.settings, transport)


def mails(app) -> list:
    db = app.extensions["ordo"].db
    with db.sessions() as session:
        return session.execute(sa.select(db.tables.mail)).all()


def test_a_mail_queued_by_a_request_that_is_refused_is_never_sent(app, sender, transport):
    client = app.test_client()
    response = client.post("/test/decisions/refused", headers=auth("sales"))
    assert response.status_code == 422
    assert mails(app) == []
    assert sender.send_due() == 0 and transport.sent == []


def test_a_mail_queued_by_a_request_that_succeeds_is_sent_once(app, sender, transport):
    response = app.test_client().post("/test/decisions/accepted", headers=auth("sales"))
    assert response.status_code == 200
    assert sender.send_due() == 1 and sender.send_due() == 0
    [sent] = transport.sent
    assert str(sent.id) == response.json["mail_id"] and sent.recipient == "li.wei@example.cn"


def test_a_refused_address_format_is_a_422_and_writes_nothing(app, sender):
    response = app.test_client().post("/test/decisions/bad-address", headers=auth("sales"))
    assert response.status_code == 422
    assert "to" in problem(response)["errors"]
    assert mails(app) == []


def test_admins_list_mail_without_its_text_and_only_admins(app, sender):
    client = app.test_client()
    client.post("/test/decisions/accepted", headers=auth("sales"))
    listed = client.get("/admin/mail", headers=auth("admin"))
    assert listed.status_code == 200 and listed.json["total"] == 1
    [item] = listed.json["items"]
    assert item["status"] == "pending" and item["to"] == "li.wei@example.cn"
    assert LINK not in listed.get_data(as_text=True)
    assert set(item) == {
        "id",
        "kind",
        "to",
        "to_name",
        "subject",
        "locale",
        "order_id",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    }
    assert client.get("/admin/mail", headers=auth("manager")).status_code == 403
    assert client.get("/admin/mail?status=lost", headers=auth("admin")).status_code == 422


def test_a_mail_that_waits_for_the_server_can_be_resent_and_a_sent_one_cannot(
    app, sender, transport
):
    client = app.test_client()
    mail_id = client.post("/test/decisions/accepted", headers=auth("sales")).json["mail_id"]
    pending = client.post(f"/admin/mail/{mail_id}/resend", headers=auth("admin"))
    assert pending.status_code == 409 and problem(pending)["current_status"] == "pending"

    transport.away = True
    assert sender.send_due() == 0
    [row] = mails(app)
    assert (row.status, row.attempts) == ("failed", 0) and "refused" in row.last_error
    transport.away = False
    resent = client.post(f"/admin/mail/{mail_id}/resend", headers=auth("admin"))
    assert resent.status_code == 200 and resent.json["status"] == "pending"
    assert "text_body" not in resent.json
    assert sender.send_due() == 1

    sent = client.post(f"/admin/mail/{mail_id}/resend", headers=auth("admin"))
    assert sent.status_code == 409 and problem(sent)["current_status"] == "sent"
    [row] = mails(app)
    assert row.text_body is None and row.html_body is None


def test_resending_an_unknown_mail_is_404(app):
    response = app.test_client().post(f"/admin/mail/{uuid.uuid4()}/resend", headers=auth("admin"))
    assert response.status_code == 404

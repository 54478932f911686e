"""A published status report reaches the order's timeline through a real RabbitMQ (planning's
relay, the orders worker) and the customer's mailbox through a real SMTP server (aiosmtpd),
on real PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from services.orders.handlers import handle as orders_handle
from services.orders.models import Base as OrdersBase
from services.orders.models import TimelineEntry
from services.planning.app import create_app
from services.planning.models import Base as PlanningBase
from shared.events.broker import connect, declare_topology
from shared.events.relay import Relay
from shared.mail import MailSender
from shared.worker import Worker
from tests.helpers import auth, deliver
from tests.integration.conftest import create_schema
from tests.integration.test_mail import sending, smtp  # noqa: F401  (the SMTP server fixture)
from tests.integration.workers import running, wait_for
from tests.services.planning.conftest import confirmed, requirement

CONTACT = "zhang.min@example.com"


def test_a_published_status_report_reaches_the_timeline_and_the_customer_mailbox(
    backend,
    smtp,  # noqa: F811
    monkeypatch,
):
    if not backend.real:
        pytest.skip("needs PostgreSQL and RabbitMQ")
    monkeypatch.setattr("services.planning.api.support.today", lambda: date(2027, 2, 1))
    create_schema(backend, "planning", PlanningBase.metadata)
    create_schema(backend, "orders", OrdersBase.metadata)
    app = create_app(backend.config("planning", smtp_url=smtp.url))
    ordo = app.extensions["ordo"]
    client = app.test_client()
    data = confirmed([requirement("Frame", 5)])
    data |= {"customer_email": CONTACT, "contact_name": "张敏", "customer_locale": "zh-CN"}
    assert deliver(app, "ordo.order.confirmed", data) == "processed"
    [plan] = client.get(f"/plans?order_id={data['order_id']}", headers=auth("planner")).json[
        "items"
    ]
    activated = client.post(f"/plans/{plan['id']}/activate", json={}, headers=auth("planner"))
    assert activated.status_code == 200, activated.json
    report = client.post(
        f"/plans/{plan['id']}/status-reports",
        json={"status_date": "2027-01-08"},
        headers=auth("planner"),
    ).json
    manager = {**auth("manager"), "If-Match": f'"{report["version"]}"'}
    client.patch(
        f"/status-reports/{report['id']}", json={"narrative": "按计划进行。"}, headers=manager
    )
    published = client.post(f"/status-reports/{report['id']}/publish", headers=auth("manager"))
    assert published.status_code == 200, published.json

    orders = Worker(backend.settings("orders"), OrdersBase.metadata, orders_handle)
    settings = backend.settings("planning")
    with connect(settings) as connection:
        declare_topology(connection, settings)
    with running(orders), sending(MailSender(ordo.db, ordo.settings)):
        assert Relay(ordo.db, settings).publish_pending() >= 1

        def on_the_timeline():
            with orders.db.sessions() as session:
                return session.scalars(
                    sa.select(TimelineEntry).where(
                        TimelineEntry.order_id == data["order_id"],
                        TimelineEntry.type == "ordo.status_report.published",
                    )
                ).all()

        [entry] = wait_for(on_the_timeline, timeout=60)
        [message] = wait_for(lambda: smtp.mailbox.to(CONTACT), timeout=60)
    assert entry.summary.startswith("Status report 1 as of 2027-01-08 published:")
    assert message["Subject"].startswith("订单 ORD-2027-0001 第 1 期状态报告")
    assert "按计划进行。" in message.get_body(("plain",)).get_content()
    [report] = message.iter_attachments()  # the report's PDF, as the contact reads it
    assert report.get_filename() == "status-report-1.pdf"
    assert report.get_content_type() == "application/pdf"
    assert report.get_content().startswith(b"%PDF")
    assert len(smtp.mailbox.to(CONTACT)) == 1  # one mail per report
    ordo.db.dispose()

"""A submitted package reaches the customer by mail through a real SMTP server (aiosmtpd), and
the link in that mail opens the package and takes the customer's signed acceptance."""

from __future__ import annotations

from urllib.parse import urlsplit

from services.delivery.app import create_app
from services.delivery.models import Base as DeliveryBase
from shared.mail import MailSender
from tests.integration.conftest import create_schema
from tests.integration.test_mail import sending, smtp  # noqa: F401  (the SMTP server fixture)
from tests.integration.workers import wait_for
from tests.services.delivery.delivery_flow import LOGISTICS, Flow


def test_the_mailed_acceptance_link_opens_the_package_and_the_customer_accepts_through_it(
    backend,
    smtp,  # noqa: F811
):
    create_schema(backend, "delivery", DeliveryBase.metadata)
    app = create_app(
        backend.config(
            "delivery", smtp_url=smtp.url, public_base_url="https://delivery.example.com"
        )
    )
    ordo = app.extensions["ordo"]
    flow = Flow(app)
    order, deliverables = flow.passed_order(customer_locale="zh-CN")
    package = flow.package(order, deliverables)

    submitted = flow.client.post(f"/deliveries/{package['id']}/submit", headers=LOGISTICS)
    assert submitted.status_code == 200

    with sending(MailSender(ordo.db, ordo.settings)):
        [message] = wait_for(lambda: smtp.mailbox.to("ada@engines.example"))
    assert message["To"].addresses[0].addr_spec == "ada@engines.example"
    assert message["Subject"] == "订单 ORD-2026-00042：请审阅交付包 v1 并作出验收决定"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    [link] = [word for word in text.split() if word.startswith("https://")]
    assert link.startswith("https://delivery.example.com/acceptance/")
    assert link in message.get_body(("html",)).get_content()

    customer = app.test_client()  # the link is the credential: no token
    path = urlsplit(link).path
    review = customer.get(path)
    decided = customer.post(path, json=flow.decision(submitted.json))

    assert review.status_code == 200 and review.json["order_number"] == "ORD-2026-00042"
    assert decided.status_code == 201 and decided.json["status"] == "accepted"
    assert decided.json["acceptance"]["via"] == "link"
    assert customer.get(path).status_code == 410
    ordo.db.dispose()

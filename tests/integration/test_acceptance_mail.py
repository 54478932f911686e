"""A submitted package reaches the customer by mail through a real SMTP server (aiosmtpd), and
the link in that mail opens the package and takes the customer's signed acceptance (with
ORDO_ACCEPTANCE_CODE, together with the code a second mail brings)."""

from __future__ import annotations

import re
import uuid

from services.delivery.app import create_app
from services.delivery.models import Base as DeliveryBase
from services.delivery.models import Delivery
from shared.mail import MailSender
from tests.helpers import api_path
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
    assert link.startswith("https://delivery.example.com/portal/acceptance/")
    assert link in message.get_body(("html",)).get_content()

    customer = app.test_client()  # the link is the credential: no token
    path = api_path(link)
    review = customer.get(path)
    decided = customer.post(path, json=flow.decision(submitted.json))

    assert review.status_code == 200 and review.json["order_number"] == "ORD-2026-00042"
    assert decided.status_code == 201 and decided.json["status"] == "accepted"
    assert decided.json["acceptance"]["via"] == "link"
    assert customer.get(path).status_code == 410
    ordo.db.dispose()


def test_with_acceptance_codes_the_customer_reads_the_link_and_then_the_code_from_the_mail(
    backend,
    smtp,  # noqa: F811
):
    create_schema(backend, "delivery", DeliveryBase.metadata)
    app = create_app(
        backend.config(
            "delivery",
            smtp_url=smtp.url,
            public_base_url="https://delivery.example.com",
            acceptance_code=True,
        )
    )
    ordo = app.extensions["ordo"]
    flow = Flow(app)
    order, deliverables = flow.passed_order()
    package = flow.package(order, deliverables)
    submitted = flow.client.post(f"/deliveries/{package['id']}/submit", headers=LOGISTICS)
    assert submitted.status_code == 200

    def mails(count):
        received = smtp.mailbox.to("ada@engines.example")
        return received if len(received) == count else None

    customer = app.test_client()  # the link and the code are the credentials: no token
    with sending(MailSender(ordo.db, ordo.settings)):
        [request] = wait_for(lambda: mails(1))
        [link] = [w for w in request.get_body(("plain",)).get_content().split() if "://" in w]
        path = api_path(link)
        assert customer.get(path).json["code_required"] is True
        asked = customer.post(f"{path}/code")
        assert asked.status_code == 202 and asked.json["sent_to"] == "a***a@engines.example"
        _, coded = wait_for(lambda: mails(2))
    assert coded["Subject"] == "Order ORD-2026-00042: your code to sign delivery package v1"
    text = coded.get_body(("plain",)).get_content()
    [code] = re.findall(r"\b\d{6}\b", text)
    assert code in coded.get_body(("html",)).get_content()

    without = customer.post(path, json=flow.decision(submitted.json))
    mistyped = f"{(int(code) + 1) % 1_000_000:06d}"
    wrong = customer.post(path, json={**flow.decision(submitted.json), "code": mistyped})
    decided = customer.post(path, json={**flow.decision(submitted.json), "code": code})

    assert without.status_code == 422
    assert wrong.status_code == 422 and wrong.json["attempts_left"] == 2
    assert decided.status_code == 201 and decided.json["status"] == "accepted"
    assert customer.get(path).status_code == 410
    with ordo.db.sessions() as session:  # the refused try's count outlived its refusal
        assert session.get(Delivery, uuid.UUID(package["id"])).wrong_codes == 1
    ordo.db.dispose()

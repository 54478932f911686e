"""The acceptance request goes to the customer by mail, with the package's change or not at all;
the link answers 401/410 before it reads a body."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from delivery_flow import CUSTOMER, LOGISTICS, QUALITY

from services.delivery.models import Delivery
from services.delivery.usecases import packages
from shared.links import sign_link
from tests.helpers import JWT_SECRET, deliver, link_in, mailed, problem, published


def draft_package(flow, **customer):
    order, deliverables = flow.passed_order(**customer)
    return order, flow.package(order, deliverables)


def test_the_acceptance_request_names_the_order_and_package_and_carries_one_clear_link(flow):
    delivery, token = flow.submitted()

    [mail] = mailed(flow.app, "acceptance_request")
    assert mail.subject == ("Order ORD-2026-00042: please review delivery package v1 and decide")
    for part in (mail.text_body, mail.html_body):
        assert "ORD-2026-00042" in part and "Warehouse dashboard" in part
        assert f"https://ordo.example/portal/acceptance/{token}?lang=en" in part
        assert "CSV export" in part
    assert str(mail.order_id) == delivery["order_id"] and mail.locale == "en"


def test_a_chinese_speaking_customer_is_written_to_in_chinese(flow):
    flow.submitted(customer_locale="zh-CN")

    [mail] = mailed(flow.app, "acceptance_request")
    assert mail.locale == "zh-CN"
    assert mail.subject.startswith("订单 ORD-2026-00042：请审阅交付包 v1")
    assert "审阅并作出决定" in mail.html_body and "/acceptance/" in link_in(mail.text_body)


def test_without_the_customers_email_submitting_is_refused_and_nothing_is_written(flow):
    order, package = draft_package(flow, customer_email=None)

    response = flow.client.post(f"/deliveries/{package['id']}/submit", headers=LOGISTICS)

    assert response.status_code == 409
    assert "Record the customer's e-mail" in problem(response)["detail"]
    assert mailed(flow.app) == [] and published(flow.app, "ordo.delivery.submitted") == []
    read = flow.client.get(f"/deliveries/{package['id']}", headers=QUALITY).json
    assert (read["status"], read["link_sent_to"]) == ("draft", None)
    assert {d["status"] for d in flow.deliverables(order["order_id"])} == {"passed"}


def test_an_email_recorded_later_reaches_delivery_and_the_package_goes_out(flow):
    order, package = draft_package(flow, customer_email=None)
    contact = {
        "customer_id": str(CUSTOMER),
        "name": "Analytical Engines Ltd",
        "email": "charles@engines.example",
        "contact_name": "Charles Babbage",
        "locale": "en",
        "version": 2,
    }
    assert deliver(flow.app, "ordo.customer.updated", contact) == "processed"
    stale = {**contact, "email": "old@engines.example", "version": 1}
    assert deliver(flow.app, "ordo.customer.updated", stale) == "processed"

    response = flow.client.post(f"/deliveries/{package['id']}/submit", headers=LOGISTICS)

    assert (
        response.status_code == 200 and response.json["link_sent_to"] == "charles@engines.example"
    )
    [mail] = mailed(flow.app)
    assert (mail.to_address, mail.to_name) == ("charles@engines.example", "Charles Babbage")


def test_a_submission_that_fails_after_queueing_the_mail_leaves_no_mail(flow, monkeypatch):
    _, package = draft_package(flow)

    def broken_publish(*args, **kwargs):
        raise RuntimeError("the outbox is full")

    monkeypatch.setattr(packages, "publish", broken_publish)
    response = flow.client.post(f"/deliveries/{package['id']}/submit", headers=LOGISTICS)

    assert response.status_code == 500
    assert mailed(flow.app) == []
    assert flow.client.get(f"/deliveries/{package['id']}", headers=QUALITY).json["status"] == (
        "draft"
    )


@pytest.mark.parametrize("body", [None, {}, [], {"decision": "maybe"}])
def test_the_link_is_checked_before_the_decision_whatever_the_body(flow, body):
    delivery, token = flow.submitted()
    expired = sign_link(
        JWT_SECRET, "acceptance", delivery["id"], datetime.now(UTC) - timedelta(minutes=1)
    )
    flow.client.post(f"/deliveries/{delivery['id']}/acceptance-link", headers=LOGISTICS)
    send = {"data": "", "content_type": "application/json"} if body is None else {"json": body}

    assert flow.client.post("/acceptance/garbage", **send).status_code == 401
    assert flow.client.post(f"/acceptance/{expired}", **send).status_code == 410
    replaced = flow.client.post(f"/acceptance/{token}", **send)
    assert replaced.status_code == 410
    assert problem(replaced)["detail"] == "A newer link replaced this one."
    assert flow.client.post(f"/acceptance/{flow.mailed_token()}", **send).status_code == 422
    with flow.app.extensions["ordo"].db.sessions() as session:
        assert session.get(Delivery, uuid.UUID(delivery["id"])).status == "submitted"
    assert published(flow.app, "ordo.delivery.accepted") == []


def test_a_used_link_is_gone_before_its_body_is_read(flow):
    delivery, token = flow.submitted()
    assert flow.client.post(f"/acceptance/{token}", json=flow.decision(delivery)).status_code == 201

    again = flow.client.post(f"/acceptance/{token}", json={})

    assert again.status_code == 410
    assert len(published(flow.app, "ordo.delivery.accepted")) == 1


def test_the_decision_body_stays_documented(app):
    spec = app.test_client().get("/openapi.json").get_json()
    post = spec["paths"]["/acceptance/{token}"]["post"]

    assert post["requestBody"]["required"] is True
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "signer_name" in spec["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert {"201", "422"} <= set(post["responses"])
    submit = spec["paths"]["/deliveries/{delivery_id}/submit"]["post"]["responses"]["200"]
    assert "acceptance_url" not in json.dumps(submit)

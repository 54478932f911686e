"""Links are credentials seen only by the customer: across a whole order, from confirmation to a
re-sent survey, no staff role reads an acceptance or survey link from any endpoint, no event
carries one, and the customer finds each in the mail it was sent."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from shared.vocabulary import STAFF
from tests.helpers import api_path, auth, link_in, mailed, published, relay_to
from tests.services.delivery.delivery_flow import LOGISTICS, Flow
from tests.services.orders.conftest import OrderFlow

SKIPPED = ("/openapi.json", "/docs", "/static", "/acceptance/", "/surveys/by-token/")


@pytest.fixture
def apps(make_app):
    return {
        "orders": make_app("orders"),
        "delivery": make_app("delivery", public_base_url="https://delivery.example"),
        "feedback": make_app("feedback", public_base_url="https://feedback.example"),
    }


def carry_events(apps) -> None:
    """Every service hears every other's events (the inbox skips what it heard before)."""
    for source in apps.values():
        for target in apps.values():
            if target is not source:
                relay_to(source, target)


def a_whole_order(apps) -> dict:
    """Confirmed, delivered (link re-issued once), accepted through the mailed link, surveyed
    (link re-sent once); returns the ids and what the staff actions answered."""
    orders = apps["orders"].test_client()
    customer = orders.post(
        "/customers",
        json={"name": "Acme", "email": "buyer@acme.example", "contact_name": "Dana Buyer"},
        headers=auth("sales"),
    ).json
    order = OrderFlow(orders, customer["id"]).confirmed()
    carry_events(apps)

    delivery = Flow(apps["delivery"])
    delivery.complete_plan(order["id"])
    deliverables = delivery.deliverables(order["id"])
    for deliverable in deliverables:
        assert delivery.inspect(deliverable).status_code == 201
    package = delivery.package({"order_id": order["id"]}, delivery.deliverables(order["id"]))
    submitted = delivery.client.post(f"/deliveries/{package['id']}/submit", headers=LOGISTICS)
    reissued = delivery.client.post(
        f"/deliveries/{package['id']}/acceptance-link", headers=LOGISTICS
    )
    decided = delivery.client.post(
        f"/acceptance/{delivery.mailed_token()}", json=delivery.decision(submitted.json)
    )
    assert (submitted.status_code, reissued.status_code, decided.status_code) == (200, 200, 201)
    carry_events(apps)

    feedback = apps["feedback"].test_client()
    [survey] = feedback.get("/surveys", headers=auth("manager")).json["items"]
    resent = feedback.post(f"/surveys/{survey['id']}/resend", headers=auth("sales"))
    assert resent.status_code == 200
    carry_events(apps)
    return {
        "ids": {
            "order_id": order["id"],
            "customer_id": customer["id"],
            "delivery_id": package["id"],
            "deliverable_id": deliverables[0]["id"],
            "requirement_id": deliverables[0]["requirement_id"],
            "survey_id": survey["id"],
        },
        "answers": [submitted, reissued, resent],
    }


def link_tokens(apps) -> set[str]:
    """The token of every acceptance and survey link mailed to the customer (other mails, such
    as the invitation to review the requirements, link to pages behind the sign-in)."""
    paths = (
        urlsplit(link_in(mail.text_body)).path for app in apps.values() for mail in mailed(app)
    )
    return {
        path.rsplit("/", 1)[1] for path in paths if "/acceptance/" in path or "/surveys/" in path
    }


def staff_reads(app, ids):
    """(path, response) for every GET endpoint of the app, ids filled with the order's own."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(SKIPPED):
            continue
        values = {name: ids.get(name, uuid.uuid4()) for name in rule.arguments}
        path = rule.build(values, append_unknown=False)[1]
        for query in ("", f"?order_id={ids['order_id']}"):
            yield path + query


def test_no_staff_role_reads_a_link_from_any_endpoint_and_no_event_carries_one(apps):
    order = a_whole_order(apps)
    tokens = link_tokens(apps)
    assert len(tokens) == 4  # acceptance request and its re-issue, survey and its re-send

    exposing, walked = set(), 0
    for name, app in apps.items():
        client = app.test_client()
        for role in STAFF:
            for path in staff_reads(app, order["ids"]):
                walked += 1
                response = client.get(path, headers=auth(role))
                seen = response.get_data().decode("latin-1") + str(response.headers)
                if any(token in seen for token in tokens):
                    exposing.add((role, name, path))
    for response in order["answers"]:
        assert not any(token in response.get_data(as_text=True) for token in tokens)
    assert response.json["link_sent_to"] == "buyer@acme.example"
    print(f"staff roles x endpoints exposing a link: {len(exposing)} of {walked} reads")
    assert exposing == set()

    events = [envelope for app in apps.values() for envelope in published(app)]
    carrying = [e.type for e in events if any(token in e.to_json() for token in tokens)]
    print(f"events carrying a link: {len(carrying)} of {len(events)}")
    assert carrying == []
    assert {"ordo.delivery.link_reissued", "ordo.survey.sent"} <= {e.type for e in events}
    timeline = (
        apps["orders"]
        .test_client()
        .get(f"/orders/{order['ids']['order_id']}/timeline", headers=auth("sales"))
    )
    summaries = [entry["summary"] for entry in timeline.json]
    assert any("mailed to buyer@acme.example" in summary for summary in summaries)


def test_a_re_sent_survey_link_replaces_the_one_before(apps):
    a_whole_order(apps)
    first, resent = mailed(apps["feedback"])
    customer = apps["feedback"].test_client()

    old = customer.post(api_path(link_in(first.text_body)), json={"csat": 5, "nps": 9})
    new = customer.post(api_path(link_in(resent.text_body)), json={"csat": 5, "nps": 9})

    assert (first.kind, resent.kind) == ("survey", "survey_resent")
    assert old.status_code == 410 and old.json["detail"] == "A newer link replaced this one."
    assert new.status_code == 201
    again = customer.post(f"/surveys/{new.json['survey_id']}/resend", headers=auth("manager"))
    assert again.status_code == 409 and again.json["current_status"] == "answered"


def test_only_managers_and_sales_re_send_a_survey(apps):  # and admins, who may do anything
    a_whole_order(apps)
    client = apps["feedback"].test_client()
    [survey] = client.get("/surveys", headers=auth("manager")).json["items"]

    url = f"/surveys/{survey['id']}/resend"
    refused = {
        role: client.post(url, headers=auth(role)).status_code
        for role in STAFF
        if role not in ("manager", "sales", "admin")
    }
    refused["customer"] = client.post(
        url, headers=auth("customer", survey["customer_id"])
    ).status_code

    assert set(refused.values()) == {403}
    assert len(mailed(apps["feedback"])) == 2

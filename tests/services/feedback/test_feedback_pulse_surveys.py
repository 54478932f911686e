"""Pulse surveys after accepted increments; the full survey and retrospective wait for the end."""

import uuid

import pytest
from feedback_scenario import accepted, confirmed, create_order, register_customer, send

from tests.helpers import auth, problem


@pytest.fixture
def app(make_app):
    return make_app("feedback")


def agile_order(app, pulse_surveys=True):
    customer_id = register_customer(app)
    order_id = create_order(app, customer_id)
    data = {**confirmed(order_id, customer_id), "pulse_surveys": pulse_surveys}
    assert send(app, "ordo.order.confirmed", data) == "processed"
    return customer_id, order_id


def increment_accepted(app, order_id, version, increment_id, final=False):
    data = {**accepted(order_id, version), "increment_id": increment_id, "final": final}
    assert send(app, "ordo.delivery.accepted", data) == "processed"


def pulse_surveys(client, order_id, headers):
    response = client.get(f"/pulse-surveys?order_id={order_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_an_accepted_increment_gets_a_pulse_survey_and_only_the_last_opens_the_survey(app):
    customer_id, order_id = agile_order(app)
    client = app.test_client()
    first = str(uuid.uuid4())
    increment_accepted(app, order_id, 1, first)
    [pulse] = pulse_surveys(client, order_id, auth("customer", customer_id=customer_id))
    assert pulse["increment_id"] == first
    assert client.get("/surveys", headers=auth("manager")).json["items"] == []
    assert client.get("/retrospectives", headers=auth("manager")).json["items"] == []
    answer = client.post(
        f"/pulse-surveys/{pulse['id']}/answer",
        json={"score": 4, "comment": "Good pace"},
        headers=auth("customer", customer_id=customer_id),
    )
    assert answer.status_code == 200 and answer.json["score"] == 4
    again = client.post(
        f"/pulse-surveys/{pulse['id']}/answer",
        json={"score": 5},
        headers=auth("customer", customer_id=customer_id),
    )
    assert again.status_code == 409
    increment_accepted(app, order_id, 2, str(uuid.uuid4()), final=True)
    assert len(client.get("/retrospectives", headers=auth("manager")).json["items"]) == 1
    assert len(client.get("/surveys", headers=auth("manager")).json["items"]) == 1
    # The final acceptance gets the full survey, not a pulse.
    assert len(pulse_surveys(client, order_id, auth("manager"))) == 1


def test_a_pulse_survey_for_an_increment_not_accepted_is_refused_with_nothing_written(app):
    _, order_id = agile_order(app, pulse_surveys=False)
    client = app.test_client()
    response = client.post(
        "/pulse-surveys",
        json={"order_id": str(order_id), "increment_id": str(uuid.uuid4())},
        headers=auth("manager"),
    )
    assert response.status_code == 422
    assert "increment_id" in problem(response)["errors"]
    assert pulse_surveys(client, order_id, auth("manager")) == []
    accepted_one = str(uuid.uuid4())
    increment_accepted(app, order_id, 1, accepted_one)
    assert pulse_surveys(client, order_id, auth("manager")) == []  # the order asked for none
    response = client.post(
        "/pulse-surveys",
        json={"order_id": str(order_id), "increment_id": accepted_one},
        headers=auth("manager"),
    )
    assert response.status_code == 201, response.json
    other = client.get(
        f"/pulse-surveys?order_id={order_id}", headers=auth("customer", customer_id=uuid.uuid4())
    )
    assert other.json["items"] == []

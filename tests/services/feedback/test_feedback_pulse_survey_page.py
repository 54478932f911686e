"""The pulse survey's mail and page: an accepted increment mails the customer the address of a
page on the portal; signed in, the customer answers one score and a comment, is thanked, and a
second answer, another customer or a bad answer changes nothing."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from services.feedback.models import PulseSurvey
from shared.portal.session import CUSTOMER as SESSION_CUSTOMER
from tests.helpers import link_in, mailed
from tests.page_forms import field_names, form_fields, visible_text
from tests.services.feedback.feedback_scenario import (
    accepted,
    confirmed,
    create_order,
    register_customer,
    send,
)


@pytest.fixture
def app(make_app):
    return make_app("feedback", public_base_url="https://feedback.example")


def pulse_link(app, locale="en") -> tuple[uuid.UUID, str]:
    """A customer whose first increment was accepted, and the path (and ?lang=) its mail gives."""
    customer_id = register_customer(app, locale=locale)
    order_id = create_order(app, customer_id)
    assert (
        send(
            app, "ordo.order.confirmed", {**confirmed(order_id, customer_id), "pulse_surveys": True}
        )
        == "processed"
    )
    increment = {**accepted(order_id, 1), "increment_id": uuid.uuid4(), "final": False}
    assert send(app, "ordo.delivery.accepted", increment) == "processed"
    link = urlsplit(link_in(mailed(app)[-1].text_body))
    return customer_id, f"{link.path}?{link.query}"


def signed_in(app, customer_id):
    client = app.test_client()
    with client.session_transaction() as session:
        session[SESSION_CUSTOMER] = str(customer_id)
    return client


def stored(app) -> PulseSurvey:
    with app.extensions["ordo"].db.sessions() as session:
        return session.query(PulseSurvey).one()


def answered(client, path: str, **answers):
    page = client.get(path).get_data(as_text=True)
    return client.post(path.split("?")[0], data={**form_fields(page), **answers})


def test_an_accepted_increment_mails_the_page_in_the_customers_language(app):
    customer_id, path = pulse_link(app, locale="zh-CN")
    [mail] = mailed(app)

    response = signed_in(app, customer_id).get(path)
    page = response.get_data(as_text=True)

    assert mail.to_address == "buyer@acme.example" and "这次交付怎么样" in mail.subject
    assert path.startswith("/portal/pulse-surveys/") and path.endswith("?lang=zh-CN")
    assert response.status_code == 200 and '<html lang="zh-CN">' in page
    assert "这次交付怎么样？" in page and "您对这次交付满意吗？" in page
    names = field_names(page)
    assert names.count("score") == 5 and "comment" in names and "csrf_token" in names


def test_the_page_needs_a_signed_in_customer_and_the_sign_in_brings_it_back(app):
    _, path = pulse_link(app)

    response = app.test_client().get(path)

    assert response.status_code == 303
    assert "/portal/sign-in?next=" in response.location
    assert "pulse-surveys" in response.location


def test_an_answer_is_stored_and_thanked_for_and_a_second_changes_nothing(app):
    customer_id, path = pulse_link(app)
    client = signed_in(app, customer_id)

    sent = answered(client, path, score="4", comment="Good pace, clearer demos please")
    thanks = client.get(path.split("?")[0])
    survey = stored(app)
    again = client.post(
        path.split("?")[0], data={**form_fields(thanks.get_data(as_text=True)), "score": "1"}
    )

    assert sent.status_code == 303
    assert "Thank you for your answer" in visible_text(thanks.get_data(as_text=True))
    assert (survey.score, survey.comment) == (4, "Good pace, clearer demos please")
    assert again.status_code == 409
    assert stored(app).score == 4


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "Please choose an answer."),
        ({"score": "9"}, "Please choose one of the answers offered."),
        ({"score": "3", "comment": "x" * 2001}, "Please keep the comment under 2,000 characters."),
    ],
)
def test_a_bad_answer_comes_back_with_its_message_and_nothing_is_written(app, answers, message):
    customer_id, path = pulse_link(app)
    client = signed_in(app, customer_id)

    response = answered(client, path, **answers)

    assert response.status_code == 422
    assert message in visible_text(response.get_data(as_text=True))
    assert stored(app).answered_at is None


def test_another_customers_pulse_survey_is_not_found_and_a_post_without_csrf_is_refused(app):
    customer_id, path = pulse_link(app)

    other = signed_in(app, uuid.uuid4()).get(path)
    forged = signed_in(app, customer_id).post(path.split("?")[0], data={"score": "5"})

    assert other.status_code == 404
    assert forged.status_code == 400
    assert stored(app).answered_at is None

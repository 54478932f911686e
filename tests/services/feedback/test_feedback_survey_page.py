"""The survey page: the mailed link opens it, the customer answers in a form, is thanked; a bad
answer comes back with its messages and a second answer is refused, nothing written either time."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import pytest

from services.feedback.models import Survey
from tests.helpers import auth, link_in, mailed, published
from tests.page_forms import field_names, form_fields, visible_text
from tests.services.feedback.feedback_scenario import accept_order, register_customer

ANSWERS = {"csat": "4", "nps": "9", "quality": "5", "schedule": "3", "communication": "4"}


@pytest.fixture
def app(make_app):
    return make_app("feedback", public_base_url="https://feedback.example")


def survey_link(app, locale="en") -> str:
    """The path (and ?lang=) of the survey page the customer's mail links to."""
    accept_order(app, register_customer(app, locale=locale))
    link = urlsplit(link_in(mailed(app)[-1].text_body))
    return f"{link.path}?{link.query}"


def stored(app) -> Survey:
    with app.extensions["ordo"].db.sessions() as session:
        return session.query(Survey).one()


def answered(client, path: str, **answers) -> object:
    page = client.get(path).get_data(as_text=True)
    return client.post(path.split("?")[0], data={**form_fields(page), **answers})


def test_the_mailed_link_opens_the_survey_in_the_customers_language(app):
    path = survey_link(app, locale="zh-CN")

    response = app.test_client().get(path)
    page = response.get_data(as_text=True)

    assert path.endswith("?lang=zh-CN")
    assert response.status_code == 200 and '<html lang="zh-CN">' in page
    assert "我们做得怎么样？" in page and "您向同事或业务伙伴推荐我们的可能性有多大？" in page
    names = field_names(page)
    assert names.count("nps") == 11 and names.count("csat") == 5
    for rating in ("quality", "schedule", "communication", "service"):
        assert names.count(rating) == 5
    assert "comment" in names and "csrf_token" in names
    assert '<label for="nps-0">0</label>' in page and '<label for="nps-10">10</label>' in page


def test_an_answer_is_stored_published_and_thanked_for(app):
    path = survey_link(app)
    client = app.test_client()

    sent = answered(client, path, **ANSWERS, comment="Smooth <b>delivery</b>")
    thanks = client.get(sent.location)

    assert sent.status_code == 303 and sent.location == path.split("?")[0]
    assert thanks.status_code == 200
    text = visible_text(thanks.get_data(as_text=True))
    assert "Thank you for your answers" in text and "4 / 5" in text and "9 / 10" in text
    survey = stored(app)
    assert (survey.csat, survey.nps, survey.quality, survey.schedule) == (4, 9, 5, 3)
    assert (survey.communication, survey.service) == (4, None)
    assert survey.comment == "Smooth <b>delivery</b>"
    (received,) = published(app, "ordo.feedback.received")
    assert (received.data["csat"], received.data["nps"]) == (4, 9)
    read = client.get(f"/surveys/{survey.id}", headers=auth("manager")).json
    assert read["answered_at"] is not None


BAD_ANSWERS = {
    "no csat": ({"csat": None}, "csat", "Please choose an answer."),
    "no nps": ({"nps": None}, "nps", "Please choose an answer."),
    "nps above 10": ({"nps": "11"}, "nps", "Please choose one of the answers offered."),
    "csat of 0": ({"csat": "0"}, "csat", "Please choose one of the answers offered."),
    "a rating in words": (
        {"quality": "good"},
        "quality",
        "Please choose one of the answers offered.",
    ),
    "a negative nps": ({"nps": "-1"}, "nps", "Please choose one of the answers offered."),
    "a comment too long": (
        {"comment": "x" * 4001},
        "comment",
        "Please keep the comment under 4,000 characters.",
    ),
}


@pytest.mark.parametrize("case", BAD_ANSWERS, ids=list(BAD_ANSWERS))
def test_a_bad_answer_comes_back_with_its_message_and_nothing_is_written(app, case):
    changes, field, message = BAD_ANSWERS[case]
    path = survey_link(app)
    answers = {key: value for key, value in {**ANSWERS, **changes}.items() if value is not None}

    response = answered(app.test_client(), path, **answers)
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert f'<a href="#{field}">' in page and html.escape(message) in page
    assert "Nothing was saved." in page
    assert stored(app).answered_at is None
    assert published(app, "ordo.feedback.received") == []


def test_answering_twice_gets_a_page_saying_so_and_changes_nothing(app):
    path = survey_link(app)
    client = app.test_client()
    page = client.get(path).get_data(as_text=True)
    first = client.post(path.split("?")[0], data={**form_fields(page), **ANSWERS})

    second = client.post(path.split("?")[0], data={**form_fields(page), "csat": "1", "nps": "0"})

    assert first.status_code == 303
    assert second.status_code == 409
    assert "You have already answered this survey" in second.get_data(as_text=True)
    assert "Nothing was changed." in second.get_data(as_text=True)
    survey = stored(app)
    assert (survey.csat, survey.nps) == (4, 9)
    assert len(published(app, "ordo.feedback.received")) == 1


def test_an_answer_without_its_csrf_token_is_a_400_page_and_nothing_is_written(app):
    path = survey_link(app)

    response = app.test_client().post(path.split("?")[0], data=ANSWERS)

    assert response.status_code == 400 and response.mimetype == "text/html"
    assert stored(app).answered_at is None


def test_a_refused_comment_is_shown_back_escaped(app):
    path = survey_link(app)

    response = answered(app.test_client(), path, nps="9", comment="<script>alert(1)</script>")
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_browser_opening_the_api_address_of_the_link_is_sent_to_the_page(app):
    path = survey_link(app).split("?")[0]
    api = path.replace("/portal/surveys/", "/surveys/by-token/")

    browser = app.test_client().get(api, headers={"Accept": "text/html,*/*;q=0.8"})
    integrator = app.test_client().get(api)

    assert browser.status_code == 303 and browser.location == path
    assert integrator.status_code == 200 and integrator.json["questions"]


def test_a_forged_link_is_an_error_page(app):
    response = app.test_client().get("/portal/surveys/forged")

    assert response.status_code == 401 and response.mimetype == "text/html"
    assert "This link is not valid" in response.get_data(as_text=True)

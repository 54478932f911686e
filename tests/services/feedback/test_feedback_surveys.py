"""Surveys: issued on acceptance with a single-use expiring link, answered once, reminded once."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.feedback.usecases.surveys import send_due_reminders
from shared.events.contracts import validated_for_publish
from shared.links import sign_link
from tests.helpers import (
    JWT_SECRET,
    api_path,
    auth,
    deliver,
    event,
    link_in,
    mailed,
    problem,
    published,
)
from tests.services.feedback.feedback_scenario import (
    accept_order,
    accepted,
    confirmed,
    create_order,
    register_customer,
    send,
)

GOOD = {"csat": 5, "nps": 9, "quality": 5, "schedule": 4, "communication": 4, "service": 5}


@pytest.fixture
def app(make_app):
    return make_app(
        "feedback", public_base_url="https://feedback.example", survey_reminder_hours=48
    )


def survey_path(app, index=0) -> str:
    """The JSON API's path for the link in the customer's `index`th survey mail (first,
    reminder, re-sent); the mail itself links to the survey page."""
    return api_path(link_in(mailed(app)[index].text_body))


def count(app, type):
    return len(published(app, type))


def test_an_accepted_order_gets_one_survey_mailed_to_its_customer(app):
    customer_id = register_customer(app)
    order_id = accept_order(app, customer_id)

    (sent,) = published(app, "ordo.survey.sent")
    validated_for_publish("ordo.survey.sent", sent.data)
    assert sent.subject == str(order_id)
    assert sent.data["customer_id"] == str(customer_id)
    assert sent.data["email"] == "buyer@acme.example"
    assert sent.data["order_number"] == "ORD-2026-00001"
    assert (sent.data["reminder"], sent.data["resent"]) == (False, False)
    (mail,) = mailed(app)
    assert (mail.kind, mail.to_address, mail.order_id) == ("survey", "buyer@acme.example", order_id)
    assert "ORD-2026-00001" in mail.subject
    link = link_in(mail.text_body)
    assert link.startswith("https://feedback.example/portal/surveys/")
    assert link in mail.html_body
    assert link.rsplit("/", 1)[1] not in sent.to_json()


def test_the_link_shows_the_questions_without_a_login(app):
    accept_order(app, register_customer(app))

    form = app.test_client().get(survey_path(app)).get_json()

    assert form["customer_name"] == "Acme GmbH"
    assert [q["id"] for q in form["questions"]] == [
        "csat",
        "nps",
        "quality",
        "schedule",
        "communication",
        "service",
        "comment",
    ]
    assert form["questions"][1] == {
        "id": "nps",
        "text": "How likely are you to recommend us to a colleague or a business partner?",
        "kind": "scale_0_10",
        "required": True,
        "minimum": 0,
        "maximum": 10,
    }


def test_a_redelivered_or_repeated_acceptance_sends_no_second_survey(app):
    customer_id = register_customer(app)
    order_id = create_order(app, customer_id)
    acceptance = event("ordo.delivery.accepted", accepted(order_id))

    assert deliver(app, acceptance) == "processed"
    assert deliver(app, acceptance) == "duplicate"
    send(app, "ordo.delivery.accepted", accepted(order_id, package_version=2))

    assert count(app, "ordo.survey.sent") == 1


def test_an_acceptance_heard_before_the_order_waits_for_the_customer(app):
    customer_id = register_customer(app)
    order_id = uuid.uuid4()
    send(app, "ordo.delivery.accepted", accepted(order_id))
    assert count(app, "ordo.survey.sent") == 0

    send(app, "ordo.order.confirmed", confirmed(order_id, customer_id))

    (sent,) = published(app, "ordo.survey.sent")
    assert sent.data["order_id"] == str(order_id)


def test_a_customer_registered_after_the_acceptance_gets_one_survey_with_its_contact(app):
    customer_id = uuid.uuid4()
    order_id = create_order(app, customer_id)
    send(app, "ordo.delivery.accepted", accepted(order_id))
    assert count(app, "ordo.survey.sent") == 0  # no e-mail to send it to yet

    registration = {
        "customer_id": customer_id,
        "name": "Acme GmbH",
        "email": "buyer@acme.example",
        "contact_name": "Dana Buyer",
        "version": 1,
    }
    send(app, "ordo.customer.registered", registration)
    send(app, "ordo.customer.registered", {**registration, "version": 2})
    send(app, "ordo.delivery.accepted", accepted(order_id, package_version=2))

    (sent,) = published(app, "ordo.survey.sent")
    validated_for_publish("ordo.survey.sent", sent.data)
    assert sent.data["order_id"] == str(order_id)
    assert sent.data["email"] == "buyer@acme.example"
    assert sent.data["contact_name"] == "Dana Buyer"
    assert app.test_client().get(survey_path(app)).get_json()["customer_name"] == "Acme GmbH"


def test_an_acceptance_heard_before_the_order_and_the_customer_waits_for_both(app):
    customer_id, order_id = uuid.uuid4(), uuid.uuid4()
    other = create_order(app, customer_id, number="ORD-2026-00002")  # not accepted: no survey
    send(app, "ordo.delivery.accepted", accepted(order_id))
    send(app, "ordo.order.confirmed", confirmed(order_id, customer_id))
    assert count(app, "ordo.survey.sent") == 0

    register_customer_id = {
        "customer_id": customer_id,
        "name": "Acme GmbH",
        "email": "buyer@acme.example",
        "version": 1,
    }
    send(app, "ordo.customer.registered", register_customer_id)

    (sent,) = published(app, "ordo.survey.sent")
    assert sent.data["order_id"] == str(order_id) != str(other)
    assert sent.data["order_number"] == "ORD-2026-00001"


def test_an_answer_publishes_the_scores_and_a_second_answer_is_gone(app):
    order_id = accept_order(app, register_customer(app))
    client = app.test_client()

    answered = client.post(survey_path(app), json={**GOOD, "comment": "  Smooth.  "})
    again = client.post(survey_path(app), json=GOOD)
    reread = client.get(survey_path(app))

    assert answered.status_code == 201
    assert again.status_code == 410 and problem(again)["title"] == "Gone"
    assert reread.status_code == 410
    (received,) = published(app, "ordo.feedback.received")
    validated_for_publish("ordo.feedback.received", received.data)
    assert received.data == {
        "order_id": str(order_id),
        "survey_id": received.data["survey_id"],
        "csat": 5,
        "nps": 9,
        "detractor": False,
    }
    survey = client.get(f"/surveys/{received.data['survey_id']}", headers=auth("manager"))
    assert survey.get_json()["comment"] == "Smooth."
    assert client.get("/follow-ups", headers=auth("manager")).get_json()["total"] == 0


@pytest.mark.parametrize(
    ("csat", "nps"), [(4, 6), (2, 9), (1, 0)], ids=["nps-6", "csat-2", "both-low"]
)
def test_a_detractor_opens_a_follow_up_for_the_orders_manager(app, csat, nps):
    order_id = accept_order(app, register_customer(app))
    client = app.test_client()

    client.post(survey_path(app), json={"csat": csat, "nps": nps, "comment": "Late again"})

    assert published(app, "ordo.feedback.received")[0].data["detractor"] is True
    (follow_up,) = client.get("/follow-ups?status=open", headers=auth("manager")).get_json()[
        "items"
    ]
    assert follow_up["order_id"] == str(order_id)
    assert follow_up["owner_role"] == "manager"
    assert follow_up["reason"] == (
        f"Detractor on ORD-2026-00001 (CSAT {csat}, NPS {nps}): Late again"
    )


def test_a_detractors_whole_comment_reaches_the_follow_up(app):
    accept_order(app, register_customer(app))
    client = app.test_client()
    comment = "The belt kept stopping. " * 165 + "PLEASE CALL ME"  # 3,974 characters

    answer = client.post(survey_path(app), json={"csat": 1, "nps": 2, "comment": comment})

    assert answer.status_code == 201

    (follow_up,) = client.get("/follow-ups", headers=auth("manager")).get_json()["items"]
    assert follow_up["reason"] == f"Detractor on ORD-2026-00001 (CSAT 1, NPS 2): {comment.strip()}"


def test_a_manager_closes_a_follow_up_with_a_note(app):
    accept_order(app, register_customer(app))
    client = app.test_client()
    client.post(survey_path(app), json={"csat": 1, "nps": 2})
    follow_up = client.get("/follow-ups", headers=auth("manager")).get_json()["items"][0]
    url = f"/follow-ups/{follow_up['id']}/close"

    note = {"note": "Called the buyer"}
    stale = client.post(url, json=note, headers={**auth("manager"), "If-Match": '"9"'})
    closed = client.post(url, json=note, headers={**auth("manager"), "If-Match": '"1"'})

    assert stale.status_code == 412
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert client.get("/follow-ups?status=open", headers=auth("manager")).get_json()["total"] == 0
    assert client.get("/follow-ups", headers=auth("sales")).status_code == 403
    again = client.post(url, json=note, headers={**auth("manager"), "If-Match": "*"})
    assert again.status_code == 409
    assert problem(again)["detail"] == "This follow-up is already closed."
    assert (problem(again)["current_status"], problem(again)["allowed_actions"]) == ("closed", [])


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"csat": 6, "nps": 9}, "csat"),
        ({"csat": 0, "nps": 9}, "csat"),
        ({"csat": 4, "nps": 11}, "nps"),
        ({"csat": 4, "nps": -1}, "nps"),
        ({"csat": "4", "nps": 9}, "csat"),
        ({"csat": 4.5, "nps": 9}, "csat"),
        ({"csat": True, "nps": 9}, "csat"),
        ({"csat": 4, "nps": 9, "quality": 7}, "quality"),
        ({"csat": 4, "nps": 9, "mood": 3}, "mood"),
        ({"nps": 9}, "csat"),
        ({"csat": 4, "nps": 9, "comment": "x" * 4001}, "comment"),
    ],
    ids=[
        "csat-6",
        "csat-0",
        "nps-11",
        "nps-negative",
        "csat-string",
        "csat-fraction",
        "csat-bool",
        "rating-7",
        "unknown-question",
        "csat-missing",
        "comment-too-long",
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_written(app, answers, field):
    accept_order(app, register_customer(app))
    client = app.test_client()

    response = client.post(survey_path(app), json=answers)

    assert response.status_code == 422
    assert field in problem(response)["errors"]
    assert count(app, "ordo.feedback.received") == 0
    assert client.get(survey_path(app)).status_code == 200


def test_an_expired_link_is_gone(app):
    accept_order(app, register_customer(app))
    survey_id = published(app, "ordo.survey.sent")[0].data["survey_id"]
    expired = sign_link(
        JWT_SECRET, "survey", uuid.UUID(survey_id), datetime.now(UTC) - timedelta(minutes=1)
    )

    response = app.test_client().post(f"/surveys/by-token/{expired}", json=GOOD)

    assert response.status_code == 410
    assert problem(response)["detail"] == "This link has expired."
    assert count(app, "ordo.feedback.received") == 0


@pytest.mark.parametrize("how", ["other-secret", "other-purpose", "garbage", "tampered"])
def test_a_forged_link_is_refused(app, how):
    accept_order(app, register_customer(app))
    survey_id = uuid.UUID(published(app, "ordo.survey.sent")[0].data["survey_id"])
    later = datetime.now(UTC) + timedelta(days=1)
    token = {
        "other-secret": sign_link("not-the-secret-of-this-test-suite", "survey", survey_id, later),
        "other-purpose": sign_link(JWT_SECRET, "acceptance", survey_id, later),
        "garbage": "not-a-token",
        "tampered": survey_path(app).rsplit("/", 1)[1][:-2] + "xx",
    }[how]

    response = app.test_client().post(f"/surveys/by-token/{token}", json=GOOD)

    assert response.status_code == 401
    assert problem(response)["status"] == 401
    assert count(app, "ordo.feedback.received") == 0


BAD = {"csat": 9, "mood": 1}  # CSAT out of range, no NPS, an unknown question


def test_the_link_is_checked_before_the_answer(app):
    accept_order(app, register_customer(app))
    client = app.test_client()
    path = survey_path(app)
    survey_id = uuid.UUID(published(app, "ordo.survey.sent")[0].data["survey_id"])
    expired = sign_link(JWT_SECRET, "survey", survey_id, datetime.now(UTC) - timedelta(minutes=1))
    nowhere = sign_link(JWT_SECRET, "survey", uuid.uuid4(), datetime.now(UTC) + timedelta(days=1))

    assert client.post("/surveys/by-token/forged", json=BAD).status_code == 401
    assert client.post(f"/surveys/by-token/{expired}", json=BAD).status_code == 410
    assert client.post(f"/surveys/by-token/{nowhere}", json=BAD).status_code == 404
    assert client.post(path, json=[GOOD]).status_code == 422
    bad = client.post(path, json=BAD)
    assert bad.status_code == 422 and {"csat", "nps", "mood"} <= set(problem(bad)["errors"])
    assert client.post(path, json=GOOD).status_code == 201
    answered_again = client.post(path, json=BAD)
    assert answered_again.status_code == 410 and problem(answered_again)["title"] == "Gone"
    assert count(app, "ordo.feedback.received") == 1


def test_the_answer_body_stays_documented(app):
    spec = app.test_client().get("/openapi.json").get_json()
    post = spec["paths"]["/surveys/by-token/{token}"]["post"]

    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert post["requestBody"]["required"] is True
    answer = spec["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert {"csat", "nps", "comment"} <= set(answer["properties"])
    assert answer["properties"]["csat"]["minimum"] == 1
    assert {"201", "422"} <= set(post["responses"])


def test_a_signed_link_to_no_survey_is_not_found(app):
    token = sign_link(JWT_SECRET, "survey", uuid.uuid4(), datetime.now(UTC) + timedelta(days=1))
    assert app.test_client().get(f"/surveys/by-token/{token}").status_code == 404


def reminders(app, now):
    ordo = app.extensions["ordo"]
    with ordo.db.transaction() as session:
        return send_due_reminders(session, now, ordo.settings)


def test_one_reminder_goes_out_after_the_configured_delay(app):
    accept_order(app, register_customer(app))
    now = datetime.now(UTC)

    assert reminders(app, now + timedelta(hours=47)) == []
    assert len(reminders(app, now + timedelta(hours=49))) == 1
    assert reminders(app, now + timedelta(hours=100)) == []

    first, reminder = published(app, "ordo.survey.sent")
    validated_for_publish("ordo.survey.sent", reminder.data)
    assert reminder.data["reminder"] is True
    assert reminder.data["survey_id"] == first.data["survey_id"]
    assert reminder.data["expires_at"] == first.data["expires_at"]
    assert mailed(app)[1].kind == "survey_reminder"
    reminded_path = survey_path(app, 1)
    replaced = app.test_client().get(survey_path(app, 0))
    assert problem(replaced)["detail"] == "A newer link replaced this one."
    assert app.test_client().post(reminded_path, json=GOOD).status_code == 201
    assert app.test_client().post(survey_path(app), json=GOOD).status_code == 410


def test_an_answered_or_expired_survey_gets_no_reminder(app):
    customer_id = register_customer(app)
    accept_order(app, customer_id)
    accept_order(app, customer_id, number="ORD-2026-00002")
    app.test_client().post(survey_path(app), json=GOOD)
    later = datetime.now(UTC)

    assert reminders(app, later + timedelta(days=30)) == []
    assert len(reminders(app, later + timedelta(days=3))) == 1


def test_admins_can_send_due_reminders_on_demand(app):
    accept_order(app, register_customer(app))
    client = app.test_client()

    assert client.post("/admin/reminders/run", headers=auth("manager")).status_code == 403
    assert client.post("/admin/reminders/run", headers=auth("admin")).get_json() == {"reminded": []}


def test_customers_see_only_their_own_surveys(app):
    mine, theirs = register_customer(app), register_customer(app, name="Other AG")
    accept_order(app, mine)
    accept_order(app, theirs, number="ORD-2026-00002")
    client = app.test_client()

    listed = client.get("/surveys", headers=auth("customer", customer_id=mine)).get_json()
    other = next(
        s
        for s in client.get("/surveys", headers=auth("manager")).get_json()["items"]
        if s["customer_id"] == str(theirs)
    )
    read_other = client.get(f"/surveys/{other['id']}", headers=auth("customer", customer_id=mine))

    assert [s["customer_id"] for s in listed["items"]] == [str(mine)]
    assert read_other.status_code == 403
    own = client.get(f"/surveys/{listed['items'][0]['id']}", headers=auth("customer", mine))
    assert own.status_code == 200
    assert client.get("/surveys").status_code == 401


def test_a_chinese_speaking_customer_gets_the_survey_and_its_reminder_in_chinese(app):
    accept_order(app, register_customer(app, locale="zh-CN"))
    reminders(app, datetime.now(UTC) + timedelta(hours=49))

    survey, reminder = mailed(app)
    assert (survey.locale, survey.subject) == (
        "zh-CN",
        "订单 ORD-2026-00001：请花两分钟评价我们的服务",
    )
    assert reminder.kind == "survey_reminder" and reminder.subject.startswith("提醒")
    assert "填写问卷" in survey.html_body


def test_a_customer_without_an_email_gets_its_survey_once_the_address_is_recorded(app):
    customer_id = register_customer(app, email=None)
    order_id = accept_order(app, customer_id)
    assert mailed(app) == [] and count(app, "ordo.survey.sent") == 0

    contact = {"customer_id": customer_id, "name": "Acme GmbH", "email": "new@acme.example"}
    send(app, "ordo.customer.updated", {**contact, "version": 2})

    (mail,) = mailed(app)
    assert (mail.to_address, mail.order_id) == ("new@acme.example", order_id)
    (sent,) = published(app, "ordo.survey.sent")
    assert sent.data["email"] == "new@acme.example"

"""Retrospectives: opened by events, lessons, actions and archive, completion, knowledge base."""

import uuid

import pytest

from shared.events.contracts import validated_for_publish
from tests.helpers import auth, problem, published
from tests.services.feedback.feedback_scenario import (
    accept_order,
    accepted,
    confirmed,
    create_order,
    register_customer,
    send,
)

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def app(make_app):
    return make_app("feedback")


@pytest.fixture
def client(app):
    return app.test_client()


def retrospective_of(client, order_id) -> dict:
    found = client.get(f"/retrospectives?order_id={order_id}", headers=auth("manager"))
    (summary,) = found.get_json()["items"]
    return client.get(f"/retrospectives/{summary['id']}", headers=auth("manager")).get_json()


def add_lesson(client, retrospective, **lesson):
    url = f"/retrospectives/{retrospective['id']}/lessons"
    return client.post(url, json=lesson, headers=auth("engineer"))


def test_a_retrospective_opens_once_on_acceptance(app, client):
    order_id = accept_order(app, register_customer(app))
    send(app, "ordo.order.closed", {"order_id": order_id, "closed_by": "manager"})

    retrospective = retrospective_of(client, order_id)

    assert retrospective["opened_on"] == "accepted"
    assert retrospective["status"] == "open"
    assert retrospective["order_number"] == "ORD-2026-00001"


def test_a_cancelled_order_gets_a_retrospective_but_no_survey(app, client):
    customer_id = register_customer(app)
    order_id = create_order(app, customer_id)
    send(
        app,
        "ordo.order.cancelled",
        {"order_id": order_id, "reason": "Budget cut", "previous_status": "draft"},
    )

    assert retrospective_of(client, order_id)["opened_on"] == "cancelled"
    assert published(app, "ordo.survey.sent") == []


def test_an_order_in_progress_has_no_retrospective_yet(app, client):
    order_id = create_order(app, register_customer(app))
    listed = client.get(f"/retrospectives?order_id={order_id}", headers=auth("manager"))
    assert listed.get_json()["total"] == 0


def test_lessons_actions_and_archive_are_kept_with_the_retrospective(app, client):
    customer_id = register_customer(app)
    order_id = create_order(app, customer_id)
    requirement_id = uuid.uuid4()
    requirement = {
        "requirement_id": requirement_id,
        "title": "Throughput",
        "kind": "latent",
        "priority": "must",
        "revision": 1,
        "acceptance_criteria": [],
    }
    send(app, "ordo.order.confirmed", confirmed(order_id, customer_id, requirements=[requirement]))
    send(app, "ordo.delivery.accepted", accepted(order_id))
    retrospective = retrospective_of(client, order_id)
    base = f"/retrospectives/{retrospective['id']}"

    lesson = add_lesson(
        client,
        retrospective,
        problem="Belt speed below spec",
        root_cause="Latent need missed",
        suggestion="Ask for peak throughput",
        tags=["Throughput", "interview"],
        requirement_id=str(requirement_id),
    )
    action = client.post(
        f"{base}/actions",
        json={
            "title": "Add peak load to the interview guide",
            "owner": "sales-lead",
            "due_date": "2026-12-31",
        },
        headers=auth("manager"),
    )
    updated = client.patch(
        f"{base}/actions/{action.get_json()['id']}",
        json={"status": "done"},
        headers={**auth("manager"), "If-Match": action.headers["ETag"]},
    )
    archived = client.post(
        f"{base}/archive",
        json={
            "document_id": str(uuid.uuid4()),
            "title": "Delivery note v2",
            "kind": "delivery_note",
            "sha256": SHA,
            "summary": "Signed, two punch items.",
        },
        headers=auth("logistics"),
    )

    assert lesson.status_code == 201
    assert lesson.get_json()["tags"] == ["interview", "throughput"]
    assert lesson.get_json()["requirement_kind"] == "latent"
    assert updated.get_json()["status"] == "done"
    assert archived.status_code == 201
    detail = retrospective_of(client, order_id)
    assert [len(detail[part]) for part in ("lessons", "actions", "archive")] == [1, 1, 1]
    actions = client.get("/improvement-actions?status=done", headers=auth("planner"))
    assert actions.get_json()["items"][0]["owner"] == "sales-lead"


def test_completing_needs_a_lesson_and_then_publishes_the_completion(app, client):
    order_id = accept_order(app, register_customer(app))
    retrospective = retrospective_of(client, order_id)
    url = f"/retrospectives/{retrospective['id']}/complete"
    headers = {**auth("manager"), "If-Match": f'"{retrospective["version"]}"'}

    empty = client.post(url, json={"summary": "Nothing learned"}, headers=headers)
    assert empty.status_code == 409
    assert problem(empty)["lesson_count"] == 0
    assert problem(empty)["current_status"] == "open"
    assert "complete" in problem(empty)["allowed_actions"]
    assert retrospective_of(client, order_id)["summary"] is None
    assert published(app, "ordo.retrospective.completed") == []

    add_lesson(client, retrospective, went_well="Daily stand-ups with the customer")
    done = client.post(url, json={"summary": "Good project"}, headers=headers)
    again = client.post(url, json={}, headers={**auth("manager"), "If-Match": "*"})
    late_lesson = add_lesson(client, retrospective, problem="Too late")

    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    assert again.status_code == 409
    assert late_lesson.status_code == 409
    assert problem(again)["current_status"] == "completed"
    assert problem(again)["allowed_actions"] == ["plan_action"]
    assert problem(again)["lesson_count"] == 1
    assert problem(late_lesson)["detail"] == "The retrospective is completed; it takes no more."
    (completed,) = published(app, "ordo.retrospective.completed")
    validated_for_publish("ordo.retrospective.completed", completed.data)
    assert completed.data["order_id"] == str(order_id)
    assert completed.data["lesson_count"] == 1
    order = client.get(f"/orders/{order_id}", headers=auth("manager")).get_json()
    assert order["status"] == "closed"


def test_completing_the_retrospective_of_a_cancelled_order_leaves_it_cancelled(app, client):
    customer_id = register_customer(app)
    order_id = create_order(app, customer_id)
    send(app, "ordo.order.confirmed", confirmed(order_id, customer_id))
    cancelled = {"order_id": order_id, "reason": "Budget cut", "previous_status": "confirmed"}
    send(app, "ordo.order.cancelled", cancelled)
    retrospective = retrospective_of(client, order_id)
    add_lesson(client, retrospective, problem="Scope was never agreed")

    done = client.post(
        f"/retrospectives/{retrospective['id']}/complete",
        json={},
        headers={**auth("manager"), "If-Match": f'"{retrospective["version"]}"'},
    )

    assert done.status_code == 200, done.get_json()
    assert published(app, "ordo.retrospective.completed")
    order = client.get(f"/orders/{order_id}", headers=auth("manager")).get_json()
    assert order["status"] == "cancelled"
    assert [entry["status"] for entry in order["status_history"]] == [
        "draft",
        "confirmed",
        "cancelled",
    ]
    kpis = client.get("/kpis", headers=auth("manager")).get_json()["overall"]
    assert (kpis["orders_by_status"]["cancelled"], kpis["orders_by_status"]["closed"]) == (1, 0)


def test_only_managers_complete_and_only_with_if_match(app, client):
    order_id = accept_order(app, register_customer(app))
    retrospective = retrospective_of(client, order_id)
    add_lesson(client, retrospective, went_well="Clear scope")
    url = f"/retrospectives/{retrospective['id']}/complete"

    engineer = {**auth("engineer"), "If-Match": "*"}
    assert client.post(url, json={}, headers=engineer).status_code == 403
    assert client.post(url, json={}, headers=auth("manager")).status_code == 428
    assert published(app, "ordo.retrospective.completed") == []


@pytest.mark.parametrize(
    "lesson",
    [
        {},
        {"problem": "   "},
        {"problem": "x", "tags": ["no spaces please"]},
        {"problem": "x", "tags": [f"t{n}" for n in range(11)]},
        {"problem": "x", "requirement_kind": "nice-to-have"},
        {"problem": "x", "severity": "high"},
    ],
    ids=["empty", "blank", "bad-tag", "too-many-tags", "unknown-kind", "unknown-field"],
)
def test_a_bad_lesson_is_refused_and_nothing_is_written(app, client, lesson):
    order_id = accept_order(app, register_customer(app))
    retrospective = retrospective_of(client, order_id)

    response = add_lesson(client, retrospective, **lesson)

    assert response.status_code == 422
    assert problem(response)["status"] == 422
    assert retrospective_of(client, order_id)["lessons"] == []
    assert client.get("/knowledge", headers=auth("manager")).get_json()["total"] == 0


def test_a_bad_archive_item_is_refused(app, client):
    order_id = accept_order(app, register_customer(app))
    retrospective = retrospective_of(client, order_id)
    response = client.post(
        f"/retrospectives/{retrospective['id']}/archive",
        json={"title": "Note", "kind": "Delivery Note", "sha256": "abc", "summary": "x"},
        headers=auth("quality"),
    )
    assert response.status_code == 422
    assert set(problem(response)["errors"]) == {"kind", "sha256"}


def test_customers_cannot_read_retrospectives(app, client):
    customer_id = register_customer(app)
    accept_order(app, customer_id)
    response = client.get("/retrospectives", headers=auth("customer", customer_id=customer_id))
    assert response.status_code == 403


def knowledge(client, query: str) -> list[str]:
    found = client.get(f"/knowledge?{query}", headers=auth("sales")).get_json()
    return [entry["title"] for entry in found["items"]]


def test_the_knowledge_base_answers_what_went_wrong_last_time_with_this_customer(app, client):
    acme, other = register_customer(app), register_customer(app, name="Other AG")
    first = retrospective_of(client, accept_order(app, acme))
    second = retrospective_of(client, accept_order(app, other, number="ORD-2026-00002"))
    add_lesson(
        client,
        first,
        problem="Motor overheated at peak load",
        tags=["motors"],
        requirement_kind="constraint",
    )
    add_lesson(
        client, first, went_well="Weekly demos kept the buyer informed", tags=["communication"]
    )
    add_lesson(client, second, problem="Motor supplier late", tags=["motors", "supply"])
    client.post(
        f"/retrospectives/{first['id']}/archive",
        json={
            "title": "Acceptance certificate",
            "kind": "certificate",
            "summary": "Accepted with one punch item on the motor guard.",
        },
        headers=auth("quality"),
    )

    assert knowledge(client, f"customer_id={acme}&entry_type=lesson") == [
        "Weekly demos kept the buyer informed",
        "Motor overheated at peak load",
    ]
    newest_first = [
        "Acceptance certificate",
        "Motor supplier late",
        "Motor overheated at peak load",
    ]
    found = knowledge(client, "q=MOTOR")
    if app.extensions["ordo"].db.engine.dialect.name == "postgresql":
        # Best match first there (its ranking: tests/integration/test_knowledge_search.py).
        assert sorted(found) == sorted(newest_first)
    else:
        assert found == newest_first
    assert knowledge(client, "q=motor peak") == ["Motor overheated at peak load"]
    assert knowledge(client, "tag=motors") == [
        "Motor supplier late",
        "Motor overheated at peak load",
    ]
    assert knowledge(client, f"tag=motors&customer_id={other}") == ["Motor supplier late"]
    assert knowledge(client, "requirement_kind=constraint") == ["Motor overheated at peak load"]
    assert knowledge(client, "tag=certificate") == ["Acceptance certificate"]
    assert knowledge(client, "q=100%25_") == []
    assert client.get("/knowledge?requirement_kind=vague", headers=auth("sales")).status_code == 422


def test_lessons_filed_before_the_orders_facts_arrive_are_found_by_customer(app, client):
    customer_id, order_id = register_customer(app), uuid.uuid4()
    send(app, "ordo.delivery.accepted", accepted(order_id))  # before the order's creation
    retrospective = retrospective_of(client, order_id)
    add_lesson(client, retrospective, problem="Late motor delivery", tags=["motors"])
    client.post(
        f"/retrospectives/{retrospective['id']}/archive",
        json={"title": "Delivery note", "kind": "delivery_note", "summary": "Two crates."},
        headers=auth("quality"),
    )
    assert knowledge(client, f"customer_id={customer_id}") == []

    send(app, "ordo.order.confirmed", confirmed(order_id, customer_id))
    add_lesson(client, retrospective, went_well="Clear acceptance criteria")

    assert knowledge(client, f"customer_id={customer_id}") == [
        "Clear acceptance criteria",
        "Delivery note",
        "Late motor delivery",
    ]
    assert knowledge(client, f"customer_id={customer_id}&entry_type=lesson&tag=motors") == [
        "Late motor delivery"
    ]
    entries = client.get("/knowledge", headers=auth("sales")).get_json()["items"]
    assert {entry["order_number"] for entry in entries} == {"ORD-2026-00001"}
    assert retrospective_of(client, order_id)["customer_id"] == str(customer_id)

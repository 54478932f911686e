"""Requirements, submission, review decisions, approval and the events they publish."""

from tests.helpers import auth, problem, published
from tests.services.orders.conftest import requirement_body


def test_a_reviewed_order_is_confirmed_with_its_requirements_criteria_and_estimates(app, flow):
    order = flow.confirmed(requirements=2)
    assert order["status"] == "confirmed" and order["confirmed_at"]
    [event] = published(app, "ordo.order.confirmed")
    assert event.subject == order["id"]
    assert event.data["number"] == order["number"]
    assert [r["title"] for r in event.data["requirements"]] == ["Requirement 1", "Requirement 2"]
    first = event.data["requirements"][0]
    assert first["estimate_days"] == 5 and first["source"] == "interview"
    assert [(c["position"], c["text"]) for c in first["acceptance_criteria"]] == [
        (1, "Presses 40 t"),
        (2, "Cycle under 12 s"),
    ]
    requirements = flow.client.get(f"/orders/{order['id']}/requirements", headers=auth("sales"))
    criterion_ids = [c["id"] for c in requirements.json[0]["acceptance_criteria"]]
    assert [c["criterion_id"] for c in first["acceptance_criteria"]] == criterion_ids
    assert {r["status"] for r in requirements.json} == {"approved"}


def test_submission_publishes_order_submitted(app, flow):
    order = flow.submitted(requirements=3)
    [event] = published(app, "ordo.order.submitted")
    assert event.data == {
        "order_id": order["id"],
        "version": order["version"],
        "number": order["number"],
        "requirement_count": 3,
    }


def test_an_order_without_requirements_cannot_be_submitted(flow):
    order = flow.draft()
    response = flow.post(f"/orders/{order['id']}/submit", role="sales")
    assert response.status_code == 409
    assert "at least one requirement" in problem(response)["detail"]
    assert flow.order(order["id"])["status"] == "draft"


def test_a_requirement_without_criteria_blocks_submission(flow):
    order = flow.draft()
    response = flow.client.post(
        f"/orders/{order['id']}/requirements",
        json={k: v for k, v in requirement_body().items() if k != "acceptance_criteria"},
        headers=auth("sales"),
    )
    assert response.status_code == 201
    refused = flow.post(f"/orders/{order['id']}/submit", role="sales")
    assert refused.status_code == 409
    assert refused.json["problems"] == [
        f"Requirement {response.json['id']} has no acceptance criterion."
    ]


def test_requesting_changes_returns_the_order_to_draft_and_keeps_the_comments(flow):
    order = flow.submitted(requirements=2)
    requirements = flow.client.get(f"/orders/{order['id']}/requirements", headers=auth("sales"))
    first, second = requirements.json
    decisions = [
        {"requirement_id": first["id"], "decision": "approved"},
        {"requirement_id": second["id"], "decision": "changes_requested", "comment": "Say how"},
    ]
    assert flow.post(f"/orders/{order['id']}/reviews", {"decisions": decisions}).status_code == 201
    flow.customer_agrees(order["id"])
    blocked = flow.post(f"/orders/{order['id']}/approve")
    assert blocked.status_code == 409
    assert blocked.json["blockers"] == {second["id"]: "A reviewer requested changes."}

    back = flow.post(f"/orders/{order['id']}/request-changes", {"comment": "See R2"}, "sales")
    assert back.status_code == 200
    assert (back.json["status"], back.json["status_reason"]) == ("draft", "See R2")
    kept = flow.client.get(f"/orders/{order['id']}/reviews", headers=auth("manager")).json
    assert sorted((d["decision"], d["comment"]) for d in kept if d["party"] == "staff") == [
        ("approved", ""),
        ("changes_requested", "Say how"),
    ]
    statuses = flow.client.get(f"/orders/{order['id']}/requirements", headers=auth("sales"))
    assert [r["status"] for r in statuses.json] == ["proposed", "changes_requested"]


def test_a_second_round_needs_fresh_decisions(flow):
    order = flow.submitted()
    flow.approve_all(order["id"])
    flow.post(f"/orders/{order['id']}/request-changes", {"comment": "Rethink"})
    assert flow.post(f"/orders/{order['id']}/submit", role="sales").json["review_round"] == 2
    assert flow.post(f"/orders/{order['id']}/approve").status_code == 409
    flow.approve_all(order["id"], role="sales")
    assert flow.post(f"/orders/{order['id']}/approve").json["status"] == "confirmed"


def test_asking_for_changes_needs_a_comment_and_a_known_decision(flow):
    order = flow.submitted()
    [requirement] = flow.client.get(
        f"/orders/{order['id']}/requirements", headers=auth("sales")
    ).json
    for decision, field in (
        ({"requirement_id": requirement["id"], "decision": "changes_requested"}, "comment"),
        ({"requirement_id": requirement["id"], "decision": "maybe"}, "decision"),
    ):
        response = flow.post(f"/orders/{order['id']}/reviews", {"decisions": [decision]})
        assert response.status_code == 422
        assert field in problem(response)["errors"]["decisions"]["0"]
    assert flow.client.get(f"/orders/{order['id']}/reviews", headers=auth("sales")).json == []


def test_a_decision_on_another_orders_requirement_is_422(flow):
    order = flow.submitted()
    other = flow.submitted()
    [foreign] = flow.client.get(f"/orders/{other['id']}/requirements", headers=auth("sales")).json
    decision = {"requirement_id": foreign["id"], "decision": "approved"}
    response = flow.post(f"/orders/{order['id']}/reviews", {"decisions": [decision]})
    assert response.status_code == 422


def test_only_a_manager_approves_and_only_staff_review(flow):
    order = flow.submitted()
    flow.approve_all(order["id"], role="sales")
    assert flow.post(f"/orders/{order['id']}/approve", role="sales").status_code == 403
    decisions = {"decisions": [{"requirement_id": order["id"], "decision": "approved"}]}
    assert flow.post(f"/orders/{order['id']}/reviews", decisions, "engineer").status_code == 403


def test_requirements_cannot_be_added_or_edited_after_submission(flow):
    order = flow.submitted()
    [requirement] = flow.client.get(
        f"/orders/{order['id']}/requirements", headers=auth("sales")
    ).json
    added = flow.client.post(
        f"/orders/{order['id']}/requirements", json=requirement_body(), headers=auth("sales")
    )
    edited = flow.client.patch(
        f"/orders/{order['id']}/requirements/{requirement['id']}",
        json={"title": "Late idea"},
        headers={**auth("sales"), "If-Match": f'"{requirement["version"]}"'},
    )
    for response in (added, edited):
        assert response.status_code == 409
        assert problem(response)["current_status"] == "submitted"
        assert "approve" in problem(response)["allowed_actions"]
    after = flow.client.get(f"/orders/{order['id']}/requirements", headers=auth("sales")).json
    assert after == [requirement]


def test_the_confirm_shortcut_is_gone(flow):
    order = flow.draft()
    assert flow.post(f"/orders/{order['id']}/confirm").status_code == 404

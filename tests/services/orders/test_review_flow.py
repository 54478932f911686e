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

"""Requirements on draft orders: criteria with their own ids, revisions with history."""

import uuid

import pytest

from tests.helpers import auth, problem
from tests.services.orders.conftest import requirement_body


def test_a_requirement_keeps_its_criteria_in_order_with_their_own_ids(flow):
    order = flow.draft()
    requirement = flow.add_requirement(order["id"], kind="constraint", source="document")
    criteria = requirement["acceptance_criteria"]
    assert [(c["position"], c["text"]) for c in criteria] == [
        (1, "Presses 40 t"),
        (2, "Cycle under 12 s"),
    ]
    assert len({c["id"] for c in criteria}) == 2
    assert (requirement["revision"], requirement["status"]) == (1, "proposed")


def test_revising_a_requirement_raises_its_revision_and_keeps_the_history(flow):
    order = flow.draft()
    requirement = flow.add_requirement(order["id"])
    kept, dropped = requirement["acceptance_criteria"]
    path = f"/orders/{order['id']}/requirements/{requirement['id']}"
    response = flow.client.patch(
        path,
        json={
            "priority": "should",
            "acceptance_criteria": [
                {"text": "Noise under 80 dB"},
                {"id": kept["id"], "text": "40 t"},
            ],
        },
        headers={**auth("sales"), "If-Match": response_etag(flow, path)},
    )
    assert response.status_code == 200, response.json
    revised = response.json
    assert (revised["revision"], revised["priority"]) == (2, "should")
    assert [(c["position"], c["text"]) for c in revised["acceptance_criteria"]] == [
        (1, "Noise under 80 dB"),
        (2, "40 t"),
    ]
    assert revised["acceptance_criteria"][1]["id"] == kept["id"]
    assert dropped["id"] not in {c["id"] for c in revised["acceptance_criteria"]}
    history = flow.client.get(f"{path}/revisions", headers=auth("sales")).json
    assert [(h["revision"], h["content"]["priority"]) for h in history] == [
        (1, "must"),
        (2, "should"),
    ]


def response_etag(flow, path):
    return flow.client.get(path, headers=auth("sales")).headers["ETag"]


def test_a_revision_needs_if_match_and_refuses_a_stale_one(flow):
    order = flow.draft()
    requirement = flow.add_requirement(order["id"])
    path = f"/orders/{order['id']}/requirements/{requirement['id']}"
    assert flow.client.patch(path, json={"title": "x"}, headers=auth("sales")).status_code == 428
    stale = flow.client.patch(
        path, json={"title": "x"}, headers={**auth("sales"), "If-Match": '"99"'}
    )
    assert stale.status_code == 412
    assert flow.client.get(path, headers=auth("sales")).json["title"] == "Pressing force"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"kind": "essential"}, "kind"),
        ({"source": "rumour"}, "source"),
        ({"priority": "urgent"}, "priority"),
        ({"estimate_days": -1}, "estimate_days"),
        ({"acceptance_criteria": []}, "acceptance_criteria"),
        ({"acceptance_criteria": [{"text": ""}]}, "acceptance_criteria"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_requirements_are_422_and_write_nothing(flow, override, field):
    order = flow.draft()
    response = flow.client.post(
        f"/orders/{order['id']}/requirements",
        json=requirement_body(**override),
        headers=auth("sales"),
    )
    assert response.status_code == 422
    assert field in problem(response)["errors"]
    assert flow.client.get(f"/orders/{order['id']}/requirements", headers=auth("sales")).json == []


def test_a_criterion_id_from_elsewhere_is_refused(flow):
    order = flow.draft()
    requirement = flow.add_requirement(order["id"])
    path = f"/orders/{order['id']}/requirements/{requirement['id']}"
    response = flow.client.patch(
        path,
        json={"acceptance_criteria": [{"id": str(uuid.uuid4()), "text": "x"}]},
        headers={**auth("sales"), "If-Match": response_etag(flow, path)},
    )
    assert response.status_code == 422
    assert flow.client.get(path, headers=auth("sales")).json["revision"] == 1


def test_a_criterion_id_given_twice_is_422_and_writes_nothing(flow):
    order = flow.draft()
    requirement = flow.add_requirement(order["id"])
    kept = requirement["acceptance_criteria"][0]["id"]
    path = f"/orders/{order['id']}/requirements/{requirement['id']}"
    response = flow.client.patch(
        path,
        json={"acceptance_criteria": [{"id": kept, "text": "A"}, {"id": kept, "text": "B"}]},
        headers={**auth("sales"), "If-Match": response_etag(flow, path)},
    )
    assert response.status_code == 422
    assert "acceptance_criteria" in problem(response)["errors"]
    after = flow.client.get(path, headers=auth("sales")).json
    assert after["revision"] == 1
    assert after["acceptance_criteria"] == requirement["acceptance_criteria"]


def test_an_unknown_requirement_or_order_is_404(flow):
    order = flow.draft()
    missing = flow.client.get(
        f"/orders/{order['id']}/requirements/{uuid.uuid4()}", headers=auth("sales")
    )
    assert problem(missing)["status"] == 404
    nowhere = flow.client.post(
        f"/orders/{uuid.uuid4()}/requirements", json=requirement_body(), headers=auth("sales")
    )
    assert nowhere.status_code == 404

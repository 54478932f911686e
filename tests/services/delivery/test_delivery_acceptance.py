"""Delivery packages and acceptance: submit, link rules, every decision, sign-off, events."""

import json
import uuid

from delivery_flow import CUSTOMER, LOGISTICS, QUALITY

from services.delivery.domain.decisions import package_digest
from services.delivery.models import Acceptance, Delivery, PunchItem
from shared.events.contracts import validated_for_publish
from tests.helpers import auth, link_in, mailed, problem, published


def rows(app, model) -> int:
    with app.extensions["ordo"].db.sessions() as session:
        return len(session.query(model).all())


def test_a_package_with_an_unchecked_deliverable_is_refused_and_nothing_written(flow):
    order = flow.confirm()
    deliverables = flow.deliverables(order["order_id"])
    flow.inspect(deliverables[0])

    response = flow.client.post(
        "/deliveries",
        json={"order_id": order["order_id"], "deliverable_ids": [d["id"] for d in deliverables]},
        headers=LOGISTICS,
    )

    assert response.status_code == 422
    assert list(problem(response)["errors"]["deliverable_ids"]) == [deliverables[1]["id"]]
    assert rows(flow.app, Delivery) == 0


def test_a_package_cannot_take_a_deliverable_of_another_order(flow):
    order, deliverables = flow.passed_order()
    _, foreign = flow.passed_order()

    response = flow.client.post(
        "/deliveries",
        json={"order_id": order["order_id"], "deliverable_ids": [foreign[0]["id"]]},
        headers=LOGISTICS,
    )

    assert response.status_code == 422
    assert rows(flow.app, Delivery) == 0


def test_submitting_mails_the_acceptance_link_and_delivers_the_deliverables(flow):
    delivery, token = flow.submitted()

    assert delivery["status"] == "submitted"
    assert delivery["link_sent_to"] == "ada@engines.example"
    assert token not in json.dumps(delivery)
    [mail] = mailed(flow.app, "acceptance_request")
    assert link_in(mail.text_body) == f"https://ordo.example/portal/acceptance/{token}?lang=en"
    assert (mail.to_address, mail.to_name) == ("ada@engines.example", "Ada Lovelace")
    [event] = published(flow.app, "ordo.delivery.submitted")
    validated_for_publish(event.type, event.data)
    assert event.data["link_sent_to"] == "ada@engines.example"
    assert event.data["link_expires_at"][:19] == delivery["link_expires_at"][:19]
    assert token not in json.dumps(event.data)
    assert event.data["package_version"] == 1
    assert {d["deliverable_id"] for d in event.data["deliverables"]} == {
        d["id"] for d in delivery["deliverables"]
    }
    assert {d["status"] for d in delivery["deliverables"]} == {"delivered"}


def test_the_link_shows_the_frozen_package_and_its_digest(flow):
    delivery, token = flow.submitted()

    review = flow.client.get(f"/acceptance/{token}")

    assert review.status_code == 200
    assert review.json["content_sha256"] == package_digest(review.json["content"])
    assert review.json["content_sha256"] == delivery["content_sha256"]
    assert len(review.json["content"]["deliverables"]) == 2


def test_an_acceptance_by_link_records_the_sign_off_and_publishes_every_criterion(flow):
    delivery, token = flow.submitted()

    response = flow.client.post(
        f"/acceptance/{token}",
        json=flow.decision(delivery),
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )

    assert response.status_code == 201, response.json
    decided = response.json
    assert decided["status"] == "accepted"
    sign_off = decided["acceptance"]
    assert (sign_off["signer_name"], sign_off["signer_title"]) == (
        "Ada Lovelace",
        "Head of Operations",
    )
    assert sign_off["client_address"] == "203.0.113.7"
    assert sign_off["content_sha256"] == delivery["content_sha256"]
    assert sign_off["signed_at"]
    assert {d["status"] for d in decided["deliverables"]} == {"accepted"}
    [event] = published(flow.app, "ordo.delivery.accepted")
    validated_for_publish(event.type, event.data)
    assert event.data["decision"] == "accepted"
    assert event.data["signed_by"] == "Ada Lovelace"
    criteria = {c["criterion_id"] for d in delivery["deliverables"] for c in d["criteria"]}
    assert {r["criterion_id"] for r in event.data["results"]} == criteria
    assert all(r["met"] for r in event.data["results"])


def test_a_conditional_acceptance_keeps_a_punch_list_that_is_closed_later(flow):
    delivery, token = flow.submitted()
    unmet = delivery["deliverables"][0]["criteria"][0]["criterion_id"]
    body = flow.decision(
        delivery,
        "conditionally_accepted",
        not_met=[unmet],
        punch_list=[{"description": "Fix the header row", "due_date": "2026-12-24"}],
    )

    response = flow.client.post(f"/acceptance/{token}", json=body)

    assert response.status_code == 201, response.json
    assert response.json["status"] == "conditionally_accepted"
    [item] = response.json["punch_items"]
    assert (item["description"], item["due_date"], item["status"]) == (
        "Fix the header row",
        "2026-12-24",
        "open",
    )
    [event] = published(flow.app, "ordo.delivery.accepted")
    assert event.data["decision"] == "conditionally_accepted"
    assert event.data["punch_list_count"] == 1
    closed = flow.client.patch(
        f"/punch-items/{item['id']}",
        json={"status": "done"},
        headers={**LOGISTICS, "If-Match": f'"{item["version"]}"'},
    )
    assert closed.status_code == 200 and closed.json["status"] == "done"
    assert closed.json["closed_by"] == "logistics-user"


def test_a_rejection_publishes_the_unmet_criteria_with_their_requirements(flow):
    delivery, token = flow.submitted()
    deliverable = delivery["deliverables"][1]
    unmet = deliverable["criteria"][0]["criterion_id"]

    response = flow.client.post(
        f"/acceptance/{token}",
        json=flow.decision(delivery, "rejected", not_met=[unmet], reasons=["Search is too slow"]),
    )

    assert response.status_code == 201, response.json
    assert response.json["status"] == "rejected"
    [event] = published(flow.app, "ordo.delivery.rejected")
    validated_for_publish(event.type, event.data)
    assert event.data["reasons"] == ["Search is too slow"]
    [not_met] = [r for r in event.data["results"] if not r["met"]]
    assert not_met == {
        "criterion_id": unmet,
        "requirement_id": deliverable["requirement_id"],
        "deliverable_id": deliverable["id"],
        "met": False,
        "comment": "checked on site",
    }


def test_a_rejection_without_reasons_is_refused_and_nothing_written(flow):
    delivery, token = flow.submitted()
    unmet = delivery["deliverables"][0]["criteria"][0]["criterion_id"]

    response = flow.client.post(
        f"/acceptance/{token}", json=flow.decision(delivery, "rejected", not_met=[unmet])
    )

    assert response.status_code == 422
    assert "reasons" in problem(response)["errors"]
    assert rows(flow.app, Acceptance) == 0
    assert published(flow.app, "ordo.delivery.rejected") == []
    assert flow.client.get(f"/acceptance/{token}").status_code == 200


def test_an_acceptance_with_an_unmet_criterion_must_be_conditional_or_a_rejection(flow):
    delivery, token = flow.submitted()
    unmet = delivery["deliverables"][0]["criteria"][0]["criterion_id"]

    response = flow.client.post(
        f"/acceptance/{token}", json=flow.decision(delivery, not_met=[unmet])
    )

    assert response.status_code == 422
    assert "decision" in problem(response)["errors"]


def test_a_decision_on_a_criterion_not_in_the_package_is_refused(flow):
    delivery, token = flow.submitted()
    body = flow.decision(delivery)
    stranger = str(uuid.uuid4())
    body["answers"].append({"criterion_id": stranger, "met": True})

    response = flow.client.post(f"/acceptance/{token}", json=body)

    assert response.status_code == 422
    assert f"answers.{stranger}" in problem(response)["errors"]
    assert rows(flow.app, Acceptance) == 0 and rows(flow.app, PunchItem) == 0


def test_a_used_link_is_gone(flow):
    delivery, token = flow.submitted()
    flow.client.post(f"/acceptance/{token}", json=flow.decision(delivery))

    again = flow.client.post(f"/acceptance/{token}", json=flow.decision(delivery))
    review = flow.client.get(f"/acceptance/{token}")

    assert again.status_code == 410 and problem(again)["current_status"] == "accepted"
    assert review.status_code == 410
    assert len(published(flow.app, "ordo.delivery.accepted")) == 1


def test_an_expired_link_is_gone(make_app):
    from delivery_flow import Flow

    flow = Flow(make_app("delivery", link_ttl_hours=-1))
    delivery, token = flow.submitted()

    response = flow.client.post(f"/acceptance/{token}", json=flow.decision(delivery))

    assert response.status_code == 410
    assert problem(response)["detail"] == "This link has expired."
    assert rows(flow.app, Acceptance) == 0


def test_a_tampered_link_is_unauthorised(flow):
    delivery, token = flow.submitted()
    header, payload, signature = token.split(".")
    tampered = (
        f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    )

    assert flow.client.get(f"/acceptance/{tampered}").status_code == 401
    assert (
        flow.client.post(f"/acceptance/{tampered}", json=flow.decision(delivery)).status_code == 401
    )
    assert flow.client.get("/acceptance/not-a-token").status_code == 401


def test_a_reissued_link_replaces_the_old_one(flow):
    delivery, old_token = flow.submitted()

    reissued = flow.client.post(f"/deliveries/{delivery['id']}/acceptance-link", headers=LOGISTICS)

    new_token = flow.mailed_token()
    assert reissued.status_code == 200
    assert reissued.json["link_sent_to"] == "ada@engines.example"
    assert new_token != old_token and new_token not in reissued.get_data(as_text=True)
    assert len(mailed(flow.app, "acceptance_request")) == 2
    [event] = published(flow.app, "ordo.delivery.link_reissued")
    assert event.data["link_sent_to"] == "ada@engines.example"
    gone = flow.client.get(f"/acceptance/{old_token}")
    assert gone.status_code == 410
    assert problem(gone)["detail"] == "A newer link replaced this one."
    assert flow.client.get(f"/acceptance/{new_token}").status_code == 200


def test_a_customer_decides_with_their_token_but_not_on_another_customers_package(flow):
    delivery, _ = flow.submitted()
    url = f"/deliveries/{delivery['id']}/acceptance"

    foreign = flow.client.post(
        url, json=flow.decision(delivery), headers=auth("customer", uuid.uuid4())
    )
    own = flow.client.post(url, json=flow.decision(delivery), headers=auth("customer", CUSTOMER))

    assert foreign.status_code == 403
    assert own.status_code == 201 and own.json["acceptance"]["via"] == "token"


def test_a_customer_sees_only_their_own_deliveries(flow):
    mine, _ = flow.submitted()
    theirs, _ = flow.submitted(customer_id=uuid.uuid4())
    customer = auth("customer", CUSTOMER)

    listed = flow.client.get("/deliveries", headers=customer)
    foreign = flow.client.get(f"/deliveries/{theirs['id']}", headers=customer)
    certificate = flow.client.get(f"/deliveries/{theirs['id']}/certificate.pdf", headers=customer)

    assert [d["id"] for d in listed.json["items"]] == [mine["id"]]
    assert foreign.status_code == 403
    assert certificate.status_code == 403


def test_a_resubmission_after_rejection_and_rework_is_the_next_package_version(flow):
    delivery, token = flow.submitted()
    unmet = delivery["deliverables"][0]["criteria"][0]["criterion_id"]
    flow.client.post(
        f"/acceptance/{token}",
        json=flow.decision(delivery, "rejected", not_met=[unmet], reasons=["Export is broken"]),
    )
    order_id = delivery["order_id"]
    for deliverable in flow.deliverables(order_id):
        assert deliverable["status"] == "rejected"
        assert flow.inspect(deliverable).json["passed"]

    second = flow.package({"order_id": order_id}, flow.deliverables(order_id))
    submitted = flow.client.post(f"/deliveries/{second['id']}/submit", headers=LOGISTICS)

    assert second["package_version"] == 2
    assert submitted.status_code == 200
    assert [e.data["package_version"] for e in published(flow.app, "ordo.delivery.submitted")] == [
        1,
        2,
    ]


def test_an_older_draft_submitted_after_a_later_package_goes_out_as_the_next_version(flow):
    order, deliverables = flow.passed_order()
    older = flow.package(order, deliverables)
    newer = flow.package(order, deliverables)
    submitted = flow.client.post(f"/deliveries/{newer['id']}/submit", headers=LOGISTICS).json
    token = flow.mailed_token()
    unmet = submitted["deliverables"][0]["criteria"][0]["criterion_id"]
    flow.client.post(
        f"/acceptance/{token}",
        json=flow.decision(submitted, "rejected", not_met=[unmet], reasons=["Export is broken"]),
    )
    flow.complete_plan(order["order_id"])
    for deliverable in flow.deliverables(order["order_id"]):
        assert flow.inspect(deliverable).status_code == 201

    response = flow.client.post(f"/deliveries/{older['id']}/submit", headers=LOGISTICS)
    token = flow.mailed_token()
    flow.client.post(f"/acceptance/{token}", json=flow.decision(response.json))

    assert (older["package_version"], newer["package_version"]) == (1, 2)
    assert response.status_code == 200
    assert response.json["package_version"] == 3
    assert flow.client.get(f"/acceptance/{token}").status_code == 410
    read = flow.client.get(f"/deliveries/{older['id']}", headers=QUALITY).json
    assert (read["package_version"], read["status"]) == (3, "accepted")
    versions = [
        (e.type, e.data["package_version"])
        for e in published(flow.app)
        if e.type.startswith("ordo.delivery.")
    ]
    assert versions == [
        ("ordo.delivery.submitted", 2),
        ("ordo.delivery.rejected", 2),
        ("ordo.delivery.submitted", 3),
        ("ordo.delivery.accepted", 3),
    ]


def test_an_older_draft_submitted_before_a_later_draft_keeps_its_version(flow):
    order, deliverables = flow.passed_order()
    older = flow.package(order, deliverables[:1])
    flow.package(order, deliverables[1:])

    response = flow.client.post(f"/deliveries/{older['id']}/submit", headers=LOGISTICS)

    assert response.json["package_version"] == 1


def test_a_second_package_waits_while_one_awaits_the_customer(flow):
    order, deliverables = flow.passed_order()
    first = flow.package(order, deliverables[:1])
    second = flow.package(order, deliverables[1:])
    flow.client.post(f"/deliveries/{first['id']}/submit", headers=LOGISTICS)

    response = flow.client.post(f"/deliveries/{second['id']}/submit", headers=LOGISTICS)

    assert response.status_code == 409


def test_a_cancelled_order_ends_its_open_acceptance_link(app, flow):
    from tests.helpers import deliver

    delivery, token = flow.submitted()
    deliver(
        app,
        "ordo.order.cancelled",
        {
            "order_id": delivery["order_id"],
            "version": 9,
            "reason": "x",
            "previous_status": "delivered",
        },
    )

    assert flow.client.get(f"/acceptance/{token}").status_code == 410
    assert (
        flow.client.get(f"/deliveries/{delivery['id']}", headers=QUALITY).json["status"]
        == "cancelled"
    )


def test_submitting_a_package_whose_deliverable_lost_its_check_is_refused(app, flow):
    from tests.helpers import deliver

    order, deliverables = flow.passed_order()
    delivery = flow.package(order, deliverables)
    export = order["requirements"][0]
    modified = {**export, "revision": 2, "acceptance_criteria": export["acceptance_criteria"][:1]}
    deliver(
        app,
        "ordo.order.change_approved",
        {
            "order_id": order["order_id"],
            "version": 4,
            "change_request_id": str(uuid.uuid4()),
            "changes": [
                {
                    "action": "modify",
                    "requirement_id": export["requirement_id"],
                    "requirement": modified,
                }
            ],
            "schedule_impact_days": 0,
            "cost_impact": {"amount": "0.00", "currency": "EUR"},
            "reason": "Simpler export",
        },
    )

    response = flow.client.post(f"/deliveries/{delivery['id']}/submit", headers=LOGISTICS)

    assert response.status_code == 422
    assert problem(response)["errors"]["deliverable_ids"]
    assert published(flow.app, "ordo.delivery.submitted") == []
    assert (
        flow.client.get(f"/deliveries/{delivery['id']}", headers=LOGISTICS).json["status"]
        == "draft"
    )


def test_creating_a_package_twice_with_one_idempotency_key_creates_it_once(flow):
    order, deliverables = flow.passed_order()
    body = {"order_id": order["order_id"], "deliverable_ids": [d["id"] for d in deliverables]}
    headers = {**LOGISTICS, "Idempotency-Key": "package-1"}

    first = flow.client.post("/deliveries", json=body, headers=headers)
    second = flow.client.post("/deliveries", json=body, headers=headers)

    assert first.json["id"] == second.json["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert rows(flow.app, Delivery) == 1


def test_a_submitted_package_cannot_be_submitted_again_and_names_the_actions_it_allows(flow):
    delivery, _ = flow.submitted()

    response = flow.client.post(f"/deliveries/{delivery['id']}/submit", headers=LOGISTICS)

    assert response.status_code == 409
    assert problem(response)["detail"] == (
        "A submitted delivery package cannot be submitted; it must be draft."
    )
    assert problem(response)["current_status"] == "submitted"
    assert problem(response)["allowed_actions"] == [
        "accept",
        "accept_conditionally",
        "cancel",
        "reissue_link",
        "reject",
    ]

"""Delivery per increment: readiness per requirement, packages of one increment, partial counts."""

import uuid

from delivery_flow import LOGISTICS, confirmed_order, requirement

from tests.helpers import deliver, problem, published


def work_done(app, order, requirement_id, increment_id=None):
    data = {
        "order_id": order["order_id"],
        "plan_id": str(uuid.uuid4()),
        "version": 5,
        "requirement_id": requirement_id,
        "increment_id": increment_id,
        "completed_on": "2026-12-01",
    }
    assert deliver(app, "ordo.work_package.completed", data) == "processed"


def increment_planned(app, order, number, requirement_ids):
    increment_id = str(uuid.uuid4())
    data = {
        "order_id": order["order_id"],
        "plan_id": str(uuid.uuid4()),
        "version": 2,
        "increment_id": increment_id,
        "number": number,
        "name": f"Increment {number}",
        "kind": "iteration",
        "start_date": "2026-11-30",
        "finish_date": "2026-12-11",
        "requirement_ids": requirement_ids,
    }
    assert deliver(app, "ordo.increment.planned", data) == "processed"
    return increment_id


def three_increment_order(flow, **settings):
    reqs = [requirement(f"Feature {n}", f"Feature {n} works") for n in (1, 2, 3)]
    order = confirmed_order(requirements=reqs, **settings)
    assert deliver(flow.app, "ordo.order.confirmed", order) == "processed"
    ids = [r["requirement_id"] for r in reqs]
    increments = [increment_planned(flow.app, order, n, [ids[n - 1]]) for n in (1, 2, 3)]
    return order, ids, increments


def by_requirement(flow, order):
    return {d["requirement_id"]: d for d in flow.deliverables(order["order_id"])}


def test_a_deliverable_is_ready_for_qc_when_its_own_work_is_done(flow):
    order, (r1, r2, _), (i1, _, _) = three_increment_order(flow)
    work_done(flow.app, order, r1, i1)
    deliverables = by_requirement(flow, order)
    assert deliverables[r1]["status"] == "ready_for_qc"
    assert deliverables[r2]["status"] == "pending"


def test_a_package_of_one_increment_announces_it_and_counts_what_is_outstanding(flow):
    order, (r1, r2, r3), (i1, _, _) = three_increment_order(flow)
    work_done(flow.app, order, r1, i1)
    assert flow.inspect(by_requirement(flow, order)[r1]).status_code == 201
    package = flow.package(order, [by_requirement(flow, order)[r1]])
    response = flow.client.post(f"/deliveries/{package['id']}/submit", headers=LOGISTICS)
    assert response.status_code == 200, response.json
    [submitted] = published(flow.app, "ordo.delivery.submitted")
    assert submitted.data["increment_id"] == i1
    assert submitted.data["final"] is False
    progress = submitted.data["progress"]
    assert (progress["delivered"], progress["accepted"], progress["outstanding"]) == (1, 0, 2)
    assert set(progress["outstanding_requirement_ids"]) == {r2, r3}


def test_a_package_mixing_increments_is_refused_when_the_order_forbids_it(flow):
    order, (r1, r2, _), (i1, i2, _) = three_increment_order(flow, packages_per_increment=True)
    work_done(flow.app, order, r1, i1)
    work_done(flow.app, order, r2, i2)
    for deliverable in by_requirement(flow, order).values():
        if deliverable["status"] == "ready_for_qc":
            assert flow.inspect(deliverable).status_code == 201
    deliverables = by_requirement(flow, order)
    before = flow.client.get(f"/deliveries?order_id={order['order_id']}", headers=LOGISTICS)
    response = flow.client.post(
        "/deliveries",
        json={
            "order_id": order["order_id"],
            "deliverable_ids": [deliverables[r1]["id"], deliverables[r2]["id"]],
            "document_ids": [],
        },
        headers=LOGISTICS,
    )
    assert response.status_code == 422
    errors = problem(response)["errors"]["deliverable_ids"]
    assert list(errors) == [deliverables[r2]["id"]]
    after = flow.client.get(f"/deliveries?order_id={order['order_id']}", headers=LOGISTICS)
    assert after.json["items"] == before.json["items"] == []

"""Quality control: checklists from criteria and standards, pass and fail, non-conformances."""

from decimal import Decimal

import pytest
from delivery_flow import LOGISTICS, QUALITY

from shared.events.contracts import validated_for_publish
from tests.helpers import auth, problem, published


def test_a_check_with_every_item_passed_or_not_applicable_passes_the_deliverable(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]
    criteria = deliverable["criteria"]

    response = flow.client.post(
        f"/deliverables/{deliverable['id']}/quality-checks",
        json={
            "criteria": [
                {"criterion_id": criteria[0]["criterion_id"], "result": "pass"},
                {"criterion_id": criteria[1]["criterion_id"], "result": "not_applicable"},
            ],
            "standards": [
                {
                    "description": "Export file size",
                    "tolerance": {"nominal": "10", "lower": "0.2", "upper": "0.3", "unit": "MB"},
                    "measured": "10.3",
                }
            ],
        },
        headers=QUALITY,
    )

    assert response.status_code == 201, response.json
    check = response.json
    assert check["passed"] is True
    assert (check["passed_count"], check["not_applicable_count"]) == (2, 1)
    assert [item["result"] for item in check["items"]] == ["pass", "not_applicable", "pass"]
    assert check["items"][2]["tolerance"]["nominal"] == "10"
    assert (
        flow.client.get(f"/deliverables/{deliverable['id']}", headers=QUALITY).json["status"]
        == "passed"
    )
    assert published(flow.app, "ordo.quality_check.failed") == []


def test_a_failed_item_fails_the_check_opens_a_non_conformance_and_publishes_the_failure(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]
    failing = deliverable["criteria"][1]

    response = flow.inspect(
        deliverable,
        standards=[
            {
                "description": "Column widths",
                "tolerance": {"nominal": "12", "lower": "1", "upper": "1"},
                "measured": "14",
            }
        ],
        criteria=[
            {"criterion_id": deliverable["criteria"][0]["criterion_id"], "result": "pass"},
            {
                "criterion_id": failing["criterion_id"],
                "result": "fail",
                "comment": "Excel refuses it",
            },
        ],
        non_conformance={"severity": "critical", "owner": "eve", "description": "Broken export"},
    )

    assert response.status_code == 201, response.json
    check = response.json
    assert check["passed"] is False and check["failed_count"] == 2
    nc = flow.client.get(f"/non-conformances/{check['non_conformance_id']}", headers=QUALITY).json
    assert (nc["severity"], nc["owner"], nc["status"]) == ("critical", "eve", "open")
    [failed] = published(flow.app, "ordo.quality_check.failed")
    validated_for_publish(failed.type, failed.data)
    assert failed.subject == order["order_id"]
    assert failed.data["failed_criteria"] == [
        {
            "criterion_id": failing["criterion_id"],
            "text": failing["text"],
            "comment": "Excel refuses it",
        }
    ]
    assert failed.data["failed_standards"] == ["Column widths"]
    assert failed.data["requirement_id"] == deliverable["requirement_id"]
    assert failed.data["non_conformance_id"] == nc["id"]


def test_a_failed_deliverable_is_reinspected_after_rework_and_then_passes(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]
    flow.inspect(deliverable, result="fail")

    again = flow.inspect(deliverable)

    assert again.json["passed"] and again.json["attempt"] == 2
    history = flow.client.get(f"/deliverables/{deliverable['id']}/quality-checks", headers=QUALITY)
    assert [c["passed"] for c in history.json] == [False, True]


def test_only_the_quality_role_inspects(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]

    response = flow.client.post(
        f"/deliverables/{deliverable['id']}/quality-checks",
        json={"criteria": []},
        headers=LOGISTICS,
    )

    assert response.status_code == 403


def test_a_deliverable_still_in_work_cannot_be_inspected(flow):
    order = flow.confirm(plan_completed=False)
    deliverable = flow.deliverables(order["order_id"])[0]

    response = flow.inspect(deliverable)

    assert response.status_code == 409
    assert problem(response)["current_status"] == "pending"
    assert problem(response)["allowed_actions"] == ["cancel", "mark_ready", "withdraw"]


def test_unanswered_or_foreign_criteria_are_refused_and_nothing_is_written(flow):
    order = flow.confirm()
    first, second = flow.deliverables(order["order_id"])

    response = flow.client.post(
        f"/deliverables/{first['id']}/quality-checks",
        json={
            "criteria": [
                {"criterion_id": first["criteria"][0]["criterion_id"], "result": "pass"},
                {"criterion_id": second["criteria"][0]["criterion_id"], "result": "pass"},
            ]
        },
        headers=QUALITY,
    )

    assert response.status_code == 422
    assert "criteria.1.criterion_id" in problem(response)["errors"]
    assert (
        flow.client.get(f"/deliverables/{first['id']}/quality-checks", headers=QUALITY).json == []
    )

    unanswered = flow.client.post(
        f"/deliverables/{first['id']}/quality-checks",
        json={
            "criteria": [{"criterion_id": first["criteria"][0]["criterion_id"], "result": "pass"}]
        },
        headers=QUALITY,
    )
    assert unanswered.status_code == 422
    assert f"items.{first['criteria'][1]['criterion_id']}" in problem(unanswered)["errors"]


def test_a_tolerance_item_without_a_measurement_cannot_pass(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]

    response = flow.inspect(
        deliverable,
        standards=[
            {
                "description": "Weight",
                "tolerance": {"nominal": "5", "lower": "1", "upper": "1"},
                "result": "pass",
            }
        ],
    )

    assert response.status_code == 422
    assert "items.standard-1.measured" in problem(response)["errors"]


@pytest.mark.parametrize(
    ("tolerance", "measured", "refused"),
    [
        ({"nominal": "9E+999999", "lower": "0", "upper": "9E+999999"}, "9E+999999", "measured"),
        ({"nominal": "10", "lower": "1", "upper": "1"}, "1E+12", "measured"),
        ({"nominal": "10", "lower": "1", "upper": "1"}, "-1000000000000.5", "measured"),
        ({"nominal": "10", "lower": "1", "upper": "1"}, "10.0000001", "measured"),
        ({"nominal": "10", "lower": "1", "upper": "1"}, "Infinity", "measured"),
        ({"nominal": "1E+12", "lower": "1", "upper": "1"}, "10", "nominal"),
        ({"nominal": "10", "lower": "0.00000001", "upper": "1"}, "10", "lower"),
        ({"nominal": "10", "lower": "1", "upper": "9E+999999"}, "10", "upper"),
    ],
)
def test_a_value_the_database_cannot_hold_exactly_is_refused_and_nothing_is_written(
    flow, tolerance, measured, refused
):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]

    response = flow.inspect(
        deliverable,
        standards=[{"description": "Wall", "tolerance": tolerance, "measured": measured}],
    )

    assert response.status_code == 422
    errors = problem(response)["errors"]["standards"]["0"]
    assert refused in (errors if refused == "measured" else errors["tolerance"])
    url = f"/deliverables/{deliverable['id']}"
    assert flow.client.get(f"{url}/quality-checks", headers=QUALITY).json == []
    assert flow.client.get(url, headers=QUALITY).json["status"] == "ready_for_qc"


def test_measurements_up_to_twelve_digits_and_six_places_are_kept(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]
    # Exact on PostgreSQL for all 18 digits; SQLite keeps a double, so these stay within one.
    values = ("-999999999999.5", "0.000001")

    response = flow.inspect(
        deliverable,
        standards=[
            {
                "description": f"Offset {value}",
                "tolerance": {"nominal": value, "lower": "0", "upper": "0.000001"},
                "measured": value,
            }
            for value in values
        ],
    )

    assert response.status_code == 201, response.json
    check = flow.client.get(f"/quality-checks/{response.json['id']}", headers=QUALITY).json
    standards = check["items"][-2:]
    assert [Decimal(item["measured"]) for item in standards] == [Decimal(v) for v in values]
    assert [item["result"] for item in standards] == ["pass", "pass"]


def test_a_non_conformance_closes_only_with_its_actions_and_if_match(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]
    nc_id = flow.inspect(deliverable, result="fail").json["non_conformance_id"]
    url = f"/non-conformances/{nc_id}"
    etag = flow.client.get(url, headers=QUALITY).headers["ETag"]

    assert flow.client.patch(url, json={"status": "closed"}, headers=QUALITY).status_code == 428
    refused = flow.client.patch(
        url, json={"status": "closed"}, headers={**QUALITY, "If-Match": etag}
    )
    assert refused.status_code == 422
    assert set(problem(refused)["errors"]) == {"corrective_action", "preventive_action"}

    closed = flow.client.patch(
        url,
        json={
            "status": "closed",
            "corrective_action": "Fixed the delimiter",
            "preventive_action": "Export test in CI",
        },
        headers={**QUALITY, "If-Match": etag},
    )
    assert closed.status_code == 200, closed.json
    assert closed.json["status"] == "closed" and closed.json["closed_at"]
    stale = flow.client.patch(url, json={"owner": "bob"}, headers={**QUALITY, "If-Match": etag})
    assert stale.status_code == 412


def test_a_closed_non_conformance_cannot_be_edited_out_of_its_closing_rules(flow):
    order = flow.confirm()
    deliverable = flow.deliverables(order["order_id"])[0]
    response = flow.inspect(
        deliverable,
        result="fail",
        non_conformance={"severity": "minor", "corrective_action": "Fixed the export"},
    )
    url = f"/non-conformances/{response.json['non_conformance_id']}"
    etag = flow.client.get(url, headers=QUALITY).headers["ETag"]
    closed = flow.client.patch(
        url, json={"status": "closed"}, headers={**QUALITY, "If-Match": etag}
    )
    assert closed.status_code == 200, closed.json
    etag = closed.headers["ETag"]

    for change in (
        {"severity": "critical", "corrective_action": ""},
        {"corrective_action": " "},
        {"severity": "major"},
        {"status": "closed", "corrective_action": ""},
    ):
        refused = flow.client.patch(url, json=change, headers={**QUALITY, "If-Match": etag})
        assert refused.status_code == 422, change
        assert problem(refused)["errors"]
    unchanged = flow.client.get(url, headers=QUALITY)
    assert unchanged.headers["ETag"] == etag
    assert (unchanged.json["severity"], unchanged.json["corrective_action"]) == (
        "minor",
        "Fixed the export",
    )

    edited = flow.client.patch(
        url,
        json={"severity": "major", "preventive_action": "Export test in CI"},
        headers={**QUALITY, "If-Match": etag},
    )
    assert edited.status_code == 200, edited.json
    assert (edited.json["status"], edited.json["severity"]) == ("closed", "major")

    moved = flow.client.patch(
        url, json={"status": "in_progress"}, headers={**QUALITY, "If-Match": edited.headers["ETag"]}
    )
    assert moved.status_code == 409
    assert (problem(moved)["current_status"], problem(moved)["allowed_actions"]) == (
        "closed",
        ["reopen"],
    )


def test_non_conformances_are_listed_by_order(flow):
    order = flow.confirm()
    for deliverable in flow.deliverables(order["order_id"]):
        flow.inspect(deliverable, result="fail")

    response = flow.client.get(
        f"/non-conformances?order_id={order['order_id']}&status=open", headers=auth("manager")
    )

    assert response.json["total"] == 2

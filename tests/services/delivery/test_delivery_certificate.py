"""The acceptance certificate of a decided package."""

from delivery_flow import CUSTOMER, LOGISTICS

from tests.helpers import auth, problem


def test_a_decided_package_has_a_certificate_pdf_for_staff_and_its_customer(flow):
    delivery, token = flow.submitted()
    unmet = delivery["deliverables"][0]["criteria"][1]["criterion_id"]
    flow.client.post(
        f"/acceptance/{token}",
        json=flow.decision(
            delivery,
            "conditionally_accepted",
            not_met=[unmet],
            punch_list=[{"description": "Fix the header row", "due_date": "2026-12-24"}],
        ),
    )

    for headers in (LOGISTICS, auth("customer", CUSTOMER)):
        response = flow.client.get(f"/deliveries/{delivery['id']}/certificate.pdf", headers=headers)

        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF-")
        assert "ORD-2026-00042" in response.headers["Content-Disposition"]


def test_an_undecided_package_has_no_certificate(flow):
    delivery, _ = flow.submitted()

    response = flow.client.get(f"/deliveries/{delivery['id']}/certificate.pdf", headers=LOGISTICS)

    assert response.status_code == 409
    assert problem(response)["current_status"] == "submitted"

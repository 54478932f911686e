"""The acceptance page: the mailed link opens it, the customer decides in a form, signs and
downloads the certificate; every bad form comes back with its message and nothing written."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import urlsplit

import pytest
from delivery_flow import CUSTOMER, LOGISTICS, OTHER_CUSTOMER, Flow, requirement

from shared.portal.session import CUSTOMER as SESSION_CUSTOMER
from tests.helpers import link_in, mailed
from tests.page_forms import field_names, form_fields, visible_text
from tests.pdf_text import pdf_text

PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"


def page_path(flow: Flow) -> str:
    """The page the newest acceptance mail links to (with its ?lang=)."""
    link = urlsplit(link_in(mailed(flow.app, "acceptance_request")[-1].text_body))
    return f"{link.path}?{link.query}"


def criteria_of(delivery: dict) -> list[str]:
    return [c["criterion_id"] for d in delivery["deliverables"] for c in d["criteria"]]


def filled(page: str, delivery: dict, not_met=(), **changes) -> dict:
    """The decision form as the customer fills it in: every criterion answered."""
    form = form_fields(page, action="/portal/")
    for criterion_id in criteria_of(delivery):
        form[f"verdict-{criterion_id}"] = "not_met" if criterion_id in not_met else "met"
    form.update(
        decision="accepted",
        signer_name="Ada Lovelace",
        signer_title="Head of Operations",
        consent="yes",
    )
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def package_state(flow: Flow, delivery: dict) -> tuple[str, int]:
    """The package's status and the number of events it published: what a decision changes."""
    read = flow.client.get(f"/deliveries/{delivery['id']}", headers=LOGISTICS)
    return read.json["status"], flow.outbox_count()


@pytest.fixture
def opened(flow):
    """A submitted package, the path of its page from the mail and the page as first shown."""
    delivery, _ = flow.submitted()
    path = page_path(flow)
    page = flow.client.get(path)
    assert page.status_code == 200
    return delivery, path.split("?")[0], page.get_data(as_text=True)


def test_the_mailed_link_opens_the_package_page_in_the_customers_language(flow):
    delivery, _ = flow.submitted(customer_locale="zh-CN", customer_name="杭州泵业有限公司")
    path = page_path(flow)

    response = flow.client.get(path)
    page = response.get_data(as_text=True)

    assert path.endswith("?lang=zh-CN")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert '<html lang="zh-CN">' in page
    assert "订单 ORD-2026-00042 的验收" in page and "签署并提交决定" in page
    for deliverable in delivery["deliverables"]:
        assert html.escape(deliverable["title"]) in page
        for criterion in deliverable["criteria"]:
            assert criterion["text"] in page
            assert f'name="verdict-{criterion["criterion_id"]}"' in page
    assert delivery["content_sha256"] in page
    assert 'name="version"' in page and 'name="csrf_token"' in page
    assert {"decision", "signer_name", "signer_title", "consent"} <= set(field_names(page))


def test_the_page_lists_the_package_documents_with_their_digest_and_a_download(flow):
    order, deliverables = flow.passed_order()
    upload = flow.client.post(
        f"/orders/{order['order_id']}/documents",
        data={
            "kind": "user_manual",
            "name": "Operating manual",
            "file": (io.BytesIO(PDF), "m.pdf"),
        },
        content_type="multipart/form-data",
        headers=LOGISTICS,
    )
    assert upload.status_code == 201, upload.json
    package = flow.package(order, deliverables, [upload.json["id"]])
    flow.client.post(f"/deliveries/{package['id']}/submit", headers=LOGISTICS)

    page = flow.client.get(page_path(flow)).get_data(as_text=True)
    download = re.search(r'href="([^"]+/documents/[^"]+)"', page)[1]

    assert "Operating manual" in page and upload.json["sha256"] in page
    assert flow.client.get(html.unescape(download)).data == PDF


def test_a_browser_opening_the_api_address_of_the_link_is_sent_to_the_page(flow):
    _, token = flow.submitted()

    browser = flow.client.get(f"/acceptance/{token}", headers={"Accept": "text/html,*/*;q=0.8"})
    integrator = flow.client.get(f"/acceptance/{token}", headers={"Accept": "application/json"})

    assert browser.status_code == 303 and browser.location == f"/portal/acceptance/{token}"
    assert integrator.status_code == 200 and integrator.json["version"] >= 1


def test_a_conditional_acceptance_is_signed_confirmed_and_certified(flow, opened):
    delivery, path, page = opened
    unmet = criteria_of(delivery)[1]
    form = filled(
        page,
        delivery,
        not_met=[unmet],
        decision="conditionally_accepted",
        **{f"comment-{unmet}": "Header row missing", "punch-0": "Add the header row"},
        **{"due-0": "2026-12-24", "organisation": "Analytical Engines Ltd"},
    )

    sent = flow.client.post(path, data=form)
    confirmation = flow.client.get(sent.location)
    text = visible_text(confirmation.get_data(as_text=True))
    certificate = flow.client.get(f"{path}/certificate.pdf")

    assert sent.status_code == 303 and sent.location == path
    assert confirmation.status_code == 200
    assert "Package accepted with conditions" in text
    assert "Not met Header row missing" in text and "Add the header row — due 2026-12-24" in text
    read = flow.client.get(f"/deliveries/{delivery['id']}", headers=LOGISTICS).json
    assert read["status"] == "conditionally_accepted"
    assert read["acceptance"]["via"] == "link"
    assert read["acceptance"]["signer_name"] == "Ada Lovelace"
    assert [item["description"] for item in read["punch_items"]] == ["Add the header row"]
    assert certificate.status_code == 200 and certificate.mimetype == "application/pdf"
    assert "Certificate of Conditional Acceptance" in pdf_text(certificate.data)


BAD_FORMS = {
    "no consent": ({"consent": None}, "consent", "Tick the box to sign the decision."),
    "no decision": ({"decision": None}, "decision", "Choose a decision."),
    "accepted with a criterion not met": (
        {"not_met": 0},
        "decision",
        "Some criteria are not met: accept conditionally with a punch list, or reject.",
    ),
    "rejected without reasons": (
        {"not_met": 0, "decision": "rejected"},
        "reasons",
        "Give at least one reason for the rejection, one per line.",
    ),
    "rejected with every criterion met": (
        {"decision": "rejected", "reasons": "Too slow"},
        "decision",
        "A rejection needs at least one criterion that is not met.",
    ),
    "conditional without a punch list": (
        {"not_met": 0, "decision": "conditionally_accepted"},
        "punch-0",
        "A conditional acceptance needs at least one punch-list item.",
    ),
    "a punch item without a date": (
        {"not_met": 0, "decision": "conditionally_accepted", "punch-0": "Fix it"},
        "punch-0",
        "Each punch-list item needs a description and a due date (YYYY-MM-DD).",
    ),
    "a punch item with a bad date": (
        {"decision": "conditionally_accepted", "punch-0": "Fix it", "due-0": "24/12/2026"},
        "punch-0",
        "Each punch-list item needs a description and a due date (YYYY-MM-DD).",
    ),
    "a punch list on a plain acceptance": (
        {"punch-0": "Fix it", "due-0": "2026-12-24"},
        "punch-0",
        "Only a conditional acceptance has a punch list: clear it, or accept conditionally.",
    ),
    "a criterion not answered": (
        {"unanswered": 0},
        "verdict",
        "Say whether this criterion is met.",
    ),
    "no signer name": ({"signer_name": ""}, "signer_name", "Enter your name."),
    "no signer title": ({"signer_title": "  "}, "signer_title", "Enter your title or role."),
    "a comment too long": ({"comment": "x" * 10_001}, "comment", "This comment is too long."),
    "an unknown decision": ({"decision": "maybe"}, "decision", "Choose a decision."),
}


@pytest.mark.parametrize("case", BAD_FORMS, ids=list(BAD_FORMS))
def test_a_bad_form_comes_back_with_its_message_and_nothing_is_written(flow, opened, case):
    delivery, path, page = opened
    changes, field, message = BAD_FORMS[case]
    changes = dict(changes)
    criteria = criteria_of(delivery)
    not_met = [criteria[changes.pop("not_met")]] if "not_met" in changes else []
    form = filled(page, delivery, not_met=not_met, **changes)
    if "unanswered" in changes:
        del form[f"verdict-{criteria[form.pop('unanswered')]}"]
        field = f"verdict-{criteria[0]}"
    if "comment" in changes:
        form[f"comment-{criteria[0]}"] = form.pop("comment")
        field = f"comment-{criteria[0]}"
    before = package_state(flow, delivery)

    response = flow.client.post(path, data=form)
    again = response.get_data(as_text=True)

    assert response.status_code == 422
    assert f'<a href="#{field}">{html.escape(message)}</a>' in again
    assert "Nothing was saved." in again
    assert package_state(flow, delivery) == before == ("submitted", before[1])
    # What the customer filled in is kept.
    assert 'value="Head of Operations"' in again or changes.get("signer_title") is not None


def test_the_messages_of_a_bad_form_are_in_the_page_language(flow):
    delivery, _ = flow.submitted(customer_locale="zh-CN")
    path = page_path(flow)
    page = flow.client.get(path).get_data(as_text=True)

    response = flow.client.post(path.split("?")[0], data=filled(page, delivery, consent=None))

    assert response.status_code == 422
    assert "请勾选此框以签署决定。" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_a_400_page_and_nothing_is_written(flow, opened):
    delivery, path, page = opened
    form = filled(page, delivery)
    del form["csrf_token"]
    before = package_state(flow, delivery)

    response = flow.client.post(path, data=form)

    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Nothing was saved." in response.get_data(as_text=True)
    assert package_state(flow, delivery) == before


def test_a_page_of_an_older_package_version_says_to_reload_and_nothing_is_written(make_app):
    flow = Flow(make_app("delivery", public_base_url="https://ordo.example", acceptance_code=True))
    delivery, token = flow.submitted()
    path = f"/portal/acceptance/{token}"
    page = flow.client.get(path).get_data(as_text=True)
    # The customer asks for a signing code in another tab: the package row moves on.
    assert flow.client.post(f"/acceptance/{token}/code").status_code == 202
    before = package_state(flow, delivery)

    response = flow.client.post(path, data=filled(page, delivery, code="123456"))

    assert response.status_code == 409
    assert "Reload it to see the latest version" in response.get_data(as_text=True)
    assert package_state(flow, delivery) == before


def test_with_acceptance_codes_the_page_mails_a_code_and_signs_with_it(make_app):
    flow = Flow(make_app("delivery", public_base_url="https://ordo.example", acceptance_code=True))
    delivery, token = flow.submitted()
    path = f"/portal/acceptance/{token}"
    page = flow.client.get(path).get_data(as_text=True)

    asked = flow.client.post(f"{path}/code", data=form_fields(page, action=f"{path}/code"))
    refreshed = asked.get_data(as_text=True)
    code = re.search(r"\b(\d{6})\b", mailed(flow.app, "acceptance_code")[-1].text_body)[1]
    wrong = flow.client.post(path, data=filled(refreshed, delivery, code="000000"))
    signed = flow.client.post(path, data=filled(wrong.get_data(as_text=True), delivery, code=code))

    assert 'name="code"' in page and "E-mail me a code" in page
    assert asked.status_code == 200 and "We mailed a code to" in refreshed
    assert wrong.status_code == 422 and "attempts left" in wrong.get_data(as_text=True)
    assert signed.status_code == 303
    assert package_state(flow, delivery)[0] == "accepted"


def test_html_in_customer_text_is_escaped_on_the_pages_and_printed_as_text_in_the_pdf(flow):
    hostile = '<img src=x onerror="alert(1)">'
    delivery, _ = flow.submitted(
        requirements=[requirement("Export <b>CSV</b>", f"Opens {hostile}")]
    )
    path = page_path(flow).split("?")[0]
    page = flow.client.get(path).get_data(as_text=True)
    criterion = criteria_of(delivery)[0]

    flow.client.post(
        path,
        data=filled(
            page,
            delivery,
            not_met=[criterion],
            decision="rejected",
            reasons=f"Broken {hostile}",
            signer_name="<script>alert(2)</script>",
            **{f"comment-{criterion}": hostile},
        ),
    )
    decided = flow.client.get(path).get_data(as_text=True)
    certificate = pdf_text(flow.client.get(f"{path}/certificate.pdf").data)

    for shown in (page, decided):
        assert "<img" not in shown and "<b>CSV" not in shown and "<script>alert" not in shown
    assert html.escape(hostile, quote=False) in decided.replace("&#34;", '"')
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in decided
    assert "Export <b>CSV</b>" in certificate and "<script>alert(2)</script>" in certificate
    request = mailed(flow.app, "acceptance_request")[-1]
    assert (
        "Export &lt;b&gt;CSV&lt;/b&gt;" in request.html_body and "<b>CSV" not in request.html_body
    )


def test_after_deciding_the_link_shows_the_decision_and_no_form(flow, opened):
    delivery, path, page = opened
    flow.client.post(path, data=filled(page, delivery))

    again = flow.client.get(path).get_data(as_text=True)
    resent = flow.client.post(path, data=filled(page, delivery))

    assert "Package accepted" in again and 'name="decision"' not in again
    assert resent.status_code == 410 and resent.mimetype == "text/html"


def test_a_forged_or_replaced_link_is_an_error_page(flow, opened):
    delivery, path, _ = opened
    flow.client.post(f"/deliveries/{delivery['id']}/acceptance-link", headers=LOGISTICS)

    forged = flow.client.get("/portal/acceptance/not-a-token")
    certificate = flow.client.get("/portal/acceptance/not-a-token/certificate.pdf")

    assert forged.status_code == 401 and forged.mimetype == "text/html"
    assert "This link is not valid" in forged.get_data(as_text=True)
    assert certificate.status_code == 401


def sign_in(flow: Flow, customer_id) -> None:
    with flow.client.session_transaction() as session:
        session[SESSION_CUSTOMER] = str(customer_id)


def test_a_signed_in_customer_decides_its_package_from_the_portal(flow):
    delivery, _ = flow.submitted()
    sign_in(flow, CUSTOMER)
    path = f"/portal/deliveries/{delivery['id']}"
    page = flow.client.get(path).get_data(as_text=True)

    sent = flow.client.post(path, data=filled(page, delivery))
    decided = flow.client.get(path).get_data(as_text=True)
    certificate = flow.client.get(f"{path}/certificate.pdf")

    assert sent.status_code == 303
    assert "Package accepted" in decided
    read = flow.client.get(f"/deliveries/{delivery['id']}", headers=LOGISTICS).json
    assert read["status"] == "accepted" and read["acceptance"]["via"] == "portal"
    assert certificate.status_code == 200 and certificate.data.startswith(b"%PDF-")


def test_a_stale_portal_page_says_to_reload_and_nothing_is_written(flow):
    delivery, _ = flow.submitted()
    sign_in(flow, CUSTOMER)
    path = f"/portal/deliveries/{delivery['id']}"
    page = flow.client.get(path).get_data(as_text=True)
    # Staff mail the customer a fresh link meanwhile: the package row moves on.
    reissued = flow.client.post(f"/deliveries/{delivery['id']}/acceptance-link", headers=LOGISTICS)
    assert reissued.status_code == 200
    before = package_state(flow, delivery)

    response = flow.client.post(path, data=filled(page, delivery))

    assert response.status_code == 409
    assert "Reload it" in response.get_data(as_text=True)
    assert package_state(flow, delivery) == before


def test_another_customers_package_or_link_is_not_found(flow):
    delivery, token = flow.submitted()
    sign_in(flow, OTHER_CUSTOMER)

    for path in (
        f"/portal/deliveries/{delivery['id']}",
        f"/portal/deliveries/{delivery['id']}/certificate.pdf",
        f"/portal/acceptance/{token}",
    ):
        response = flow.client.get(path)
        assert response.status_code == 404, path
        assert "There is no such page, or it is not yours to see." in response.get_data(
            as_text=True
        )


def test_the_portal_page_needs_a_signed_in_customer(flow):
    delivery, _ = flow.submitted()

    response = flow.client.get(f"/portal/deliveries/{delivery['id']}")

    assert response.status_code == 303 and "/portal/sign-in?next=" in response.location

"""The customer's reports-and-minutes pages on the portal, through planning's test client with
the customer put in the portal session: the order's published reports and attended meetings,
a report as a page and a PDF in the page's language, a meeting's published minutes without
internal items; another customer's pages are 404 like unknown ones, a visitor signs in first."""

import uuid
from urllib.parse import unquote, urlsplit

import pytest

from shared.portal.session import CUSTOMER as SESSION_CUSTOMER
from shared.portal.session import CUSTOMER_LOCALE
from tests.helpers import deliver, mailed
from tests.page_forms import visible_text
from tests.pdf_text import pdf_text
from tests.services.planning.conftest import confirmed, requirement
from tests.services.planning.test_planning_communication import (
    ALICE,
    BOB,
    CUSTOMER_MAIL,
    kick_off,
    minutes_with,
)

NARRATIVE = "吊车故障，正在维修。\nBack next week."


@pytest.fixture
def app(make_app):
    return make_app("planning", request_timeout_seconds=300)  # the CJK font loads slowly


@pytest.fixture
def order(planning):
    """An order confirmed with its customer contact, its plan activated."""
    data = confirmed([requirement("Frame", 5)])
    data |= {"customer_email": CUSTOMER_MAIL, "contact_name": "Li Wei", "customer_locale": "zh-CN"}
    assert deliver(planning.app, "ordo.order.confirmed", data) == "processed"
    plan = planning.plan_of(data["order_id"])
    planning.activate(plan["id"])
    return data, planning.plan(plan["id"])


def sign_in(planning, customer_id, locale="en") -> None:
    with planning.client.session_transaction() as session:
        session[SESSION_CUSTOMER] = str(customer_id)
        session[CUSTOMER_LOCALE] = locale


def meeting(planning, plan_id, **overrides) -> dict:
    created = kick_off(planning, plan_id, place="Line 3 meeting room", **overrides)
    assert created.status_code == 201, created.json
    return created.json


def minute(planning, held: dict, publish=True) -> None:
    written = minutes_with(planning, held, minutes="Scope agreed.\nThe plan holds.")
    assert written.status_code == 200, written.json
    if publish:
        assert planning.post(f"/meetings/{held['id']}/minutes/publish").status_code == 200


def report(planning, plan_id, status_date, narrative=None) -> dict:
    """A report as of `status_date`, published with `narrative` unless it is None."""
    drafted = planning.post(f"/plans/{plan_id}/status-reports", {"status_date": status_date})
    assert drafted.status_code == 201, drafted.json
    if narrative is None:
        return drafted.json
    path = f"/status-reports/{drafted.json['id']}"
    assert planning.patch(path, {"narrative": narrative}, role="manager").status_code == 200
    published = planning.post(f"{path}/publish", role="manager")
    assert published.status_code == 200, published.json
    return published.json


@pytest.fixture
def communicated(planning, order):
    """The order with a minuted kick-off, an internal meeting, two published reports and a
    draft: (order data, plan, {name: row})."""
    data, plan = order
    kick_off = meeting(planning, plan["id"])
    minute(planning, kick_off)
    internal = meeting(planning, plan["id"], title="Internal review", attendees=[ALICE, BOB])
    rows = {
        "kick_off": kick_off,
        "internal": internal,
        "first": report(planning, plan["id"], "2027-01-08", "Kick-off held; on plan."),
        "second": report(planning, plan["id"], "2027-01-11", NARRATIVE),
        "draft": report(planning, plan["id"], "2027-01-13"),
    }
    return data, plan, rows


def page(planning, path) -> tuple[int, str]:
    response = planning.client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_the_customer_reads_its_orders_published_reports_newest_first_and_its_meetings(
    planning, communicated
):
    data, _, rows = communicated
    sign_in(planning, data["customer_id"])

    status, html = page(planning, f"/portal/orders/{data['order_id']}/reports")

    assert status == 200
    text = visible_text(html)
    assert f"Reports and meetings of {data['number']}" in text
    assert text.index("Status report 2") < text.index("Status report 1")
    assert "Status report 3" not in text  # the draft
    assert "吊车故障，正在维修。" in text and "Kick-off held; on plan." in text
    assert f'href="/portal/status-reports/{rows["second"]["id"]}"' in html
    assert f'href="/portal/status-reports/{rows["second"]["id"]}.pdf"' in html
    assert f'href="/portal/meetings/{rows["kick_off"]["id"]}"' in html
    assert "Internal review" not in text
    assert "Held, minutes published" in text
    assert "<script" not in html


def test_a_report_page_shows_the_report_without_internal_action_items(planning, communicated):
    data, _, rows = communicated
    sign_in(planning, data["customer_id"])

    status, html = page(planning, f"/portal/status-reports/{rows['first']['id']}")

    assert status == 200
    text = visible_text(html)
    assert "Status report 1" in text and data["number"] in text
    assert "Kick-off held; on plan." in text
    assert all(reason in text for reason in rows["first"]["reasons"])
    assert "Send the drawings" in text
    assert "Check supplier price" not in text
    assert 'href="/portal/static/portal.css"' in html and "<script" not in html


def test_the_report_downloads_as_a_pdf_in_the_pages_language(planning, communicated):
    data, _, rows = communicated
    sign_in(planning, data["customer_id"], locale="zh-CN")
    path = f"/portal/status-reports/{rows['second']['id']}.pdf"

    chinese = planning.client.get(path)
    english = planning.client.get(f"{path}?lang=en")

    assert chinese.status_code == 200 and chinese.mimetype == "application/pdf"
    assert chinese.data.startswith(b"%PDF-")
    assert 'filename="status-report-2.pdf"' in chinese.headers["Content-Disposition"]
    text = pdf_text(chinese.data)
    assert "第 2 期状态报告" in text and "吊车故障" in text
    assert "Check supplier price" not in text
    assert english.data.startswith(b"%PDF-") and "Status report 2" in pdf_text(english.data)


def test_the_minutes_page_leaves_out_internal_decisions_and_action_items(planning, communicated):
    data, _, rows = communicated
    sign_in(planning, data["customer_id"])

    status, html = page(planning, f"/portal/meetings/{rows['kick_off']['id']}")

    assert status == 200
    text = visible_text(html)
    assert "Scope agreed." in text and "The plan holds." in text
    assert "Weekly status on Tuesdays" in text and "Send the drawings" in text
    assert "Margin stays at 12 %" not in text and "Check supplier price" not in text
    assert "alice@ordo.example" not in html
    assert "Li Wei" in text and "Line 3 meeting room" in text
    assert "Ordo team (project manager)" in text


def test_draft_minutes_are_not_shown(planning, order):
    data, plan = order
    drafted = meeting(planning, plan["id"])
    minute(planning, drafted, publish=False)
    sign_in(planning, data["customer_id"])

    status, html = page(planning, f"/portal/meetings/{drafted['id']}")

    assert status == 200
    text = visible_text(html)
    assert "Scope agreed." not in text and "Weekly status on Tuesdays" not in text
    assert "The minutes will appear here once they are published." in text


def test_another_customers_or_unknown_pages_are_not_found(planning, communicated):
    data, _, rows = communicated
    sign_in(planning, uuid.uuid4())
    others = [
        f"/portal/orders/{data['order_id']}/reports",
        f"/portal/status-reports/{rows['first']['id']}",
        f"/portal/status-reports/{rows['first']['id']}.pdf",
        f"/portal/meetings/{rows['kick_off']['id']}",
    ]
    for path in others:
        status, html = page(planning, path)
        assert status == 404, path
        assert "There is no such page, or it is not yours to see." in visible_text(html)
    sign_in(planning, data["customer_id"])
    hidden = [
        f"/portal/orders/{uuid.uuid4()}/reports",
        f"/portal/status-reports/{rows['draft']['id']}",
        f"/portal/status-reports/{rows['draft']['id']}.pdf",
        f"/portal/meetings/{rows['internal']['id']}",
        f"/portal/meetings/{uuid.uuid4()}",
    ]
    for path in hidden:
        assert planning.client.get(path).status_code == 404, path


def test_a_visitor_not_signed_in_signs_in_first_and_comes_back(planning, communicated):
    data, _, rows = communicated
    path = f"/portal/status-reports/{rows['first']['id']}"

    response = planning.client.get(path)

    assert response.status_code == 303
    assert "/portal/sign-in?next=" in response.location
    assert unquote(response.location.split("next=", 1)[1]).endswith(path)
    assert planning.client.get(f"{path}.pdf").status_code == 303


def test_every_page_reads_in_chinese(planning, communicated):
    data, _, rows = communicated
    sign_in(planning, data["customer_id"], locale="zh-CN")
    expected = {
        f"/portal/orders/{data['order_id']}/reports": f"{data['number']} 的报告与会议",
        f"/portal/status-reports/{rows['second']['id']}": "第 2 期状态报告",
        f"/portal/meetings/{rows['kick_off']['id']}": "会议纪要",
    }
    for path, heading in expected.items():  # the customer's language
        status, html = page(planning, path)
        assert status == 200, path
        assert '<html lang="zh-CN">' in html and heading in visible_text(html), path
    for path, heading in expected.items():  # switched to English
        status, html = page(planning, f"{path}?lang=en")
        assert '<html lang="en">' in html and heading not in visible_text(html), path


def test_the_status_report_mail_links_to_the_reports_page_besides_its_pdf(planning, order):
    data, plan = order
    published = report(planning, plan["id"], "2027-01-08", "On plan.")

    [mail] = mailed(planning.app, "status_report")

    path = f"/portal/status-reports/{published['id']}?lang=zh-CN"
    assert path in mail.text_body and path in mail.html_body
    assert mail.attachments[0]["filename"] == "status-report-1.pdf"
    [link] = [word for word in mail.text_body.split() if path in word]
    sign_in(planning, data["customer_id"])
    address = urlsplit(link)
    status, html = page(planning, f"{address.path}?{address.query}")
    assert status == 200 and "第 1 期状态报告" in visible_text(html)

"""The orders service's portal pages through the Flask test client: sign-in by mailed link,
the customer's orders and an order, the review form, the change request form."""

import re
import uuid

import pytest

from tests.helpers import auth, deliver, link_in, mailed, published

PLAN_ID = "00000000-0000-4000-8000-000000000001"


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]


def text(page) -> str:
    return page.get_data(as_text=True)


def sign_in(app, browser, address="buyer@acme.example", target=""):
    """Sign `browser` (a test client) in as the customer with `address`, as a person would."""
    form = browser.get("/portal/sign-in")
    sent = browser.post(
        "/portal/sign-in", data={"email": address, "next": target, "csrf_token": csrf_of(form)}
    )
    assert sent.status_code == 200 and "Check your mail" in text(sent)
    link = link_in(mailed(app, "sign_in_link")[-1].text_body)
    path = link.removeprefix("http://127.0.0.1:8001")
    confirm = browser.get(path)
    assert confirm.status_code == 200, text(confirm)
    return browser.post(path, data={"csrf_token": csrf_of(confirm), "next": target}), path


@pytest.fixture
def browser(app):
    return app.test_client()


def test_sign_in_mails_a_single_use_link_and_never_tells_if_the_address_is_known(
    app, customer, browser
):
    form = browser.get("/portal/sign-in")
    unknown = browser.post(
        "/portal/sign-in", data={"email": "nobody@else.example", "csrf_token": csrf_of(form)}
    )
    assert unknown.status_code == 200 and mailed(app, "sign_in_link") == []
    other = app.test_client()
    known = other.post(
        "/portal/sign-in",
        data={"email": "buyer@acme.example", "csrf_token": csrf_of(other.get("/portal/sign-in"))},
    )
    assert len(mailed(app, "sign_in_link")) == 1
    assert text(unknown).replace("nobody@else.example", "X") == text(known).replace(
        "buyer@acme.example", "X"
    )
    signed, path = sign_in(app, browser)
    assert signed.status_code == 303 and signed.location.endswith("/portal/")
    again = browser.get(path)
    assert again.status_code == 410 and "already been used" in text(again)
    forged = browser.get(path[:-3] + "abc")
    assert forged.status_code == 401 and forged.mimetype == "text/html"


def test_a_visitor_is_sent_to_sign_in_and_brought_back_to_the_page_it_wanted(app, flow, browser):
    order = flow.submitted()
    wanted = browser.get(f"/portal/orders/{order['id']}")
    assert wanted.status_code == 303 and "/portal/sign-in?next=" in wanted.location
    target = f"http://127.0.0.1:8001/portal/orders/{order['id']}"
    signed, _ = sign_in(app, browser, target=target)
    assert signed.location == target
    assert order["number"] in text(
        browser.get(signed.location.removeprefix("http://127.0.0.1:8001"))
    )


def test_a_target_elsewhere_is_not_followed_after_sign_in(app, customer, browser):
    signed, _ = sign_in(app, browser, target="https://evil.example/steal")
    assert signed.location == "http://127.0.0.1:8001/portal/"


def test_another_customers_order_is_not_found_like_an_unknown_one(app, flow, client, browser):
    other = client.post(
        "/customers", json={"name": "Other", "email": "o@other.example"}, headers=auth("sales")
    ).json
    theirs = flow.__class__(client, other["id"]).submitted()
    sign_in(app, browser)
    foreign = browser.get(f"/portal/orders/{theirs['id']}")
    unknown = browser.get(f"/portal/orders/{uuid.uuid4()}")
    assert foreign.status_code == unknown.status_code == 404
    assert theirs["number"] not in text(foreign)
    assert text(foreign).count("Page not found") == text(unknown).count("Page not found") == 2


def test_the_order_page_shows_stage_progress_rag_milestones_requirements_and_timeline(
    app, flow, browser
):
    order = flow.confirmed()
    deliver(
        app,
        "ordo.plan.activated",
        {
            "order_id": order["id"],
            "plan_id": PLAN_ID,
            "version": 2,
            "baseline_number": 1,
            "start_date": "2027-01-04",
            "finish_date": "2027-02-26",
        },
    )
    deliver(
        app,
        "ordo.status_report.published",
        {
            "order_id": order["id"],
            "plan_id": PLAN_ID,
            "status_report_id": str(uuid.uuid4()),
            "number": 1,
            "status_date": "2027-01-15",
            "rag": "amber",
            "reasons": ["Pressing frame delivered 3 days late"],
            "percent_complete": 42.0,
            "open_issues": 1,
            "open_action_items": 0,
            "mailed_to": 1,
            "milestones": [
                {
                    "name": "Frame assembled",
                    "planned_date": "2027-01-20",
                    "forecast_date": "2027-01-23",
                    "reached_on": None,
                }
            ],
        },
    )
    sign_in(app, browser)
    home = text(browser.get("/portal/"))
    assert order["number"] in home and "42%" in home and "At risk" in home
    page = text(browser.get(f"/portal/orders/{order['id']}"))
    for expected in (
        "Work in progress",
        "42%",
        "At risk",
        "Pressing frame delivered 3 days late",
        "Frame assembled",
        "Jan 20, 2027",
        "Jan 23, 2027",
        "Requirement 1",
        "Presses 40 t",
        "Work started on 2027-01-04; planned finish 2027-02-26.",
        "Status report 1 as of 2027-01-15: 42% done.",
    ):
        assert expected in page, expected
    chinese = text(browser.get(f"/portal/orders/{order['id']}?lang=zh-CN"))
    assert '<html lang="zh-CN">' in chinese and "进行中" in chinese and "有风险" in chinese


def review_form(browser, order_id):
    page = browser.get(f"/portal/orders/{order_id}/review")
    ids = re.findall(r'name="revision-([0-9a-f-]{36})" value="(\d+)"', text(page))
    return page, ids


def test_the_customer_agrees_to_one_requirement_and_asks_to_change_another(app, flow, browser):
    order = flow.submitted(requirements=2)
    sign_in(app, browser)
    page, [(first, rev1), (second, rev2)] = review_form(browser, order["id"])
    base = {"csrf_token": csrf_of(page), f"revision-{first}": rev1, f"revision-{second}": rev2}
    missing = browser.post(
        f"/portal/orders/{order['id']}/review",
        data={**base, f"decision-{first}": "agree", f"decision-{second}": "change"},
    )
    assert missing.status_code == 422 and "Say what should change." in text(missing)
    assert published(app, "ordo.requirements.customer_reviewed") == []
    comment = "<b>40 t</b> is too little"
    sent = browser.post(
        f"/portal/orders/{order['id']}/review",
        data={
            **base,
            f"decision-{first}": "agree",
            f"decision-{second}": "change",
            f"comment-{second}": comment,
        },
    )
    assert sent.status_code == 303
    shown = text(browser.get(sent.location))
    assert "your review of the requirements was recorded" in shown
    assert "&lt;b&gt;40 t&lt;/b&gt; is too little" in shown and "<b>40 t</b>" not in shown
    summary = flow.client.get(f"/orders/{order['id']}/review-summary", headers=auth("manager"))
    decisions = {row["requirement_id"]: row for row in summary.json}
    assert decisions[first]["customer_decision"] == "approved"
    assert decisions[second]["customer_decision"] == "changes_requested"
    assert decisions[second]["customer_comment"] == comment


def test_a_review_form_read_before_a_revision_is_refused_as_stale(app, flow, browser):
    order = flow.submitted()
    sign_in(app, browser)
    page, [(requirement, revision)] = review_form(browser, order["id"])
    response = browser.post(
        f"/portal/orders/{order['id']}/review",
        data={
            "csrf_token": csrf_of(page),
            f"decision-{requirement}": "agree",
            f"revision-{requirement}": str(int(revision) + 1),
        },
    )
    assert response.status_code == 409 and "Reload" in text(response)
    assert published(app, "ordo.requirements.customer_reviewed") == []


def test_a_review_without_its_csrf_token_writes_nothing(app, flow, browser):
    order = flow.submitted()
    sign_in(app, browser)
    _, [(requirement, revision)] = review_form(browser, order["id"])
    response = browser.post(
        f"/portal/orders/{order['id']}/review",
        data={f"decision-{requirement}": "agree", f"revision-{requirement}": revision},
    )
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert published(app, "ordo.requirements.customer_reviewed") == []


def test_a_change_request_from_the_portal_is_pending_for_sales_and_shown_escaped(
    app, flow, browser
):
    order = flow.confirmed()
    sign_in(app, browser)
    form = browser.get(f"/portal/orders/{order['id']}/changes/new")
    version = re.search(r'name="version" value="(\d+)"', text(form))[1]
    data = {
        "csrf_token": csrf_of(form),
        "version": version,
        "title": "Blue <script>alert(1)</script>",
        "description": "RAL 5015",
        "wished_date": "2099-02-01",
    }
    stale = browser.post(
        f"/portal/orders/{order['id']}/changes/new", data={**data, "version": str(int(version) - 1)}
    )
    assert stale.status_code == 409 and "Reload" in text(stale)
    sent = browser.post(f"/portal/orders/{order['id']}/changes/new", data=data)
    assert sent.status_code == 303
    shown = text(browser.get(sent.location.split("#")[0]))
    assert "Blue &lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>" not in shown
    assert "Waiting for a decision" in shown
    [change] = flow.client.get(
        f"/orders/{order['id']}/change-requests", headers=auth("sales")
    ).json["items"]
    assert (change["status"], change["raised_by_customer"], change["wished_date"]) == (
        "pending",
        True,
        "2099-02-01",
    )

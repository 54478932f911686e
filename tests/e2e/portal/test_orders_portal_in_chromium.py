"""The customer's orders steps in a real browser: sign-in from the mailed link, the
requirements review (agree to two, ask to change one), a change request, the order page in
Chinese. Each step checks what the page shows and what the orders service then holds; a
screenshot of every page lands under the test's tmp_path/screenshots."""

import uuid

import pytest
from selenium.webdriver.common.by import By

from shared.client import RequestFailed
from tests.e2e.portal.conftest import links_in, phone

CRITERIA = {
    "Pressing force": ["Presses 40 t", "Holds 40 t for 10 s"],
    "Cycle time": ["Cycle under 12 s"],
    "Guarding": ["CE-marked light curtain"],
}


def submitted_order(portal, email: str) -> tuple[dict, list[dict]]:
    sales = portal.client("orders", "sales")
    customer = sales.post(
        "/customers",
        {"name": "杭州泵业有限公司", "email": email, "contact_name": "Li Wei", "locale": "en"},
    )
    order = sales.post(
        "/orders",
        {"customer_id": customer["id"], "title": "Hydraulic press", "due_date": "2027-03-31"},
    )
    requirements = [
        sales.post(
            f"/orders/{order['id']}/requirements",
            {
                "title": title,
                "kind": "core",
                "source": "interview",
                "priority": "must",
                "estimate_days": 5,
                "acceptance_criteria": [{"text": text} for text in criteria],
            },
        )
        for title, criteria in CRITERIA.items()
    ]
    sales.post(f"/orders/{order['id']}/submit")
    return order, requirements


def heading(browser, expected: str) -> bool:
    """Whether the page (once loaded) is headed `expected`."""
    return browser.wait_until(lambda: browser.find_element(By.TAG_NAME, "h1").text == expected)


def shows(browser, text: str) -> bool:
    return browser.wait_until(lambda: text in browser.text())


def test_the_customer_signs_in_from_the_mail_reviews_and_asks_for_a_change(portal, browser):
    email = f"li.wei.{uuid.uuid4().hex[:6]}@pumps.example"
    order, requirements = submitted_order(portal, email)
    manager = portal.client("orders", "manager")

    invitation = portal.mailbox.wait_for(email, "please review its 3 requirements")
    [review_link] = links_in(invitation)
    browser.get(review_link)  # not signed in: the sign-in page, keeping the review as target
    assert heading(browser, "Sign in to your orders")
    browser.screenshot("01-sign-in")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    assert heading(browser, "Check your mail")
    browser.screenshot("02-check-your-mail")

    [sign_in_link] = links_in(portal.mailbox.wait_for(email, "sign-in link"))
    browser.get(sign_in_link)
    browser.screenshot("03-sign-in-confirm")
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    assert heading(browser, f"Review the requirements of {order['number']}")
    cookie = browser.get_cookie("ordo_portal")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    browser.screenshot("04-review")

    first, second, third = requirements
    browser.find_element(By.ID, f"agree-{first['id']}").click()
    browser.find_element(By.ID, f"agree-{second['id']}").click()
    browser.find_element(By.ID, f"change-{third['id']}").click()
    browser.find_element(By.ID, f"comment-{third['id']}").send_keys("Light curtain AND a fence")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    assert shows(browser, "your review of the requirements was recorded")
    browser.screenshot("05-order-after-review")
    summary = {
        row["requirement_id"]: row for row in manager.get(f"/orders/{order['id']}/review-summary")
    }
    assert [summary[r["id"]]["customer_decision"] for r in requirements] == [
        "approved",
        "approved",
        "changes_requested",
    ]
    assert summary[third["id"]]["customer_comment"] == "Light curtain AND a fence"
    with pytest.raises(RequestFailed) as blocked:  # the customer has not agreed to all
        manager.post(f"/orders/{order['id']}/approve")
    assert blocked.value.status == 409

    reviewers = [{"requirement_id": r["id"], "decision": "approved"} for r in requirements]
    manager.post(f"/orders/{order['id']}/reviews", {"decisions": reviewers})
    confirmed = manager.post(
        f"/orders/{order['id']}/approve",
        {"customer_override_reason": "The fence is agreed by phone; it comes as a change."},
    )
    assert confirmed["status"] == "confirmed"

    browser.get(f"{portal.urls['orders']}/portal/orders/{order['id']}")
    assert shows(browser, "Confirmed, planning the work")
    browser.find_element(By.LINK_TEXT, "Ask for a change").click()
    assert heading(browser, f"Ask for a change to {order['number']}")
    browser.screenshot("06-change-request-form")
    browser.find_element(By.ID, "title").send_keys("Add a safety fence")
    browser.find_element(By.ID, "description").send_keys("A 2 m fence around the press")
    browser.find_element(By.ID, "wished_date").send_keys("03/01/2027")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    assert shows(browser, "your change request was sent")
    change = browser.find_element(By.CSS_SELECTOR, "li.change-request")
    assert "Add a safety fence" in change.text and "Waiting for a decision" in change.text
    browser.screenshot("07-order-with-change-request")
    [held] = manager.get(f"/orders/{order['id']}/change-requests")["items"]
    assert (held["status"], held["title"], held["raised_by_customer"]) == (
        "pending",
        "Add a safety fence",
        True,
    )
    assert held["wished_date"] == "2027-03-01"

    browser.find_element(By.LINK_TEXT, "中文").click()
    assert shows(browser, "已确认，正在制定计划")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    phone(browser)
    browser.screenshot("08-order-zh-CN-phone")
    home = browser.find_element(By.CSS_SELECTOR, "header nav a.brand").get_attribute("href")
    browser.get(home)
    assert heading(browser, "我的订单") and order["number"] in browser.text()
    browser.screenshot("09-home-zh-CN-phone")

"""The customer reads its order's status report and meeting minutes in headless Chromium: an
order sold, reviewed, planned and communicated (a minuted kick-off, a published report); the
customer signs in from the mail, goes from the order page (orders) to its reports and meetings
(planning), opens the report and the minutes, and downloads the report's PDF, in English and
in Chinese."""

from __future__ import annotations

import urllib.request

from selenium.webdriver.common.by import By

from shared.demo import Demo
from tests.e2e.portal.conftest import heading_shows, sign_in_from_the_mail
from tests.helpers import JWT_SECRET
from tests.pdf_text import pdf_text


def download(browser, url: str) -> urllib.request.addinfourl:
    """`url` fetched with the browser's portal session (Chromium keeps its downloads to itself)."""
    cookie = browser.get_cookie("ordo_portal")
    request = urllib.request.Request(url, headers={"Cookie": f"ordo_portal={cookie['value']}"})
    return urllib.request.urlopen(request, timeout=120)


def test_the_customer_reads_the_status_report_and_the_minutes_from_the_order_page(portal, browser):
    demo = Demo(portal.urls, JWT_SECRET, timeout=90, say=lambda line: None)
    order, requirements = demo.sell()
    demo.review(order, requirements)
    plan = demo.plan(order)
    demo.communicate(order, plan)

    browser.get(f"{portal.urls['orders']}/portal/orders/{order['id']}")  # sign-in first
    assert heading_shows(browser, "Sign in to your orders")
    sign_in_from_the_mail(browser, portal, demo.customer_email)
    assert heading_shows(browser, order["number"])

    browser.find_element(By.ID, "reports-link").click()
    assert heading_shows(browser, f"Reports and meetings of {order['number']}")
    assert browser.current_url.startswith(portal.urls["planning"])
    text = browser.text()
    assert "Status report 1" in text
    assert "Kick-off held; engineering starts this week as planned." in text
    assert f"Kick-off {order['number']}" in text and "Held, minutes published" in text
    browser.screenshot("reports-01-list")

    browser.find_element(By.LINK_TEXT, "Read the whole report").click()
    assert heading_shows(browser, "Status report 1")
    assert "Send the line 3 floor plan" in browser.text()
    browser.screenshot("reports-02-report")
    pdf_url = browser.find_element(By.PARTIAL_LINK_TEXT, "PDF").get_attribute("href")
    with download(browser, pdf_url) as answer:
        assert answer.headers["Content-Type"] == "application/pdf"
        pdf = answer.read()
    assert pdf.startswith(b"%PDF-") and "Status report 1" in pdf_text(pdf)
    with download(browser, f"{pdf_url}?lang=zh-CN") as answer:
        assert "第 1 期状态报告" in pdf_text(answer.read())

    browser.back()
    assert heading_shows(browser, f"Reports and meetings of {order['number']}")
    browser.find_element(By.LINK_TEXT, f"Kick-off {order['number']}").click()
    assert heading_shows(browser, f"Kick-off {order['number']}")
    text = browser.text()
    assert "Scope, plan and acceptance criteria walked through and agreed." in text
    assert "Weekly status report every Friday" in text and "Send the line 3 floor plan" in text
    browser.screenshot("reports-03-minutes")

    browser.get(f"{browser.current_url.split('?')[0]}?lang=zh-CN")
    assert heading_shows(browser, f"Kick-off {order['number']}")
    assert "会议纪要" in browser.text() and "决定" in browser.text()
    assert not browser.find_elements(By.TAG_NAME, "script")

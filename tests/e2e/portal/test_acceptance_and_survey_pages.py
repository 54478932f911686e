"""The customer accepts a delivery and answers the survey in headless Chromium, from the links in
the mails the suite sent through a real SMTP server; each page is checked, photographed, and
what the services then hold is read back over their APIs."""

from __future__ import annotations

import urllib.request

import urllib3
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from shared.client import wait_until
from shared.demo import Demo
from tests.e2e.portal.conftest import links_in, phone
from tests.helpers import JWT_SECRET
from tests.pdf_text import pdf_text

CUSTOMER_NAME = "杭州泵业有限公司"
MANUAL = b"%PDF-1.7\n" + b"0" * 4000 + b"\n%%EOF\n"


def delivered_order(portal) -> tuple[Demo, dict, dict]:
    """An order of a customer named in Chinese, built, inspected and handed over with its
    operating manual: the acceptance request is on its way to the customer."""
    demo = Demo(portal.urls, JWT_SECRET, timeout=90, say=lambda line: None)
    order, requirements = demo.sell()
    sales = portal.client("orders", "sales")
    customer = sales.request("GET", f"/customers/{order['customer_id']}")
    sales.patch(
        f"/customers/{order['customer_id']}",
        {"name": CUSTOMER_NAME},
        headers={"If-Match": customer.headers["ETag"]},
    )
    demo.review(order, requirements)
    plan = demo.plan(order)
    demo.work(plan, "engineers", "reported every task done")
    demo.inspect(demo.wait_ready_for_qc(order, "every deliverable is ready for QC"), False)
    logistics = portal.client("delivery", "logistics")
    manual = urllib3.request(
        "POST",
        f"{portal.urls['delivery']}/orders/{order['id']}/documents",
        fields={
            "kind": "user_manual",
            "name": "Operating manual",
            "file": ("manual.pdf", MANUAL, "application/pdf"),
        },
        headers={"Authorization": f"Bearer {logistics.token}"},
    ).json()
    deliverables = logistics.get(f"/deliverables?order_id={order['id']}")["items"]
    package = logistics.post(
        "/deliveries",
        {
            "order_id": order["id"],
            "deliverable_ids": [deliverable["id"] for deliverable in deliverables],
            "document_ids": [manual["id"]],
        },
    )
    logistics.post(f"/deliveries/{package['id']}/submit")
    return demo, order, {**package, "manual": manual}


def mailed_link(portal, demo: Demo, marker: str) -> str:
    found = wait_until(
        lambda: [
            link
            for message in portal.mailbox.to(demo.customer_email)
            for link in links_in(message)
            if marker in link
        ],
        60,
        0.3,
    )
    return found[-1]


def heading(browser, *expected: str) -> str:
    """The page's heading, once it is one of `expected` (a click's page may still be loading)."""
    return browser.wait_until(
        lambda: (text := browser.find_element(By.TAG_NAME, "h1").text) in expected and text
    )


def test_the_customer_accepts_with_a_punch_list_and_answers_the_survey_in_a_browser(
    portal, browser
):
    demo, order, package = delivered_order(portal)
    delivery = portal.client("delivery", "logistics")

    # The acceptance request, as mailed: its link opens the page.
    browser.get(mailed_link(portal, demo, "/portal/acceptance/"))
    heading(browser, f"Acceptance of order {order['number']}")
    text = browser.text()
    assert "Operating manual" in text and package["manual"]["sha256"] in text
    criteria = browser.find_elements(By.CSS_SELECTOR, "fieldset[id^=verdict-] legend")
    assert len(criteria) >= 3
    browser.screenshot("1-acceptance-page")

    # Sent without the consent box: the form comes back saying what is missing.
    verdicts = browser.find_elements(By.CSS_SELECTOR, "input[type=radio][value=met]")
    for verdict in verdicts[1:]:
        verdict.click()
    browser.find_element(By.CSS_SELECTOR, "input[type=radio][value=not_met]").click()
    first = browser.find_element(By.CSS_SELECTOR, "textarea[id^=comment-]")
    first.send_keys("Changeover took 14 minutes with one operator")
    browser.find_element(By.ID, "decision-conditionally_accepted").click()
    browser.find_element(By.ID, "punch-0").send_keys("Retrain the line 3 operators")
    browser.execute_script("document.getElementById('due-0').value = '2027-01-15'")
    browser.find_element(By.ID, "signer_name").send_keys("王伟")
    browser.find_element(By.ID, "signer_title").send_keys("Plant manager")
    browser.find_element(By.CSS_SELECTOR, "form[novalidate] button[type=submit]").click()
    browser.wait_until(lambda: browser.find_elements(By.ID, "errors-title"))
    assert "Tick the box to sign the decision." in browser.text()
    assert delivery.get(f"/deliveries/{package['id']}")["status"] == "submitted"
    browser.screenshot("2-acceptance-form-refused")

    # What was filled in is kept; the box is ticked with the keyboard and the form signed.
    assert browser.find_element(By.ID, "signer_name").get_attribute("value") == "王伟"
    browser.execute_script("document.getElementById('due-0').value = '2027-01-15'")
    browser.find_element(By.ID, "consent").send_keys(Keys.SPACE)
    browser.find_element(By.CSS_SELECTOR, "form[novalidate] button[type=submit]").click()
    heading(browser, "Package accepted with conditions")
    confirmation = browser.text()
    assert "Retrain the line 3 operators — due 2027-01-15" in confirmation
    assert "Changeover took 14 minutes with one operator" in confirmation
    browser.screenshot("3-acceptance-confirmation")

    # The certificate, downloaded from the confirmation, prints the customer's Chinese name.
    certificate_url = browser.find_element(By.PARTIAL_LINK_TEXT, "certificate").get_attribute(
        "href"
    )
    with urllib.request.urlopen(certificate_url, timeout=30) as answer:
        assert answer.headers["Content-Type"] == "application/pdf"
        certificate = pdf_text(answer.read())
    assert CUSTOMER_NAME in certificate and "王伟" in certificate
    assert "Certificate of Conditional Acceptance" in certificate
    assert package["manual"]["sha256"] in certificate

    # What the services now hold.
    decided = delivery.get(f"/deliveries/{package['id']}")
    assert decided["status"] == "conditionally_accepted"
    assert decided["acceptance"]["via"] == "link"
    assert decided["acceptance"]["signer_name"] == "王伟"
    assert [item["description"] for item in decided["punch_items"]] == [
        "Retrain the line 3 operators"
    ]
    unmet = [result for result in decided["acceptance"]["results"] if not result["met"]]
    assert len(unmet) == 1 and unmet[0]["comment"] == "Changeover took 14 minutes with one operator"
    orders = portal.client("orders", "manager")
    wait_until(lambda: orders.get(f"/orders/{order['id']}")["status"] == "accepted", 60, 0.3)

    # The survey, as mailed once the order is accepted; a second tab keeps the form open.
    survey_link = mailed_link(portal, demo, "/portal/surveys/")
    browser.get(survey_link)
    first_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(survey_link)
    heading(browser, "How did we do?")
    browser.screenshot("4-survey-page")
    for question, answer in (
        ("csat", 4),
        ("nps", 9),
        ("quality", 5),
        ("schedule", 3),
        ("communication", 4),
    ):
        browser.find_element(By.CSS_SELECTOR, f"label[for={question}-{answer}]").click()
    browser.find_element(By.ID, "comment").send_keys("Clear and on time; <b>thanks</b>")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    heading(browser, "Thank you for your answers")
    assert "4 / 5" in browser.text() and "9 / 10" in browser.text()
    phone(browser)
    browser.screenshot("5-survey-thanks-phone")

    feedback = portal.client("feedback", "manager")
    (survey,) = feedback.get(f"/surveys?order_id={order['id']}")["items"]
    assert (survey["csat"], survey["nps"], survey["quality"], survey["schedule"]) == (4, 9, 5, 3)
    assert survey["comment"] == "Clear and on time; <b>thanks</b>"

    # The form still open in the first tab cannot answer a second time.
    browser.switch_to.window(first_tab)
    browser.find_element(By.CSS_SELECTOR, "label[for=csat-1]").click()
    browser.find_element(By.CSS_SELECTOR, "label[for=nps-0]").click()
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    heading(browser, "You have already answered this survey")
    browser.find_element(By.LINK_TEXT, "中文").click()
    heading(browser, "您已回答过此问卷", "感谢您的回答")
    browser.screenshot("6-survey-answered-twice-zh-CN")
    again = feedback.get(f"/surveys?order_id={order['id']}")["items"][0]
    assert (again["csat"], again["nps"]) == (4, 9)

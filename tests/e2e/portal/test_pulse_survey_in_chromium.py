"""The pulse survey in a real browser: an order delivered in increments, the first accepted; the
customer follows the mailed address, signs in from the sign-in mail, answers one score and a
comment, is thanked, and feedback then holds the answer."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from shared.agile_demo import AgileDemo
from shared.client import wait_until
from tests.e2e.portal.conftest import MAIL_SECONDS, heading_shows, links_in, sign_in_from_the_mail
from tests.helpers import JWT_SECRET


class BrowserCustomerDemo(AgileDemo):
    """`ordo demo --agile`'s staff steps against the portal's suite: the acceptance link is taken
    from the SMTP server's mailbox, and the pulse survey is left to the browser."""

    def __init__(self, portal):
        super().__init__(portal.urls, JWT_SECRET, timeout=90, say=lambda line: None)
        self.mailbox = portal.mailbox

    def new_link(self) -> str:
        def fresh():
            links = [
                link
                for message in self.mailbox.to(self.customer_email)
                for link in links_in(message)
                if "/acceptance/" in link and link not in self.used_links
            ]
            return links[-1] if links else None

        link = wait_until(fresh, MAIL_SECONDS, 0.3)
        self.used_links.add(link)
        return link

    def answer_pulse(self, order: dict, increment: dict) -> None:
        """The customer answers in the browser (the test's own steps)."""


def test_the_customer_answers_the_pulse_survey_from_the_mail(portal, browser):
    demo = BrowserCustomerDemo(portal)
    order, requirements = demo.sell_agile()
    demo.review(order, requirements)
    plan, increments = demo.plan_increments(order, requirements)
    demo.deliver_increment(order, plan, increments[0], reject_once=False)

    invitation = portal.mailbox.wait_for(demo.customer_email, "how did this delivery go")
    [pulse_link] = links_in(invitation)
    browser.get(pulse_link)  # not signed in: the sign-in page, keeping the survey as target
    assert heading_shows(browser, "Sign in to your orders")
    sign_in_from_the_mail(browser, portal, demo.customer_email)
    assert heading_shows(browser, "How did this delivery go?")
    assert order["number"] in browser.text()
    browser.screenshot("pulse-01-form")

    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    # No score chosen: the form comes back saying so, nothing saved.
    assert browser.wait_until(lambda: "Please choose an answer." in browser.text())
    browser.find_element(By.CSS_SELECTOR, "label[for=score-4]").click()
    browser.find_element(By.ID, "comment").send_keys("Good pace; a demo before the next one")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    assert heading_shows(browser, "Thank you for your answer")
    assert "4 / 5" in browser.text()
    browser.screenshot("pulse-02-thanks")

    customer = portal.client("feedback", "customer", order["customer_id"])
    [survey] = customer.get(f"/pulse-surveys?order_id={order['id']}")["items"]
    assert survey["increment_id"] == increments[0]["id"]
    assert (survey["score"], survey["comment"]) == (4, "Good pace; a demo before the next one")
    browser.get(pulse_link.split("?")[0] + "?lang=zh-CN")  # the answered survey, in Chinese
    assert heading_shows(browser, "感谢您的回答")

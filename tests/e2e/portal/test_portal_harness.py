"""The harness itself: the suite's pages open in headless Chromium, styled, in both languages."""

from selenium.webdriver.common.by import By

from tests.e2e.portal.conftest import phone


def test_a_portal_page_opens_in_chromium_with_its_css_and_language_switch(portal, browser):
    browser.get(portal.urls["delivery"] + "/portal/nowhere")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Page not found"
    colour = browser.find_element(By.TAG_NAME, "body").value_of_css_property("background-color")
    assert colour == "rgba(244, 246, 249, 1)"  # the portal's own stylesheet applied
    browser.find_element(By.LINK_TEXT, "中文").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "找不到页面"
    phone(browser)
    assert browser.screenshot("not-found-zh-CN").stat().st_size > 1000

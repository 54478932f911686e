"""The order page links to the order's status reports and meeting minutes, which planning
serves on the portal, in both languages; an order not yet confirmed has none to link to."""

import pytest

from tests.services.orders.test_orders_portal_pages import sign_in, text


@pytest.fixture
def browser(app):
    return app.test_client()


def test_a_confirmed_orders_page_links_to_its_reports_and_minutes_at_planning(app, flow, browser):
    order = flow.confirmed()
    sign_in(app, browser)

    page = text(browser.get(f"/portal/orders/{order['id']}"))
    chinese = text(browser.get(f"/portal/orders/{order['id']}?lang=zh-CN"))

    assert f'/portal/orders/{order["id"]}/reports"' in page
    assert "Read the status reports and the minutes of your meetings" in page
    assert "查看状态报告和会议纪要" in chinese


def test_an_order_under_review_has_no_reports_link_yet(app, flow, browser):
    order = flow.submitted()
    sign_in(app, browser)

    page = text(browser.get(f"/portal/orders/{order['id']}"))

    assert '/reports"' not in page

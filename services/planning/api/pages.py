"""The customer's planning pages on the portal: an order's published status reports and the
meetings its contacts attended, each report as a page and a PDF, each meeting with its
published minutes. Read only (no forms), customer-safe, in English or Chinese."""

from __future__ import annotations

from datetime import date

from flask import Response
from flask_babel import format_date

from services.planning.usecases.customer_pages import (
    customer_meeting,
    customer_report,
    customer_report_pdf,
    order_communication,
)
from shared.http.requests import db_session
from shared.portal import current_customer_id, customer_page, page_blueprint, render_page
from shared.portal.i18n import page_locale

pages = page_blueprint("planning-pages", __name__, "../render/pages")


@pages.app_template_filter("day")
def day(value: date | str | None) -> str:
    """A day in the page's language: a date, or the ISO date a frozen report holds."""
    if not value:
        return "—"
    return format_date(date.fromisoformat(value[:10]) if isinstance(value, str) else value)


@pages.get("/portal/orders/<uuid:order_id>/reports")
@customer_page
def order_reports(order_id):
    page = order_communication(db_session(), order_id, current_customer_id())
    return render_page("planning/reports.html", page=page)


@pages.get("/portal/status-reports/<uuid:report_id>")
@customer_page
def status_report(report_id):
    page = customer_report(db_session(), report_id, current_customer_id())
    return render_page("planning/report.html", page=page)


@pages.get("/portal/status-reports/<uuid:report_id>.pdf")
@customer_page
def status_report_pdf(report_id):
    filename, pdf = customer_report_pdf(
        db_session(), report_id, current_customer_id(), page_locale()
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@pages.get("/portal/meetings/<uuid:meeting_id>")
@customer_page
def meeting(meeting_id):
    page = customer_meeting(db_session(), meeting_id, current_customer_id())
    return render_page("planning/meeting.html", page=page)

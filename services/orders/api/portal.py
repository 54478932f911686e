"""The customer portal's pages of the orders service: sign-in by mailed link, the customer's
orders (the portal's home), an order, the customer's requirements review, a change request.

HTML forms only (no JavaScript); each view parses the form, calls one use case and renders a
page. A form whose page is out of date (the order or a requirement changed since) is refused
by the use case as stale and shown as a page asking to reload; nothing is written.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import redirect, request, url_for

from services.orders.api.support import settings
from services.orders.usecases.changes import request_customer_change
from services.orders.usecases.portal import customer_orders, order_page, portal_principal
from services.orders.usecases.reviews import record_customer_review
from services.orders.usecases.sign_in import check_sign_in_link, request_sign_in, sign_in_with_link
from shared.http.requests import db_session
from shared.portal import (
    current_customer_id,
    customer_page,
    limit_page,
    page_blueprint,
    render_page,
    sign_in,
)
from shared.portal.i18n import page_locale
from shared.portal.pages import safe_target
from shared.usecases import IfMatch

pages = page_blueprint("orders-pages", __name__, "../render/pages")

TITLE_MAX, TEXT_MAX = 200, 2000


@pages.get("/portal/")
@customer_page
def home():
    lines = customer_orders(db_session(), current_customer_id())
    return render_page("orders/home.html", lines=lines)


@pages.route("/portal/sign-in", methods=["GET", "POST"])
@limit_page("sign-in", "10 per minute")
def sign_in_form():
    target = request.values.get("next", "")
    if request.method == "GET":
        return render_page(
            "orders/sign_in.html", target=target, signed_out="signed_out" in request.args
        )
    email = request.form.get("email", "").strip()
    if not email or "@" not in email or len(email) > 254:
        return render_page("orders/sign_in.html", 422, target=target, email=email, invalid=True)
    request_sign_in(db_session(), email, settings(), page_locale(), target or None)
    return render_page("orders/sign_in_sent.html", email=email)


@pages.get("/portal/sign-in/<string:token>")
def sign_in_link(token):
    check_sign_in_link(db_session(), token, settings())
    return render_page("orders/sign_in_confirm.html", target=request.args.get("next", ""))


@pages.post("/portal/sign-in/<string:token>")
def sign_in_with(token):
    signed = sign_in_with_link(db_session(), token, settings())
    sign_in(signed.customer_id, signed.locale)
    return redirect(safe_target(request.form.get("next")), 303)


@pages.get("/portal/orders/<uuid:order_id>")
@customer_page
def order(order_id):
    return render_page("orders/order.html", page=order_page(db_session(), order_id, _customer()))


@pages.route("/portal/orders/<uuid:order_id>/review", methods=["GET", "POST"])
@customer_page
def review(order_id):
    session = db_session()
    if request.method == "GET":
        return render_page("orders/review.html", page=order_page(session, order_id, _customer()))
    decisions, errors = _decisions_from(request.form)
    if errors or not decisions:
        page = order_page(session, order_id, _customer())
        errors = errors or {"_form": True}
        return render_page("orders/review.html", 422, page=page, errors=errors, form=request.form)
    principal = portal_principal(session, _customer())
    record_customer_review(session, order_id, decisions, principal)
    return redirect(url_for(".order", order_id=order_id, reviewed=1), 303)


@pages.route("/portal/orders/<uuid:order_id>/changes/new", methods=["GET", "POST"])
@customer_page
def change_request(order_id):
    session = db_session()
    page = order_page(session, order_id, _customer())
    if request.method == "GET":
        return render_page("orders/change_request.html", page=page, form={})
    form, errors = _change_from(request.form)
    if errors:
        return render_page(
            "orders/change_request.html", 422, page=page, form=request.form, errors=errors
        )
    request_customer_change(
        session,
        order_id,
        form["title"],
        form["description"],
        form["wished_date"],
        portal_principal(session, _customer()),
        _version(request.form),
    )
    return redirect(url_for(".order", order_id=order_id, changed=1) + "#changes", 303)


def _customer():
    return current_customer_id()


def _version(form) -> IfMatch:
    """The order's version the form was read at: a form without one is stale too."""
    version = form.get("version", "")
    return IfMatch(frozenset({int(version)} if version.isdigit() else set()))


def _decisions_from(form) -> tuple[list[dict], dict]:
    """The review form: per requirement `decision-<id>` (agree or change), `comment-<id>` and
    the revision it was shown at (`revision-<id>`)."""
    decisions, errors = [], {}
    for key, value in form.items():
        if not key.startswith("decision-"):
            continue
        requirement_id = key.removeprefix("decision-")
        comment = form.get(f"comment-{requirement_id}", "").strip()
        revision = form.get(f"revision-{requirement_id}", "")
        if value not in ("agree", "change") or not revision.isdigit():
            errors[requirement_id] = "invalid"
            continue
        if value == "change" and not comment:
            errors[requirement_id] = "comment_needed"
        elif len(comment) > TEXT_MAX:
            errors[requirement_id] = "too_long"
        decisions.append(
            {
                "requirement_id": _uuid(requirement_id),
                "decision": "approved" if value == "agree" else "changes_requested",
                "comment": comment,
                "revision": int(revision),
            }
        )
    if any(decision["requirement_id"] is None for decision in decisions):
        errors["_form"] = True
    return decisions, errors


def _change_from(form) -> tuple[dict, dict]:
    title = form.get("title", "").strip()
    description = form.get("description", "").strip()
    wished = form.get("wished_date", "").strip()
    errors = {}
    if not title or len(title) > TITLE_MAX:
        errors["title"] = "required" if not title else "too_long"
    if not description or len(description) > TEXT_MAX:
        errors["description"] = "required" if not description else "too_long"
    wished_date = None
    if wished:
        try:
            wished_date = date.fromisoformat(wished)
        except ValueError:
            errors["wished_date"] = "invalid"
        else:
            if wished_date < date.today():
                errors["wished_date"] = "past"
    return {"title": title, "description": description, "wished_date": wished_date}, errors


def _uuid(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None

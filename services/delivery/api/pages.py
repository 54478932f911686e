"""The customer's delivery pages: the acceptance page the mailed link opens, and the signed-in
customer's packages in the portal. Both show the package and take the decision as an HTML form
(no JavaScript); the link's page keeps showing the decision and its certificate once signed."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _
from marshmallow import ValidationError

from services.delivery.api.support import document_response, pdf_response, settings
from services.delivery.schemas import LinkDecisionSchema
from services.delivery.usecases.acceptance import (
    certificate_by_link,
    decide_by_link,
    linked_document,
    page_by_link,
    send_code_by_link,
)
from services.delivery.usecases.packages import (
    PackagePage,
    decide_own_package,
    own_certificate,
    own_package,
    package_document,
)
from shared.errors import RuleViolation
from shared.http.requests import db_session
from shared.portal import (
    current_customer_id,
    customer_page,
    limit_page,
    page_blueprint,
    render_page,
)
from shared.usecases import IfMatch

pages = page_blueprint("delivery-pages", __name__, "../render/pages")

#: Rows of the punch list the form offers (no JavaScript to add more; 200 are allowed by API).
PUNCH_ROWS = 5


@pages.get("/portal/acceptance/<string:token>")
def acceptance(token):
    page = page_by_link(db_session(), token, settings(), viewer=current_customer_id())
    return _package_page(page, url_for(".decide", token=token), token=token)


@pages.post("/portal/acceptance/<string:token>")
def decide(token):
    try:
        decide_by_link(
            db_session(),
            token,
            lambda: _decision_from(request.form),
            settings(),
            client_address=request.remote_addr or "unknown",
            if_match=_version_of(request.form),
            viewer=current_customer_id(),
        )
    except (ValidationError, RuleViolation) as invalid:
        page = page_by_link(db_session(), token, settings(), viewer=current_customer_id())
        return _package_page(page, request.path, token=token, invalid=invalid)
    return redirect(url_for(".acceptance", token=token), 303)


@pages.post("/portal/acceptance/<string:token>/code")
@limit_page("acceptance-code", "5 per minute")
def send_code(token):
    sent = send_code_by_link(db_session(), token, settings())
    page = page_by_link(db_session(), token, settings(), viewer=current_customer_id())
    return _package_page(page, url_for(".decide", token=token), token=token, code_sent=sent)


@pages.get("/portal/acceptance/<string:token>/certificate.pdf")
def link_certificate(token):
    return pdf_response(
        *certificate_by_link(db_session(), token, settings(), viewer=current_customer_id())
    )


@pages.get("/portal/acceptance/<string:token>/documents/<uuid:document_id>")
def link_document(token, document_id):
    return document_response(linked_document(db_session(), token, document_id, settings()))


@pages.route("/portal/deliveries/<uuid:delivery_id>", methods=["GET", "POST"])
@customer_page
def package(delivery_id):
    customer_id = current_customer_id()
    if request.method == "GET":
        return _package_page(own_package(db_session(), delivery_id, customer_id), request.path)
    try:
        decide_own_package(
            db_session(),
            delivery_id,
            customer_id,
            lambda: _decision_from(request.form),
            client_address=request.remote_addr or "unknown",
            if_match=_version_of(request.form),
        )
    except (ValidationError, RuleViolation) as invalid:
        page = own_package(db_session(), delivery_id, customer_id)
        return _package_page(page, request.path, invalid=invalid)
    return redirect(request.path, 303)


@pages.get("/portal/deliveries/<uuid:delivery_id>/certificate.pdf")
@customer_page
def own_package_certificate(delivery_id):
    return pdf_response(*own_certificate(db_session(), delivery_id, current_customer_id()))


@pages.get("/portal/deliveries/<uuid:delivery_id>/documents/<uuid:document_id>")
@customer_page
def own_document(delivery_id, document_id):
    return document_response(
        package_document(db_session(), delivery_id, document_id, current_customer_id())
    )


def _package_page(
    page: PackagePage,
    action: str,
    *,
    token: str | None = None,
    invalid: Exception | None = None,
    code_sent: dict | None = None,
) -> tuple[str, int, dict]:
    """The package's page: its decision once signed, else the form (with what was sent and
    what is wrong with it, 422, after a refused post)."""
    if token:
        links = {
            "certificate": url_for(".link_certificate", token=token),
            "document": lambda id_: url_for(".link_document", token=token, document_id=id_),
            "code": url_for(".send_code", token=token),
        }
    else:
        delivery_id = page.delivery.id
        links = {
            "certificate": url_for(".own_package_certificate", delivery_id=delivery_id),
            "document": lambda id_: url_for(
                ".own_document", delivery_id=delivery_id, document_id=id_
            ),
            "code": None,
        }
    if page.decided:
        return render_page("delivery/decided.html", page=page, links=links)
    errors = _errors_of(invalid, request.form) if invalid else {}
    return render_page(
        "delivery/package.html",
        422 if invalid else 200,
        page=page,
        action=action,
        links=links,
        form=request.form if invalid else {},
        errors=errors,
        punch_rows=PUNCH_ROWS,
        code_sent=code_sent,
    )


def _version_of(form) -> IfMatch:
    """The package version the page showed (a page without one can only be stale)."""
    version = form.get("version", "")
    return IfMatch(frozenset({int(version)})) if version.isdigit() else IfMatch(frozenset({-1}))


def _decision_from(form) -> dict:
    """The form as the decision the API takes, checked by its schema; the consent box too."""
    criteria = [key.removeprefix("verdict-") for key in form if key.startswith("verdict-")]
    punch_list = [
        {"description": form.get(f"punch-{row}", ""), "due_date": form.get(f"due-{row}", "")}
        for row in range(PUNCH_ROWS)
        if form.get(f"punch-{row}", "").strip() or form.get(f"due-{row}", "").strip()
    ]
    body = {
        "decision": form.get("decision", ""),
        "answers": [
            {
                "criterion_id": criterion_id,
                "met": form[f"verdict-{criterion_id}"] == "met",
                "comment": form.get(f"comment-{criterion_id}", "").strip(),
            }
            for criterion_id in criteria
        ],
        "reasons": [line for line in form.get("reasons", "").splitlines() if line.strip()],
        "punch_list": punch_list,
        "signer_name": form.get("signer_name", "").strip(),
        "signer_title": form.get("signer_title", "").strip(),
        "organisation": form.get("organisation", "").strip(),
        "code": form.get("code", "").strip() or None,
    }
    errors = LinkDecisionSchema().validate(body)
    if form.get("consent") != "yes":
        errors["consent"] = ["required"]
    if errors:
        raise ValidationError(errors)
    return LinkDecisionSchema().load(body)


# What the customer reads for each refused field, whatever rule the API's message names.
_MESSAGES = {
    "decision": _("Choose a decision."),
    "decision.accepted": _(
        "Some criteria are not met: accept conditionally with a punch list, or reject."
    ),
    "decision.rejected": _("A rejection needs at least one criterion that is not met."),
    "reasons": _("Give at least one reason for the rejection, one per line."),
    "punch_list": _("A conditional acceptance needs at least one punch-list item."),
    "punch_list.other": _(
        "Only a conditional acceptance has a punch list: clear it, or accept conditionally."
    ),
    "punch": _("Each punch-list item needs a description and a due date (YYYY-MM-DD)."),
    "criterion": _("Say whether this criterion is met."),
    "comment": _("This comment is too long."),
    "signer_name": _("Enter your name."),
    "signer_title": _("Enter your title or role."),
    "organisation": _("The organisation's name is too long."),
    "consent": _("Tick the box to sign the decision."),
    "code": _("Enter the code we mailed you, or ask for a new one."),
}


def _errors_of(invalid: Exception, form) -> dict[str, str]:
    """The refused fields by their form field's id, each with its message in the page's
    language (the summary at the top links to each)."""
    raw = invalid.messages if isinstance(invalid, ValidationError) else invalid.errors
    decision = form.get("decision", "")
    criteria = [key.removeprefix("verdict-") for key in form if key.startswith("verdict-")]
    errors: dict[str, str] = {}
    for key, value in raw.items():
        if key == "answers" and isinstance(value, dict):  # the schema's: answers.<n>.comment
            for index in value:
                errors[f"comment-{criteria[int(index)]}"] = _MESSAGES["comment"]
        elif key.startswith("answers."):  # the rule's: answers.<criterion id>
            errors[f"verdict-{key.removeprefix('answers.')}"] = _MESSAGES["criterion"]
        elif key.startswith("punch_list") and (key != "punch_list" or isinstance(value, dict)):
            errors["punch-0"] = _MESSAGES["punch"]
        elif key == "punch_list":
            conditional = decision == "conditionally_accepted"
            errors["punch-0"] = _MESSAGES["punch_list" if conditional else "punch_list.other"]
        elif key == "decision":
            errors["decision"] = _MESSAGES.get(f"decision.{decision}", _MESSAGES["decision"])
        elif key == "code" and "attempts_left" in getattr(invalid, "extra", {}):
            errors["code"] = _(
                "This is not the code we sent; %(count)s attempts left.",
                count=invalid.extra["attempts_left"],
            )
        elif key in _MESSAGES:
            errors[key] = _MESSAGES[key]
    return errors

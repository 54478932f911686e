"""Portal pages: blueprints, sign-in guard, CSRF, rate limits, and errors shown as pages."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, current_app, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import HTTPException

from shared.config import SERVICES, prefixed, public_url
from shared.errors import DomainError
from shared.http.auth import is_page, page
from shared.http.errors import DOMAIN_STATUSES
from shared.portal.session import current_customer_id, sign_out
from shared.usecases import StaleVersion

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
SIGN_IN_PATH = "/portal/sign-in"

portal = Blueprint(
    "portal",
    __name__,
    template_folder=str(HERE / "templates"),
    static_folder=str(HERE / "static"),
    static_url_path="/portal/static",
)


@portal.post("/portal/sign-out")
@page
def sign_out_page():
    sign_out()
    return redirect(portal_url("orders", f"{SIGN_IN_PATH}?signed_out=1"), 303)


def page_blueprint(name: str, import_name: str, templates: str | Path) -> Blueprint:
    """A blueprint for a service's pages, its templates in `templates`."""
    return Blueprint(name, import_name, template_folder=str(templates))


def portal_url(service: str, path: str = "/portal/") -> str:
    """`path` at `service`'s public address (ORDO_<SERVICE>_PUBLIC_URL, as `ordo up` sets it)."""
    base = public_url(service, current_app.extensions["ordo"].settings)
    return base.rstrip("/") + path


def safe_target(target: str | None) -> str:
    """Where to go after signing in: `target` if it is a page of one of Ordo's services (a
    path here or an address under a service's public URL), else the portal's home."""
    home = portal_url("orders")
    if not target:
        return home
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    bases = [portal_url(service, "/") for service in SERVICES]
    return target if any(target.startswith(base) for base in bases) else home


def customer_page(view):
    """A page for signed-in customers: others go to the sign-in page, which brings them back."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if current_customer_id() is None:
            here = portal_url(current_app.extensions["ordo"].settings.service, request.full_path)
            target = quote(here.rstrip("?"), safe="")
            return redirect(portal_url("orders", f"{SIGN_IN_PATH}?next={target}"), 303)
        return view(*args, **kwargs)

    return guarded


def render_page(template: str, http_status: int = 200, **context):
    return render_template(template, **context), http_status, {"Content-Type": "text/html"}


def lang_url(locale: str) -> str:
    """This page in `locale` (the language switch's links)."""
    args = {key: value for key, value in request.args.items() if key != "lang"}
    return f"{request.path}?{urlencode({**args, 'lang': locale})}"


class PageRateLimited(HTTPException):
    code = 429


def limit_page(scope: str, limit: str, methods: tuple[str, ...] = ("POST",)):
    """Allow `limit` (e.g. "5 per minute") `methods` requests (the form's posts: they send mail
    or check codes) to the page per client address, shared by every replica that uses the same
    ORDO_RATE_LIMIT_STORAGE; over it, a 429 page."""
    rate = parse(limit)

    def decorate(view):
        @functools.wraps(view)
        def limited(*args, **kwargs):
            if request.method not in methods:
                return view(*args, **kwargs)
            state = current_app.extensions["ordo_portal"]
            if state.get("limiter") is None:
                settings = current_app.extensions["ordo"].settings
                storage = storage_from_string(settings.rate_limit_storage)
                state["limiter"] = MovingWindowRateLimiter(storage)
            key = prefixed(current_app.extensions["ordo"].settings.namespace, "ordo-page")
            if not state["limiter"].hit(rate, key, scope, request.remote_addr or "unknown"):
                raise PageRateLimited()
            return view(*args, **kwargs)

        return limited

    return decorate


# --- errors as pages -----------------------------------------------------------------------


def error_page(error: Exception):
    """The error as a page in the customer's language; nothing of the request was written."""
    status, message = 500, _("Something went wrong on our side. Please try again later.")
    if isinstance(error, CSRFError):
        status = 400
        message = _(
            "This form has expired or did not come from this page. Go back, reload the page "
            "and send it again. Nothing was saved."
        )
    elif isinstance(error, StaleVersion):
        status = 409
        message = _(
            "This page has changed since you opened it. Reload it to see the latest version, "
            "then send your answer again. Nothing was saved."
        )
    elif isinstance(error, DomainError):
        status = next(
            (DOMAIN_STATUSES[kind][0] for kind in type(error).__mro__ if kind in DOMAIN_STATUSES),
            400,
        )
        message = PAGE_MESSAGES.get(status, lambda: error.detail)()
    elif isinstance(error, HTTPException):
        status = error.code or 500
        message = PAGE_MESSAGES.get(status, lambda: _("This request could not be handled."))()
    else:
        logger.exception("unhandled error on a page")
    titles = {
        400: _("The form could not be sent"),
        404: _("Page not found"),
        409: _("Please reload the page"),
        410: _("This link has already been used or has expired"),
        429: _("Too many attempts"),
    }
    title = titles.get(status, _("Something went wrong"))
    return render_page("portal/error.html", status, title=title, message=message, status=status)


PAGE_MESSAGES = {
    400: lambda: _("The form could not be read. Go back and try again."),
    401: lambda: _("This link is not valid. Ask for a new one."),
    403: lambda: _("This page is not yours to see."),
    404: lambda: _("There is no such page, or it is not yours to see."),
    405: lambda: _("This page cannot be used this way."),
    410: lambda: _("This link has already been used or has expired. You can ask for a new one."),
    412: lambda: _("This page has changed since you opened it. Reload it. Nothing was saved."),
    429: lambda: _("Too many attempts from your address. Wait a minute and try again."),
}


def _as_function(view):
    """`view` as a function of its own (a static files view is a bound method, which takes
    no attributes)."""

    @functools.wraps(view)
    def serve(*args, **kwargs):
        return view(*args, **kwargs)

    return serve


def _page_or(handler):
    @functools.wraps(handler)
    def handle(error):
        if is_page():
            return error_page(error)
        return handler(error)

    return handle


# --- installation --------------------------------------------------------------------------


def install_pages(app: Flask, blueprints) -> None:
    app.extensions["ordo_portal"] = {"limiter": None}
    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,  # the JSON API authenticates by bearer token: no CSRF
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        # The token and SameSite=Lax do the work: no Referer arrives (Referrer-Policy no-referrer).
        WTF_CSRF_SSL_STRICT=False,
    )
    csrf = CSRFProtect(app)
    app.register_blueprint(portal)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    for blueprint in (portal, *blueprints):
        for endpoint, view in list(app.view_functions.items()):
            if endpoint.startswith(f"{blueprint.name}."):
                app.view_functions[endpoint] = page(_as_function(view))

    @app.before_request
    def protect_forms():
        if request.method == "POST" and is_page():
            csrf.protect()

    app.jinja_env.globals.update(
        lang_url=lang_url,
        portal_url=portal_url,
        signed_in=lambda: current_customer_id() is not None,
    )
    for handlers in app.error_handler_spec[None].values():
        for kind, handler in list(handlers.items()):
            handlers[kind] = _page_or(handler)

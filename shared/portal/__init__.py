"""The customer portal's shared mechanism: one `install_portal(app, ...)` per service.

How a service plugs in (e.g. delivery's acceptance page):

    # services/delivery/api/pages.py  (a view module: parse, call one use case, render)
    from shared.portal import customer_page, page_blueprint, render_page

    pages = page_blueprint("delivery-pages", __name__, "services/delivery/render/pages")

    @pages.route("/portal/deliveries/<uuid:package_id>", methods=["GET", "POST"])
    @customer_page                      # sign-in first (the target is kept), then the page
    def package(package_id):
        customer_id = current_customer_id()
        ...                             # call one use case; its errors become pages
        return render_page("delivery/package.html", package=...)

    # services/delivery/app.py, after create_service_app(...):
    install_portal(app, pages, translations=Path(__file__).parent / "translations")

What `install_portal` gives every page (see the modules for the details):

- **Pages.** Views of a `page_blueprint` are `page`s (shared.http.auth): no bearer token, HTML
  form posts allowed; their templates extend `portal/base.html` (skip link, landmarks, a
  language switch and sign-out on every page, the portal's CSS at /portal/static/portal.css,
  no JavaScript at all, so the strict CSP of shared.http.headers holds unchanged).
- **Languages** (shared.portal.i18n): Flask-Babel with the shared catalog
  (shared/portal/translations) merged with the service's own. The page's locale is `?lang=`
  (kept in the session), else the signed-in customer's, else Accept-Language; `en`, `zh-CN`.
  Catalogs are committed compiled (.mo); `make translations` extracts, updates and compiles
  them, and tests/unit/shared/test_portal_catalogs.py fails if a .mo is older than its .po.
- **Session** (shared.portal.session): a signed cookie `ordo_portal` (ORDO_PORTAL_SECRET, one
  for all services, refused outside embedded mode when unset or a placeholder), HttpOnly,
  SameSite=Lax, Secure when the service's public URL is https, expiring after
  ORDO_PORTAL_IDLE_MINUTES (30) without a request. Browsers share cookies across ports, so one
  sign-in serves all four services under `ordo up`, and one origin does behind the proxy.
  `sign_in(customer_id, locale)`, `sign_out()`, `current_customer_id()`, `@customer_page`.
- **CSRF** (Flask-WTF): every POST to a page needs the form's `csrf_token` (the `csrf_field()`
  macro in portal/forms.html); a missing or bad one is a 400 page before the view runs. The
  JSON API (bearer tokens) needs none.
- **Errors as pages**: on a page, every error (400, 404, 409, 410, 412, 422, 429, 500) renders
  `portal/error.html` in the customer's language; a stale form (`StaleVersion`, the row moved
  on since the page was read) says to reload, and nothing was written.
- **Rate limits**: `limit_page(scope, "5 per minute")` for pages that send mail or check codes.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from shared.portal.i18n import install_languages
from shared.portal.pages import (
    customer_page,
    install_pages,
    limit_page,
    page_blueprint,
    portal_url,
    render_page,
)
from shared.portal.session import (
    current_customer_id,
    install_session,
    sign_in,
    sign_out,
)

__all__ = [
    "current_customer_id",
    "customer_page",
    "install_portal",
    "limit_page",
    "page_blueprint",
    "portal_url",
    "render_page",
    "sign_in",
    "sign_out",
]


def install_portal(app: Flask, *blueprints, translations: Path | None = None) -> None:
    """Serve the service's portal pages (`blueprints` from `page_blueprint`) with the shared
    session, CSRF protection, languages, layout and error pages. Call it last in create_app:
    it turns the error handlers registered before it into page-aware ones."""
    install_session(app)
    install_languages(app, translations)
    install_pages(app, blueprints)

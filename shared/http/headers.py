"""Security headers on every response, and the optional bearer token in front of /metrics.

- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` everywhere: no browser
  guesses a type, and no link (a customer's acceptance or survey token is in its path) leaks
  in a Referer header.
- `Cache-Control: no-store` on every response but the public, personal-data-free ones (the
  Swagger UI assets, /openapi.json, /metrics): API answers and link pages hold personal data
  and must stay out of shared and browser caches.
- HTML answers (the /docs page, the portal's pages) get a strict Content-Security-Policy:
  everything from the service itself, the page's own inline scripts allowed by their SHA-256
  hash (computed from the page, so the policy follows the page), forms that lead to this
  service or another of Ordo's (a sign-in or sign-out on one service's page continues on
  another's page; browsers hold a form's redirects to `form-action` too) and never framed
  (`frame-ancestors 'none'`).
- `Strict-Transport-Security` only when ORDO_HSTS=true (behind TLS).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import urlsplit

from flask import current_app, request

from shared.config import SERVICES, public_url
from shared.http.errors import Problem

#: Paths whose answers hold no personal data and may be cached.
CACHEABLE = ("/docs/assets/", "/openapi.json", "/metrics", "/portal/static/")
HSTS = "max-age=31536000; includeSubDomains"
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'{form_targets}; frame-ancestors 'none'"
)


def security_headers(response):
    settings = current_app.extensions["ordo"].settings
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if not request.path.startswith(CACHEABLE):
        headers["Cache-Control"] = "no-store"
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = page_policy(response)
    if settings.hsts:
        headers["Strict-Transport-Security"] = HSTS
    return response


def page_policy(response) -> str:
    """The page's policy, allowing exactly the inline scripts it holds."""
    targets = "".join(f" {origin}" for origin in service_origins())
    if response.direct_passthrough:  # a streamed file: no inline script to allow
        return PAGE_POLICY.format(hashes="", form_targets=targets)
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in INLINE_SCRIPT.findall(response.get_data())
    )
    return PAGE_POLICY.format(hashes=hashes, form_targets=targets)


def service_origins() -> list[str]:
    """The origins (scheme://host:port) customers reach Ordo's services at, this one's as
    configured for this process."""
    settings = current_app.extensions["ordo"].settings
    origins = []
    for service in SERVICES:
        parts = urlsplit(public_url(service, settings))
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("http", "https") and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins


def check_metrics_token() -> None:
    """With ORDO_METRICS_TOKEN set, /metrics answers only `Authorization: Bearer <token>`."""
    token = current_app.extensions["ordo"].settings.metrics_token
    if not token:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return
    refusal = Problem(401, "The metrics need the metrics token (ORDO_METRICS_TOKEN) as a bearer.")
    refusal.data = {"headers": {"WWW-Authenticate": 'Bearer realm="metrics"'}}
    raise refusal

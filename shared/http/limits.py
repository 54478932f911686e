"""Rate limits per client address: link guesses and failed bearer authentications.

Two budgets, both kept by Flask-Limiter in ORDO_RATE_LIMIT_STORAGE and shared by every
endpoint of every service that uses the same storage and namespace:

- `link`: every request to a link view (a public view whose path carries a `<token>`) spends
  one, whatever it answers, so guessing tokens costs the guesser the same as using one.
- `bearer-failure`: only a request refused 401 by `authenticate` spends one; once spent, every
  request needing a bearer token from that address is answered 429 until the window ends,
  a right token included, so a guesser cannot tell a hit from a miss.

A spent budget answers 429 problem+json with `Retry-After` in whole seconds. memory:// keeps
the counts per process; several gunicorn workers or replicas share them through Redis or
Memcached.
"""

from __future__ import annotations

import math
import time

from flask import Flask, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded
from limits import parse_many

from shared.config import Settings, prefixed
from shared.http.auth import needs_bearer, opens_link
from shared.http.errors import problem_response

BUDGETS = {"link": "link requests", "bearer-failure": "failed authentications"}


def client_address() -> str:
    """The caller's address (ProxyFix has put the forwarded one there behind trusted proxies)."""
    return request.remote_addr or "unknown"


def install_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """Attach the link and failed-authentication limits to `app` (a before_request hook now)."""
    for name, value in (
        ("ORDO_LINK_RATE_LIMIT", settings.link_rate_limit),
        ("ORDO_AUTH_FAILURE_RATE_LIMIT", settings.auth_failure_rate_limit),
    ):
        try:
            parse_many(value)
        except ValueError:
            raise ValueError(f"{name} must read like '20 per minute', not {value!r}") from None
    limiter = Limiter(
        client_address,
        application_limits=[
            ApplicationLimit(
                settings.link_rate_limit, scope="link", exempt_when=lambda: not opens_link()
            ),
            ApplicationLimit(
                settings.auth_failure_rate_limit,
                scope="bearer-failure",
                exempt_when=lambda: not needs_bearer(),
                deduct_when=lambda _response: g.get("bearer_refused", False),
            ),
        ],
        storage_uri=settings.rate_limit_storage,
        key_prefix=prefixed(settings.namespace, "ordo"),
        # Without it the storage being down would fail every request; the counts then
        # continue in this process until it is back.
        in_memory_fallback_enabled=True,
        headers_enabled=False,
    )
    limiter.init_app(app)

    def too_many_requests(error: RateLimitExceeded):
        breached = limiter.current_limit
        resets_at = breached.window.reset_time if breached else time.time()
        retry_after = max(1, math.ceil(resets_at - time.time()))
        what = BUDGETS.get(str(error.limit.scope), "requests")
        return problem_response(
            429,
            "Too Many Requests",
            f"Too many {what} from your address; try again in {retry_after} seconds.",
            {"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )

    app.register_error_handler(RateLimitExceeded, too_many_requests)
    return limiter

"""JWT bearer authentication, roles and customer scoping."""

from __future__ import annotations

import functools
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from flask import current_app, g, request

from shared.http.errors import Problem
from shared.usecases import ROLES, STAFF, Principal  # noqa: F401  (re-exported for views)

ALGORITHM_SECRET, ALGORITHM_PUBLIC_KEY = "HS256", "RS256"


def mint_token(
    secret: str, sub: str, roles: list[str], customer_id: str | None = None, ttl_hours: int = 12
) -> str:
    """A development token signed with the shared secret (`ordo token`)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    if "customer" in roles and not customer_id:
        raise ValueError("a customer token needs a customer id")
    now = datetime.now(UTC)
    claims = {"sub": sub, "roles": roles, "iat": now, "exp": now + timedelta(hours=ttl_hours)}
    if customer_id:
        claims["customer_id"] = str(uuid.UUID(str(customer_id)))
    return jwt.encode(claims, secret, algorithm=ALGORITHM_SECRET)


#: What a caller is told when PyJWT refuses a token, most specific class first (a signature
#: mismatch is a kind of DecodeError, an expiry a kind of signature error, ...).
TOKEN_REFUSALS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ExpiredSignatureError, "The bearer token has expired."),
    (jwt.ImmatureSignatureError, "The bearer token is not valid yet."),
    (jwt.InvalidSignatureError, "The bearer token's signature does not match."),
    (jwt.InvalidAlgorithmError, "The bearer token is signed with an algorithm not accepted here."),
    (jwt.DecodeError, "The bearer token is malformed."),
)


def token_refusal(error: jwt.InvalidTokenError) -> str:
    """The 401 detail for a token PyJWT refused, in words and without PyJWT's internals."""
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"The bearer token lacks the '{error.claim}' claim."
    for kind, detail in TOKEN_REFUSALS:
        if isinstance(error, kind):
            return detail
    return "The bearer token is not valid."


#: Tokens a process remembers as verified (a client sends the same token with every request).
VERIFIED_TOKENS = 1024


def decode_token(token: str, settings) -> Principal:
    """The principal a bearer token names, or a 401 problem saying what is wrong with it.

    A token is verified once and remembered until it expires: a client sends the same token
    with request after request, and PyJWT's decoding cost a twentieth of a create's CPU."""
    if settings.jwt_public_key:
        key, algorithms = settings.jwt_public_key, (ALGORITHM_PUBLIC_KEY,)
    else:
        key, algorithms = settings.jwt_secret, (ALGORITHM_SECRET,)
    principal, expires_at = _verified(token, key, algorithms)
    if time.time() >= expires_at:  # as PyJWT decides it: expired from the second of `exp`
        raise _unauthorized(token_refusal(jwt.ExpiredSignatureError()))
    return principal


@functools.lru_cache(maxsize=VERIFIED_TOKENS)
def _verified(token: str, key: str, algorithms: tuple[str, ...]) -> tuple[Principal, int]:
    """The principal of a valid token and when the token expires (a refusal is not cached)."""
    try:
        claims = jwt.decode(
            token, key, algorithms=list(algorithms), options={"require": ["sub", "exp"]}
        )
    except jwt.InvalidTokenError as error:
        raise _unauthorized(token_refusal(error)) from None
    roles = claims.get("roles") or []
    customer_id = claims.get("customer_id")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise _unauthorized("The bearer token's 'roles' claim must be a list of role names.")
    subject = claims["sub"]
    if not (isinstance(subject, str) and subject.isprintable() and 0 < len(subject) <= 200):
        # It names the actor in the rows a request writes (reviewer, created_by, ...).
        raise _unauthorized(
            "The bearer token's 'sub' claim must be printable text of at most 200 characters."
        )
    if "customer" in roles and not customer_id:
        raise _unauthorized("A customer's bearer token needs a 'customer_id' claim.")
    try:
        customer = uuid.UUID(customer_id) if customer_id is not None else None
    except (TypeError, ValueError, AttributeError):
        raise _unauthorized("The bearer token's 'customer_id' claim must be a UUID.") from None
    principal = Principal(
        sub=subject, roles=frozenset(r for r in roles if r in ROLES), customer_id=customer
    )
    return principal, int(claims["exp"])  # read as PyJWT reads it


def _unauthorized(detail: str) -> Problem:
    g.bearer_refused = True  # counted by the failed-authentication rate limit
    return Problem(401, detail, title="Unauthorized")


def public(view):
    """Mark a view as callable without a token (health, links carrying their own token).

    A public view whose path has a `<token>` opens a link, and is rate limited as one.
    """
    view._ordo_public = True
    return view


def page(view):
    """Mark a view as a customer portal page: public to the bearer check (the portal's own
    session cookie and CSRF token guard it) and allowed to receive HTML form posts."""
    view._ordo_page = True
    return public(view)


def is_page() -> bool:
    """Whether the request is for a portal page (a `page` view, or any path under /portal/)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "_ordo_page", False)) or request.path.startswith("/portal/")


def authenticate() -> None:
    """before_request: every non-public endpoint needs a valid bearer token."""
    g.principal = None
    if not needs_bearer():
        return
    header = request.headers.get("Authorization", "")
    if not header.strip():
        raise _unauthorized("This needs an Authorization header: 'Bearer <token>'.")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("The Authorization header must be 'Bearer <token>'.")
    g.principal = decode_token(token.strip(), current_app.extensions["ordo"].settings)


def needs_bearer() -> bool:
    """Whether the request's endpoint is one that `authenticate` asks a bearer token for."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return not (view is None or _is_public(view) or request.blueprint == "api-docs")


def opens_link() -> bool:
    """Whether the request is for a public view whose path carries a link's token."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return view is not None and _is_public(view) and "token" in (request.view_args or {})


def _is_public(view) -> bool:
    if getattr(view, "_ordo_public", False):
        return True
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None) if view_class else None
    return bool(getattr(method, "_ordo_public", False))


def current_principal() -> Principal:
    principal = g.get("principal")
    if principal is None:
        raise Problem(401, "Authentication is required.", title="Unauthorized")
    return principal


def roles_required(*roles: str):
    """Allow the view to callers holding one of `roles` (admin always may)."""

    def decorate(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            require_role(*roles)
            return view(*args, **kwargs)

        checked._ordo_roles = roles  # documented: 401 and 403
        return checked

    return decorate


def require_role(*roles: str) -> Principal:
    principal = current_principal()
    if not principal.has_any(roles):
        raise Problem(403, f"This needs one of the roles: {', '.join(roles)}.", title="Forbidden")
    return principal


def require_customer_access(customer_id: uuid.UUID | str | None) -> Principal:
    """Customers may only touch their own data; staff pass."""
    principal = current_principal()
    principal.require_access(customer_id)
    return principal

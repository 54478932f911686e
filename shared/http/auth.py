"""JWT bearer authentication, roles and customer scoping."""

from __future__ import annotations

import functools
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


def decode_token(token: str, settings) -> Principal:
    if settings.jwt_public_key:
        key, algorithms = settings.jwt_public_key, [ALGORITHM_PUBLIC_KEY]
    else:
        key, algorithms = settings.jwt_secret, [ALGORITHM_SECRET]
    try:
        claims = jwt.decode(token, key, algorithms=algorithms, options={"require": ["sub", "exp"]})
        roles = claims.get("roles") or []
        customer_id = claims.get("customer_id")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise jwt.InvalidTokenError("roles must be a list of strings")
        subject = claims["sub"]
        if not (isinstance(subject, str) and subject.isprintable() and 0 < len(subject) <= 200):
            # It names the actor in the rows a request writes (reviewer, created_by, ...).
            raise jwt.InvalidTokenError("sub must be printable text of at most 200 characters")
        if customer_id is not None and not isinstance(customer_id, str):
            raise jwt.InvalidTokenError("customer_id must be a string")
        if "customer" in roles and not customer_id:
            raise jwt.InvalidTokenError("a customer token needs a customer_id")
        return Principal(
            sub=subject,
            roles=frozenset(r for r in roles if r in ROLES),
            customer_id=uuid.UUID(customer_id) if customer_id else None,
        )
    except (jwt.InvalidTokenError, ValueError) as error:
        raise Problem(
            401, f"The bearer token is not valid: {error}", title="Unauthorized"
        ) from None


def public(view):
    """Mark a view as callable without a token (health, links carrying their own token)."""
    view._ordo_public = True
    return view


def authenticate() -> None:
    """before_request: every non-public endpoint needs a valid bearer token."""
    g.principal = None
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if view is None or _is_public(view) or request.blueprint == "api-docs":
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(
            401,
            "Send 'Authorization: Bearer <token>'.",
            title="Unauthorized",
        )
    g.principal = decode_token(token.strip(), current_app.extensions["ordo"].settings)


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

"""Signed, expiring links (acceptance, survey): the token is the only credential.

Single use is the service's job: it stores when the link's object was used and refuses a
second use with 410. A link is a credential seen only by its customer: services keep its
digest (`link_digest`), mail it, and never show, publish or log it (`redact_links` masks any
token in a log line).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt

from shared.config import Settings
from shared.errors import Gone, Unauthorized

ALGORITHM = "HS256"
REDACTED = "[redacted]"
# A JWT in compact form (header.claims.signature, each base64url): links' and bearer tokens.
_TOKEN = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# Whatever follows the public link paths is a token, even one too mangled to look like a JWT.
_LINK_PATH = re.compile(
    r"(/acceptance/|/surveys/by-token/|/portal/surveys/|/portal/sign-in/)[^/?#\s\"']+"
)


@dataclass(frozen=True)
class LinkClaims:
    purpose: str
    subject_id: uuid.UUID
    expires_at: datetime
    nonce: str


def sign_link(secret: str, purpose: str, subject_id: uuid.UUID, expires_at: datetime) -> str:
    """A token naming what it opens (`purpose` and `subject_id`) until `expires_at`."""
    claims = {
        "aud": f"ordo:{purpose}",
        "sub": str(subject_id),
        "exp": expires_at,
        "iat": datetime.now(UTC),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_link(secret: str, purpose: str, token: str) -> LinkClaims:
    """The link's claims; 410 if it expired, 401 if it was forged, tampered or is for elsewhere."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=f"ordo:{purpose}",
            options={"require": ["exp", "sub", "aud", "jti"]},
        )
        return LinkClaims(
            purpose=purpose,
            subject_id=uuid.UUID(claims["sub"]),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            nonce=claims["jti"],
        )
    except jwt.ExpiredSignatureError:
        raise Gone("This link has expired.") from None
    except (jwt.InvalidTokenError, ValueError):
        raise Unauthorized("This link is not valid.") from None


def page_link(settings: Settings, path: str, locale: str | None) -> str:
    """The address of a customer's page at this service (`path` carries the token), opening in
    the customer's language (the portal keeps a `lang` chosen on the address)."""
    language = f"?lang={locale}" if locale else ""
    return f"{settings.public_base_url.rstrip('/')}{path}{language}"


def link_digest(token: str) -> str:
    """What a service keeps of a link it issued: enough to recognise it, useless to open it."""
    return hashlib.sha256(token.encode()).hexdigest()


def redact_links(text: str) -> str:
    """`text` (a path, a URL, a log line) with every token masked."""
    return _TOKEN.sub(REDACTED, _LINK_PATH.sub(rf"\g<1>{REDACTED}", text))

"""The customer's acceptance link: the package it opens, reviewed and decided by the token alone."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from services.delivery.domain.acceptance_codes import (
    StoredCode,
    check_code,
    code_digest,
    code_expiry,
    masked_address,
    new_code,
    require_unlocked,
)
from services.delivery.domain.status import AWAITING_DECISION
from services.delivery.models import Delivery, Document, OrderRecord
from services.delivery.render.mail import acceptance_code
from services.delivery.usecases import publish
from services.delivery.usecases.packages import (
    LINK_PURPOSE,
    PackagePage,
    certificate_pdf,
    document_of,
    record_decision,
)
from shared.config import Settings
from shared.db import utcnow
from shared.errors import Conflict, Gone, NotFound, Unauthorized
from shared.events.contracts.delivery import DeliveryLinkLocked
from shared.links import LinkClaims, link_digest, verify_link
from shared.mail import queue_mail
from shared.usecases import ANY_VERSION, IfMatch


def linked_package(
    session: Session, token: str, settings: Settings, *, lock: bool = False
) -> tuple[Delivery, LinkClaims]:
    """The package the link opens: Unauthorized if forged or tampered, Gone if expired, used,
    replaced or locked by wrong codes."""
    claims = verify_link(settings.jwt_secret, LINK_PURPOSE, token)
    delivery = session.get(Delivery, claims.subject_id, with_for_update=lock)
    if delivery is None:
        raise Unauthorized("This link is not valid.")
    if delivery.status != AWAITING_DECISION:
        raise Gone(
            f"This link was for a package that is now {delivery.status}.",
            current_status=delivery.status,
        )
    if delivery.link_sha256 != link_digest(token):
        raise Gone("A newer link replaced this one.")
    require_unlocked(delivery.link_locked_at, delivery.wrong_codes)
    return delivery, claims


def seen_by(session: Session, delivery: Delivery, viewer: uuid.UUID | None) -> OrderRecord:
    """The package's order; NotFound when a signed-in customer (`viewer`) holds another
    customer's link: a link is seen by its customer alone."""
    order = session.get(OrderRecord, delivery.order_id)
    if viewer is not None and order.customer_id != viewer:
        raise NotFound("delivery package", "of this link")
    return order


def decided_by(delivery: Delivery | None, claims: LinkClaims) -> bool:
    """Whether this very link signed the package's decision."""
    acceptance = delivery.acceptance if delivery is not None else None
    return acceptance is not None and acceptance.decided_by == f"link:{claims.nonce}"


def page_by_link(
    session: Session, token: str, settings: Settings, viewer: uuid.UUID | None = None
) -> PackagePage:
    """What the link's page shows: the package to decide or, once this link decided it, the
    decision (the link then keeps showing it, with the certificate, until it expires)."""
    claims = verify_link(settings.jwt_secret, LINK_PURPOSE, token)
    delivery = session.get(Delivery, claims.subject_id)
    if not decided_by(delivery, claims):
        delivery, _ = linked_package(session, token, settings)
    return PackagePage(delivery, seen_by(session, delivery, viewer), settings.acceptance_code)


def certificate_by_link(
    session: Session, token: str, settings: Settings, viewer: uuid.UUID | None = None
) -> tuple[bytes, str]:
    """The certificate of the decision this link signed, and its file name."""
    claims = verify_link(settings.jwt_secret, LINK_PURPOSE, token)
    delivery = session.get(Delivery, claims.subject_id)
    if not decided_by(delivery, claims):
        raise NotFound("certificate", "of this link's decision")
    return certificate_pdf(delivery, seen_by(session, delivery, viewer))


def review_by_link(session: Session, token: str, settings: Settings) -> dict:
    """What the customer reviews: the package's frozen deliverables, criteria and documents."""
    delivery, claims = linked_package(session, token, settings)
    order = session.get(OrderRecord, delivery.order_id)
    return {
        "delivery_id": delivery.id,
        "order_number": order.number,
        "order_title": order.title,
        "package_version": delivery.package_version,
        "submitted_at": delivery.submitted_at,
        "expires_at": claims.expires_at,
        "content": delivery.content,
        "content_sha256": delivery.content_sha256,
        "code_required": settings.acceptance_code,
        "version": delivery.version,
    }


def send_code_by_link(session: Session, token: str, settings: Settings) -> dict:
    """Mail a fresh acceptance code to the address the link went to; it replaces any earlier
    code. Answers where it went (masked) and until when it works, never the code."""
    if not settings.acceptance_code:
        raise Conflict("This service does not ask for acceptance codes; decide without one.")
    delivery, _ = linked_package(session, token, settings, lock=True)
    order = session.get(OrderRecord, delivery.order_id)
    code, now = new_code(), utcnow()
    delivery.code_sha256 = code_digest(code, token)
    delivery.code_expires_at = code_expiry(now)
    queue_mail(
        session,
        acceptance_code(
            order_id=order.order_id,
            order_number=order.number,
            package_version=delivery.package_version,
            code=code,
            expires_at=delivery.code_expires_at,
            to=delivery.link_sent_to,
            to_name=order.contact_name,
            locale=order.customer_locale,
        ),
    )
    session.flush()
    return {
        "sent_to": masked_address(delivery.link_sent_to),
        "expires_at": delivery.code_expires_at,
    }


def decide_by_link(
    session: Session,
    token: str,
    read_decision: Callable[[], dict],
    settings: Settings,
    *,
    client_address: str,
    if_match: IfMatch = ANY_VERSION,
    viewer: uuid.UUID | None = None,
) -> Delivery:
    """Decide the package criterion by criterion and sign; the link then stops working.

    The link is checked first (401 forged, 410 expired, used, replaced or locked), whatever
    the body; then the package version the page showed (`if_match`: StaleVersion, nothing
    written, if the package changed since); only then does ``read_decision`` read the body
    (422 for a bad one). With ORDO_ACCEPTANCE_CODE the body must also carry the code mailed
    by `send_code_by_link`.
    """
    delivery, claims = linked_package(session, token, settings, lock=True)
    seen_by(session, delivery, viewer)
    if_match.check(delivery.version)
    decision = read_decision()
    code = decision.pop("code", None)
    if settings.acceptance_code:
        require_code(session, delivery, code, token)
    return record_decision(
        session,
        delivery,
        decision,
        via="link",
        decided_by=f"link:{claims.nonce}",
        client_address=client_address,
    )


def require_code(session: Session, delivery: Delivery, code: str | None, token: str) -> None:
    """Let the decision through with the right code (spending it); refuse it otherwise.

    A wrong code is refused like any bad input, yet its count (and, at the third, the lock and
    its event) must outlive the refusal, which rolls the request's transaction back. So this
    commits that transaction before refusing: nothing else is in it yet (the link and the body
    were only read, and the delivery row is locked FOR UPDATE since the link check, so tries
    racing on one link count one after the other), and the count is all it writes. A second
    session instead would wait on the row lock this one holds.
    """
    now = utcnow()
    stored = StoredCode(delivery.code_sha256, delivery.code_expires_at, delivery.wrong_codes)
    check = check_code(code, stored, key=token, now=now)
    if check.passed:
        delivery.code_sha256 = delivery.code_expires_at = None
        return
    refusal = check.refusal()
    if check.counted:
        delivery.wrong_codes = check.wrong_codes
        if check.locks:
            lock_link(session, delivery, now)
        session.commit()
    raise refusal


def lock_link(session: Session, delivery: Delivery, now: datetime) -> None:
    """Lock the link after too many wrong codes and tell the order's people."""
    delivery.link_locked_at = now
    delivery.code_sha256 = delivery.code_expires_at = None
    session.flush()
    publish(
        session,
        DeliveryLinkLocked,
        {
            "order_id": delivery.order_id,
            "delivery_id": delivery.id,
            "package_version": delivery.package_version,
            "version": delivery.version,
            "locked_at": now,
            "attempts": delivery.wrong_codes,
        },
    )


def linked_document(
    session: Session, token: str, document_id: uuid.UUID, settings: Settings
) -> Document:
    """A document of the package the link opens."""
    delivery, _ = linked_package(session, token, settings)
    return document_of(session, delivery, document_id)

"""The customer's acceptance link: the package it opens, reviewed and decided by the token alone."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from services.delivery.domain.status import AWAITING_DECISION
from services.delivery.models import Delivery, Document, OrderRecord
from services.delivery.usecases.packages import LINK_PURPOSE, record_decision
from shared.config import Settings
from shared.errors import Gone, NotFound, Unauthorized
from shared.links import LinkClaims, link_digest, verify_link


def linked_package(
    session: Session, token: str, settings: Settings, *, lock: bool = False
) -> tuple[Delivery, LinkClaims]:
    """The package the link opens: Unauthorized if forged or tampered, Gone if expired, used or
    replaced."""
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
    return delivery, claims


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
    }


def decide_by_link(
    session: Session,
    token: str,
    read_decision: Callable[[], dict],
    settings: Settings,
    *,
    client_address: str,
) -> Delivery:
    """Decide the package criterion by criterion and sign; the link then stops working.

    The link is checked first (401 forged, 410 expired, used or replaced), whatever the body;
    only then does ``read_decision`` read the body (422 for a bad one).
    """
    delivery, claims = linked_package(session, token, settings, lock=True)
    return record_decision(
        session,
        delivery,
        read_decision(),
        via="link",
        decided_by=f"link:{claims.nonce}",
        client_address=client_address,
    )


def linked_document(
    session: Session, token: str, document_id: uuid.UUID, settings: Settings
) -> Document:
    """A document of the package the link opens."""
    delivery, _ = linked_package(session, token, settings)
    document = session.get(Document, document_id)
    if document is None or document not in delivery.documents:
        raise NotFound("document", f"{document_id} in this package")
    return document

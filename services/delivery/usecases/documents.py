"""Delivery documents: uploaded per order as files, kept in versions, read back as they came."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.delivery.domain.media import check_document, require_storable_size
from services.delivery.models import Document, DocumentContent
from services.delivery.usecases.orders import open_order, readable_order
from shared.numbering import next_number
from shared.usecases import SYSTEM, Principal, find


def upload_document(
    session: Session,
    order_id: uuid.UUID,
    *,
    kind: str,
    name: str | None,
    filename: str | None,
    content: bytes,
    media_type: str,
    actor: Principal = SYSTEM,
) -> Document:
    """Keep a document of an open order; the same name makes its next version.

    Too many bytes: DocumentTooLarge; a media type not accepted: MediaTypeRefused; bytes that
    are not what `media_type` says: RuleViolation. Nothing is written then.
    """
    open_order(session, order_id, actor)
    require_storable_size(content)
    checked = check_document(content, media_type)
    name = (name or filename or "document")[: Document.name.type.length]
    document = Document(
        order_id=order_id,
        kind=kind,
        name=name,
        document_version=next_number(session, f"document_version:{order_id}:{name}"),
        filename=(filename or name)[:255],
        media_type=checked.media_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor.sub,
    )
    session.add(document)
    session.flush()
    session.add(DocumentContent(document_id=document.id, content=content))
    return document


def documents_of_order(
    session: Session, order_id: uuid.UUID, actor: Principal = SYSTEM
) -> sa.Select:
    """An order's documents, every version, by name and newest first."""
    readable_order(session, order_id, actor)
    return (
        sa.select(Document)
        .where(Document.order_id == order_id)
        .order_by(Document.name, Document.document_version.desc())
    )


def readable_document(
    session: Session, document_id: uuid.UUID, actor: Principal = SYSTEM
) -> Document:
    document = find(session, Document, document_id, "document")
    readable_order(session, document.order_id, actor)
    return document


def content_of(session: Session, document: Document) -> bytes:
    """The document's bytes as uploaded."""
    return session.get(DocumentContent, document.id).content

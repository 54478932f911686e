"""Delivery documents: uploaded per order as files, kept in versions, downloaded as they came."""

from __future__ import annotations

import base64
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.http import dump_options_header

from services.delivery.api.common import READERS, readable_order, refuse_if_cancelled
from services.delivery.domain import MAX_DOCUMENT_BYTES, RuleViolation, check_document
from services.delivery.models import Document, DocumentContent
from services.delivery.schemas import (
    DocumentFileSchema,
    DocumentFormSchema,
    DocumentQueryArgsSchema,
    DocumentSchema,
)
from shared.http.auth import current_principal, roles_required
from shared.http.errors import Problem
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, filter_by, get_or_404, page_of, paginate

order_documents = Blueprint(
    "order_documents", __name__, url_prefix="/orders", description="Delivery documents of an order"
)
documents = Blueprint("documents", __name__, url_prefix="/documents", description="Documents")

UPLOADERS = ("logistics", "manager", "quality", "engineer")


@order_documents.route("/<uuid:order_id>/documents")
class OrderDocuments(MethodView):
    @roles_required(*UPLOADERS)
    @idempotent
    @order_documents.arguments(DocumentFormSchema, location="form")
    @order_documents.arguments(DocumentFileSchema, location="files")
    @order_documents.response(201, DocumentSchema)
    def post(self, form, files, order_id):
        """Upload a document (multipart: file, kind, name); the same name makes a new version"""
        session = db_session()
        order = readable_order(order_id)
        refuse_if_cancelled(order)
        upload = files["file"]
        content = upload.stream.read(MAX_DOCUMENT_BYTES + 1)
        checked = checked_upload(content, upload.content_type)
        name = (form["name"] or upload.filename or "document")[: Document.name.type.length]
        latest = session.scalar(
            sa.select(sa.func.max(Document.document_version)).where(
                Document.order_id == order_id, Document.name == name
            )
        )
        document = Document(
            order_id=order_id,
            kind=form["kind"],
            name=name,
            document_version=(latest or 0) + 1,
            filename=(upload.filename or name)[:255],
            media_type=checked.media_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=current_principal().sub,
        )
        session.add(document)
        session.flush()
        session.add(DocumentContent(document_id=document.id, content=content))
        return document, {"Location": f"/documents/{document.id}"}

    @roles_required(*READERS)
    @order_documents.arguments(DocumentQueryArgsSchema, location="query")
    @order_documents.response(200, page_of(DocumentSchema))
    def get(self, args, order_id):
        """List an order's documents, every version, newest first"""
        readable_order(order_id)
        query = (
            sa.select(Document)
            .where(Document.order_id == order_id)
            .order_by(Document.name, Document.document_version.desc())
        )
        query = filter_by(query, args, Document.kind)
        return paginate(db_session(), query, args)


def checked_upload(content: bytes, declared: str | None):
    """The checked document; 413 when too large, 415 for a refused type, 422 for a mismatch."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise Problem(
            413,
            f"A document may have at most {MAX_DOCUMENT_BYTES:,} bytes "
            f"({MAX_DOCUMENT_BYTES // 2**20} MiB).",
            max_bytes=MAX_DOCUMENT_BYTES,
        )
    try:
        return check_document(content, declared or "application/octet-stream")
    except RuleViolation as violation:
        status = 415 if "media_type" in violation.errors else 422
        raise Problem(
            status,
            str(violation),
            errors={field: [message] for field, message in violation.errors.items()},
        ) from None


def readable_document(document_id) -> Document:
    document = get_or_404(db_session(), Document, document_id, "document")
    readable_order(document.order_id)
    return document


def document_response(document: Document) -> Response:
    """The document's bytes with its media type, checksum and file name."""
    content = db_session().get(DocumentContent, document.id).content
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    response = Response(content, mimetype=document.media_type)
    response.headers["Content-Disposition"] = _attachment(document.filename)
    response.headers["ETag"] = f'"{document.sha256}"'
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(filename: str) -> str:
    """An attachment header any client reads: an ASCII name, and the exact one in UTF-8."""
    printable = "".join(c if c.isprintable() else "_" for c in filename)
    fallback = printable.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return dump_options_header(
        "attachment", {"filename": fallback, "filename*": f"UTF-8''{quote(printable)}"}
    )


@documents.route("/<uuid:document_id>")
class DocumentsById(MethodView):
    @roles_required(*READERS)
    @documents.response(200, DocumentSchema)
    def get(self, document_id):
        """Read a document's metadata: kind, version, size, SHA-256"""
        return readable_document(document_id)


@documents.route("/<uuid:document_id>/content")
class DocumentContents(MethodView):
    @roles_required(*READERS)
    @documents.response(200, content_type="application/octet-stream")
    def get(self, document_id):
        """Download a document as uploaded, with its own content type"""
        return document_response(readable_document(document_id))

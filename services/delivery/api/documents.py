"""Delivery documents: uploaded per order as files, kept in versions, downloaded as they came."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.delivery.api.support import READERS, document_response
from services.delivery.domain.media import MAX_DOCUMENT_BYTES
from services.delivery.models import Document
from services.delivery.schemas import (
    DocumentFileSchema,
    DocumentFormSchema,
    DocumentQueryArgsSchema,
    DocumentSchema,
)
from services.delivery.usecases.documents import (
    documents_of_order,
    readable_document,
    upload_document,
)
from shared.http.auth import current_principal, roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, filter_by, page_of, paginate

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
        upload = files["file"]
        document = upload_document(
            db_session(),
            order_id,
            kind=form["kind"],
            name=form["name"],
            filename=upload.filename,
            # One byte past the limit is enough to refuse it.
            content=upload.stream.read(MAX_DOCUMENT_BYTES + 1),
            media_type=upload.content_type or "application/octet-stream",
            actor=current_principal(),
        )
        return document, {"Location": f"/documents/{document.id}"}

    @roles_required(*READERS)
    @order_documents.arguments(DocumentQueryArgsSchema, location="query")
    @order_documents.response(200, page_of(DocumentSchema))
    def get(self, args, order_id):
        """List an order's documents, every version, newest first"""
        query = documents_of_order(db_session(), order_id, current_principal())
        return paginate(db_session(), filter_by(query, args, Document.kind), args)


@documents.route("/<uuid:document_id>")
class DocumentsById(MethodView):
    @roles_required(*READERS)
    @documents.response(200, DocumentSchema)
    def get(self, document_id):
        """Read a document's metadata: kind, version, size, SHA-256"""
        return readable_document(db_session(), document_id, current_principal())


@documents.route("/<uuid:document_id>/content")
class DocumentContents(MethodView):
    @roles_required(*READERS)
    @documents.response(200, content_type="application/octet-stream")
    def get(self, document_id):
        """Download a document as uploaded, with its own content type"""
        return document_response(readable_document(db_session(), document_id, current_principal()))

"""What the delivery views share: who may read, the service's settings, a document's download."""

from __future__ import annotations

import base64
from urllib.parse import quote

from flask import Response, current_app
from werkzeug.http import dump_options_header

from services.delivery.models import Document
from services.delivery.usecases.documents import content_of
from shared.config import Settings
from shared.http.auth import STAFF
from shared.http.requests import db_session

#: Who may read an order's delivery data; customers only their own.
READERS = (*STAFF, "customer")


def settings() -> Settings:
    return current_app.extensions["ordo"].settings


def document_response(document: Document) -> Response:
    """The document's bytes with its media type, checksum and file name."""
    content = content_of(db_session(), document)
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    response = Response(content, mimetype=document.media_type)
    response.headers["Content-Disposition"] = _attachment(document.filename)
    response.headers["ETag"] = f'"{document.sha256}"'
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A PDF (a certificate) shown in the browser, saved under `filename`."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _attachment(filename: str) -> str:
    """An attachment header any client reads: an ASCII name, and the exact one in UTF-8."""
    printable = "".join(c if c.isprintable() else "_" for c in filename)
    fallback = printable.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return dump_options_header(
        "attachment", {"filename": fallback, "filename*": f"UTF-8''{quote(printable)}"}
    )

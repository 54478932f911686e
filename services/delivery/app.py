"""The delivery service: deliverables, quality control, documents, packages and acceptance."""

from pathlib import Path

from services.delivery import handlers
from services.delivery.api import blueprints
from services.delivery.api.pages import pages
from services.delivery.domain.media import MAX_DOCUMENT_BYTES, DocumentTooLarge, MediaTypeRefused
from services.delivery.models import Base
from shared.http.app import create_service_app
from shared.http.errors import problem_response
from shared.portal import install_portal

# Room for the multipart envelope around the largest document, so that the document limit
# (a clear 413 naming it) is what a user meets rather than the generic body limit.
MAX_UPLOAD_BODY_BYTES = MAX_DOCUMENT_BYTES + 64 * 1024

#: The two refusals of an upload that HTTP has its own statuses for (beyond shared.errors').
UPLOAD_STATUSES = {
    DocumentTooLarge: (413, "Request Entity Too Large"),
    MediaTypeRefused: (415, "Unsupported Media Type"),
}


def create_app(config=None):
    app = create_service_app(
        "delivery",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handlers.handle,
        config=config,
        max_body_bytes=MAX_UPLOAD_BODY_BYTES,
        title="Ordo delivery",
        description="Deliverables, quality control, delivery documents, packages and customer "
        "acceptance with a signed certificate.",
    )
    for refusal, (status, title) in UPLOAD_STATUSES.items():
        app.register_error_handler(
            refusal,
            lambda error, status=status, title=title: problem_response(
                status, title, error.detail, **error.extra
            ),
        )
    install_portal(app, pages, translations=Path(__file__).parent / "translations")
    return app

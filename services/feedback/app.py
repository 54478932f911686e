"""The feedback service."""

from services.feedback import handlers
from services.feedback.models import Base
from shared.http.app import create_service_app


def create_app(config=None):
    return create_service_app(
        "feedback",
        metadata=Base.metadata,
        blueprints=(),
        handle=handlers.handle,
        config=config,
        title="Ordo feedback",
    )

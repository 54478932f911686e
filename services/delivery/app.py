"""The delivery service."""

from services.delivery import handlers
from services.delivery.models import Base
from shared.http.app import create_service_app


def create_app(config=None):
    return create_service_app(
        "delivery",
        metadata=Base.metadata,
        blueprints=(),
        handle=handlers.handle,
        config=config,
        title="Ordo delivery",
    )

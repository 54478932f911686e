"""The orders service: customers, orders, requirements, reviews, changes, the timeline."""

from services.orders import handlers
from services.orders.api import blueprints
from services.orders.models import Base
from shared.http.app import create_service_app


def create_app(config=None):
    return create_service_app(
        "orders",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handlers.handle,
        config=config,
        title="Ordo orders",
        description="Customers, orders and their requirements, review, change requests, timeline.",
    )

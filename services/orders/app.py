"""The orders service: customers, orders, requirements, reviews, changes, the timeline, and the
customer portal's sign-in, home and order pages."""

from pathlib import Path

from services.orders import handlers
from services.orders.api import blueprints
from services.orders.api.portal import pages
from services.orders.models import Base
from shared.http.app import create_service_app
from shared.portal import install_portal


def create_app(config=None):
    app = create_service_app(
        "orders",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handlers.handle,
        config=config,
        title="Ordo orders",
        description="Customers, orders and their requirements, review, change requests, timeline.",
    )
    install_portal(app, pages, translations=Path(__file__).parent / "translations")
    return app

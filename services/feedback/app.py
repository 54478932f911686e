"""The feedback service: surveys, retrospectives, lessons learned, knowledge base and KPIs."""

from pathlib import Path

from services.feedback.api import blueprints
from services.feedback.api.pages import pages
from services.feedback.handlers import handle
from services.feedback.models import Base
from shared.http.app import create_service_app
from shared.portal import install_portal


def create_app(config=None):
    app = create_service_app(
        "feedback",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handle,
        config=config,
        title="Ordo feedback",
        description="Satisfaction surveys, retrospectives, lessons learned, knowledge base, KPIs.",
    )
    install_portal(app, pages, translations=Path(__file__).parent / "translations")
    return app

"""The planning service: plans, WBS, scheduling, resources, risks, progress, earned value."""

from pathlib import Path

from services.planning import handlers
from services.planning.api import blueprints
from services.planning.api.pages import pages
from services.planning.models import Base
from shared.http.app import create_service_app
from shared.portal import install_portal


def create_app(config=None):
    app = create_service_app(
        "planning",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handlers.handle,
        config=config,
        title="Ordo planning",
        description="Project plans built from confirmed orders, scheduled and monitored.",
    )
    install_portal(app, pages, translations=Path(__file__).parent / "translations")
    return app

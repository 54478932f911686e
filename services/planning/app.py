"""The planning service: plans, WBS, scheduling, resources, risks, progress, earned value."""

from services.planning import handlers
from services.planning.api import blueprints
from services.planning.models import Base
from shared.http.app import create_service_app


def create_app(config=None):
    return create_service_app(
        "planning",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handlers.handle,
        config=config,
        title="Ordo planning",
        description="Project plans built from confirmed orders, scheduled and monitored.",
    )

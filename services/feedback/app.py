"""The feedback service: surveys, retrospectives, lessons learned, knowledge base and KPIs."""

from services.feedback.api import blueprints
from services.feedback.handlers import handle
from services.feedback.models import Base
from shared.http.app import create_service_app


def create_app(config=None):
    return create_service_app(
        "feedback",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handle,
        config=config,
        title="Ordo feedback",
        description="Satisfaction surveys, retrospectives, lessons learned, knowledge base, KPIs.",
    )

"""The feedback service: surveys, retrospectives, lessons learned, knowledge base and KPIs."""

from services.feedback.api import blueprints
from services.feedback.handlers import handler_for
from services.feedback.models import Base
from shared.config import load_settings
from shared.http.app import create_service_app


def create_app(config=None):
    return create_service_app(
        "feedback",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handler_for(load_settings("feedback", config)),
        config=config,
        title="Ordo feedback",
        description="Satisfaction surveys, retrospectives, lessons learned, knowledge base, KPIs.",
    )

"""The planning service: plans, WBS, scheduling, resources, risks, progress, earned value."""

from pathlib import Path

from services.planning import handlers
from services.planning.api import blueprints
from services.planning.api.pages import pages
from services.planning.models import Base
from shared.http.app import create_service_app
from shared.portal import install_portal

# Room for a WBS file of the most tasks an import takes (MAX_IMPORT_ROWS): Microsoft Project
# exports carry about 1 KB a task, so the generic 1 MiB would stop them near 900 tasks.
MAX_WBS_FILE_BODY_BYTES = 8 * 1024 * 1024


def create_app(config=None):
    app = create_service_app(
        "planning",
        metadata=Base.metadata,
        blueprints=blueprints,
        handle=handlers.handle,
        config=config,
        max_body_bytes=MAX_WBS_FILE_BODY_BYTES,
        title="Ordo planning",
        description="Project plans built from confirmed orders, scheduled and monitored.",
    )
    install_portal(app, pages, translations=Path(__file__).parent / "translations")
    return app

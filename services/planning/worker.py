"""The planning worker: `python -m services.planning.worker`."""

from datetime import date

import sqlalchemy as sa

from services.planning import handlers, planner
from services.planning.models import Base, Plan
from shared.db import Database
from shared.worker import run_worker

HEALTH_REVIEW_SECONDS = 3600


def review_active_plans(db: Database, today: date | None = None) -> None:
    """Judge every active plan's health as of today, publishing the ones that changed."""
    today = today or date.today()
    with db.transaction() as session:
        for plan in session.scalars(sa.select(Plan).where(Plan.status == "active")):
            planner.review_health(session, plan, today)


def main() -> None:
    run_worker(
        "planning",
        Base.metadata,
        handlers.handle,
        periodic=((HEALTH_REVIEW_SECONDS, review_active_plans),),
    )


if __name__ == "__main__":
    main()

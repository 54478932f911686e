"""The planning worker: `python -m services.planning.worker`."""

import logging
from datetime import date

from services.planning import handlers
from services.planning.models import Base
from services.planning.usecases import meetings, plans
from shared.db import Database
from shared.worker import run_worker

logger = logging.getLogger(__name__)

HEALTH_REVIEW_SECONDS = 3600
OVERDUE_LOOK_SECONDS = 900


def review_active_plans(db: Database, today: date | None = None) -> None:
    """Judge every active plan's health as of today, publishing the ones that changed.

    Each plan is reviewed in its own transaction: one that fails is logged and rolled back,
    and the others are still reviewed."""
    today = today or date.today()
    with db.transaction() as session:
        plan_ids = plans.active_plan_ids(session)
    for plan_id in plan_ids:
        try:
            with db.transaction() as session:
                plans.review_health_of_active_plan(session, plan_id, today)
        except Exception:
            logger.exception("the health review of plan %s failed", plan_id)


def publish_overdue_action_items(db: Database, today: date | None = None) -> int:
    """Say once of every open action item past its due day that it is overdue, each in its
    own transaction; return how many were said."""
    today = today or date.today()
    with db.transaction() as session:
        item_ids = meetings.overdue_action_item_ids(session, today)
    said = 0
    for item_id in item_ids:
        try:
            with db.transaction() as session:
                said += meetings.publish_overdue(session, item_id, today)
        except Exception:
            logger.exception("the overdue notice of action item %s failed", item_id)
    return said


def main() -> None:
    run_worker(
        "planning",
        Base.metadata,
        handlers.handle,
        periodic=(
            (HEALTH_REVIEW_SECONDS, review_active_plans),
            (OVERDUE_LOOK_SECONDS, publish_overdue_action_items),
        ),
    )


if __name__ == "__main__":
    main()

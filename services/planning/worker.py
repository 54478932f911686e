"""The planning worker: `python -m services.planning.worker`."""

import logging
import time
from datetime import date

from services.planning import handlers
from services.planning.models import Base
from services.planning.usecases import levelling, meetings, plans
from shared.db import Database
from shared.worker import run_worker

logger = logging.getLogger(__name__)

HEALTH_REVIEW_SECONDS = 3600
OVERDUE_LOOK_SECONDS = 900
LEVELLING_POLL_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 0.5


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


def run_levelling_jobs(db: Database, today: date | None = None) -> int:
    """Run the queued levelling jobs one after another, each within its time budget; return
    how many ran. Progress is written as it goes (on PostgreSQL; SQLite's one writer is the
    job's own transaction), the result with the plan's changes in one transaction."""
    ran = 0
    while True:
        with db.transaction() as session:
            job_id = levelling.claim_levelling_job(session)
        if job_id is None:
            return ran
        _run_levelling_job(db, job_id, today or date.today())
        ran += 1


def _run_levelling_job(db: Database, job_id, today: date) -> None:
    started = time.monotonic()
    with db.sessions() as session:
        budget = levelling.budget_of(session, job_id)
    last_report = started

    def progress(done: float) -> None:
        nonlocal last_report
        now = time.monotonic()
        if db.is_postgres and now - last_report >= PROGRESS_EVERY_SECONDS:
            last_report = now
            with db.transaction() as session:
                levelling.report_progress(session, job_id, done)

    try:
        with db.transaction() as session:
            job = levelling.run_levelling_job(
                session, job_id, lambda: time.monotonic() - started > budget, progress, today
            )
            logger.info(
                "levelling job %s: %s in %.1fs", job_id, job.status, time.monotonic() - started
            )
    except Exception as error:
        logger.exception("levelling job %s failed", job_id)
        with db.transaction() as session:
            levelling.fail_levelling_job(session, job_id, f"{type(error).__name__}: {error}")


def main() -> None:
    run_worker(
        "planning",
        Base.metadata,
        handlers.handle,
        periodic=(
            (HEALTH_REVIEW_SECONDS, review_active_plans),
            (OVERDUE_LOOK_SECONDS, publish_overdue_action_items),
            (LEVELLING_POLL_SECONDS, run_levelling_jobs),
        ),
    )


if __name__ == "__main__":
    main()

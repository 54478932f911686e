"""The feedback worker: `python -m services.feedback.worker`.

Besides the shared consumer, relay and retry loop, it sends the survey reminders that fell due,
every ORDO_FEEDBACK_REMINDER_POLL_SECONDS (default 60).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

from services.feedback.handlers import handler_for
from services.feedback.models import Base
from services.feedback.surveys import send_due_reminders
from shared.config import Settings, load_settings
from shared.db import Database
from shared.worker import run_worker

logger = logging.getLogger(__name__)

POLL_ENV = "ORDO_FEEDBACK_REMINDER_POLL_SECONDS"


def reminder_job(settings: Settings):
    """The periodic job: one transaction sending every reminder due now."""

    def remind(db: Database) -> None:
        with db.transaction() as session:
            reminded = send_due_reminders(session, datetime.now(UTC), settings)
        if reminded:
            logger.info("reminders: sent %d", len(reminded))

    return remind


def main() -> None:
    settings = load_settings("feedback")
    every = float(os.environ.get(POLL_ENV) or 60)
    run_worker(
        "feedback",
        Base.metadata,
        handler_for(settings),
        periodic=((every, reminder_job(settings)),),
    )


if __name__ == "__main__":
    main()

"""The feedback worker: `python -m services.feedback.worker`.

Besides the shared consumer, relay and retry loop, it sends the survey reminders that fell due,
every ORDO_FEEDBACK_REMINDER_POLL_SECONDS (default 60).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

from services.feedback.handlers import handle
from services.feedback.models import Base
from services.feedback.usecases.surveys import send_due_reminders
from shared.db import Database, settings_of
from shared.worker import run_worker

logger = logging.getLogger(__name__)

POLL_ENV = "ORDO_FEEDBACK_REMINDER_POLL_SECONDS"


def send_reminders(db: Database) -> None:
    """The periodic job: one transaction sending every reminder due now."""
    with db.transaction() as session:
        reminded = send_due_reminders(session, datetime.now(UTC), settings_of(session))
    if reminded:
        logger.info("reminders: sent %d", len(reminded))


def main() -> None:
    every = float(os.environ.get(POLL_ENV) or 60)
    run_worker("feedback", Base.metadata, handle, periodic=((every, send_reminders),))


if __name__ == "__main__":
    main()

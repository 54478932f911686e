"""A planning worker whose handler signals it started, then dawdles: a test kills it there.

python -m tests.integration.slow_planning_worker MARKER_FILE
"""

import sys
import time
from pathlib import Path

from services.planning.handlers import handle
from services.planning.models import Base
from shared.worker import run_worker


def slow_handle(event, session):
    handle(event, session)  # the writes are made but not committed when the kill comes
    session.flush()
    Path(sys.argv[1]).touch()
    time.sleep(60)


if __name__ == "__main__":
    run_worker("planning", Base.metadata, slow_handle)

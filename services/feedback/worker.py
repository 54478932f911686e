"""The feedback worker: `python -m services.feedback.worker`."""

from services.feedback import handlers
from services.feedback.models import Base
from shared.worker import run_worker


def main() -> None:
    run_worker("feedback", Base.metadata, handlers.handle)


if __name__ == "__main__":
    main()

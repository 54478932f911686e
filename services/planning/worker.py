"""The planning worker: `python -m services.planning.worker`."""

from services.planning import handlers
from services.planning.models import Base
from shared.worker import run_worker


def main() -> None:
    run_worker("planning", Base.metadata, handlers.handle)


if __name__ == "__main__":
    main()

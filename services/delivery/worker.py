"""The delivery worker: `python -m services.delivery.worker`."""

from services.delivery import handlers
from services.delivery.models import Base
from shared.worker import run_worker


def main() -> None:
    run_worker("delivery", Base.metadata, handlers.handle)


if __name__ == "__main__":
    main()

"""The orders worker: `python -m services.orders.worker`."""

from services.orders import handlers
from services.orders.models import Base
from shared.worker import run_worker


def main() -> None:
    run_worker("orders", Base.metadata, handlers.handle)


if __name__ == "__main__":
    main()

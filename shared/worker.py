"""The worker process of a service: consumer, outbox relay and retry loop; stops on SIGTERM."""

from __future__ import annotations

import functools
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from shared.config import load_settings
from shared.db import Database
from shared.events.broker import connect, declare_topology, service_queue
from shared.events.consumer import InboxConsumer
from shared.events.inbox import Handler, Inbox
from shared.events.relay import Relay
from shared.logs import configure_logging

logger = logging.getLogger(__name__)

RETRY_POLL_SECONDS = 0.5


Periodic = tuple[float, Callable[[Database], Any]]


def run_worker(
    service: str,
    metadata: sa.MetaData,
    handle: Handler,
    config: dict[str, Any] | None = None,
    periodic: tuple[Periodic, ...] = (),
) -> None:
    """Consume, relay and retry until SIGTERM; also run each `(seconds, job(db))` in `periodic`."""
    settings = load_settings(service, config)
    configure_logging(service)
    db = Database(settings.database_url, metadata, service)
    inbox = Inbox(db, settings, handle)
    stop = threading.Event()
    connection = connect(settings)
    if not settings.broker_url.startswith("filesystem"):
        # Every worker declares the whole topology so no start order loses an event; the
        # embedded broker races on concurrent declarations, so `ordo up` declares it once.
        declare_topology(connection, settings)
    consumer = InboxConsumer(connection, service_queue(settings), inbox, settings.prefetch)

    def shut_down(signum, _frame):
        logger.info("worker: signal %s, stopping", signum)
        consumer.should_stop = True
        stop.set()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    loops = [
        threading.Thread(target=Relay(db, settings).run, args=(stop,), name="relay"),
        threading.Thread(target=_every, args=(RETRY_POLL_SECONDS, inbox.retry_due, stop)),
        *(
            threading.Thread(target=_every, args=(s, functools.partial(job, db), stop))
            for s, job in periodic
        ),
    ]
    for loop in loops:
        loop.start()
    logger.info("worker: %s consuming %s", service, settings.queue)
    try:
        consumer.run()
    finally:
        stop.set()
        for loop in loops:
            loop.join(timeout=10)
        connection.release()
        db.dispose()
        logger.info("worker: stopped")


def _every(seconds: float, job: Callable[[], Any], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            job()
        except Exception:  # a failing job must not stop the worker; it runs again next time
            logger.exception("worker: periodic job failed")
        stop.wait(seconds)

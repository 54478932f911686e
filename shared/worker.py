"""The worker process of a service: consumer, outbox relay, retry loop, mail sender and the
pruning of old rows; stops on SIGTERM."""

from __future__ import annotations

import functools
import gc
import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from shared import tracing
from shared.config import Settings, load_settings
from shared.db import Database
from shared.events.broker import connect, declare_topology, service_queue
from shared.events.consumer import InboxConsumer, StopConsuming
from shared.events.inbox import Handler, Inbox
from shared.events.relay import Relay
from shared.events.telemetry import ObservedHandler
from shared.logs import configure_logging
from shared.mail import MailSender
from shared.retention import PRUNE_EVERY_SECONDS, prune_expired
from shared.worker_metrics import MetricsServer, TableCollector

logger = logging.getLogger(__name__)

RETRY_POLL_SECONDS = 0.5
#: How long a stopping worker waits for its relay, mail and periodic loops to finish, in all.
STOP_SECONDS = 10.0

Periodic = tuple[float, Callable[[Database], Any]]


class Worker:
    """Consumes the service's queue, relays its outbox, retries failed events, sends its mail,
    runs jobs."""

    def __init__(
        self,
        settings: Settings,
        metadata: sa.MetaData,
        handle: Handler,
        periodic: tuple[Periodic, ...] = (),
    ):
        self.settings = settings
        self.db = Database(settings.database_url, metadata, settings.service, settings)
        self.inbox = Inbox(self.db, settings, ObservedHandler(handle, settings.service))
        self.mail = MailSender(self.db, settings)
        self.periodic = periodic
        self.stopping = threading.Event()
        self.connection = connect(settings)
        self.consumer = InboxConsumer(
            self.connection,
            service_queue(settings),
            self.inbox,
            settings.prefetch,
            settings.heartbeat_file,
            settings.inbox_batch_size,
            settings.inbox_batch_seconds,
        )

    def run(self) -> None:
        """Run until stop() is called."""
        if not self.settings.broker_url.startswith("filesystem"):
            # Every worker declares the whole topology so no start order loses an event; the
            # embedded broker races on concurrent declarations, so `ordo up` declares it once.
            declare_topology(self.connection, self.settings)
        loops = [
            threading.Thread(target=Relay(self.db, self.settings).run, args=(self.stopping,)),
            threading.Thread(target=self.mail.run, args=(self.stopping,)),
            self._every(RETRY_POLL_SECONDS, self.inbox.retry_due),
            self._every(
                PRUNE_EVERY_SECONDS, functools.partial(prune_expired, self.db, self.settings)
            ),
            *(
                self._every(seconds, functools.partial(job, self.db))
                for seconds, job in self.periodic
            ),
        ]
        metrics = self._serve_metrics()  # first: a port in use stops the worker before it starts
        for loop in loops:
            loop.start()
        logger.info("worker: %s consuming %s", self.settings.service, self.settings.queue)
        try:
            self.consumer.run()
        except StopConsuming:
            logger.info("worker: stopped while the broker was unreachable")
        finally:
            self.stopping.set()
            # One budget for all of them, not 10 s each: a stop fits the 30 s grace period.
            deadline = time.monotonic() + STOP_SECONDS
            for loop in loops:
                loop.join(timeout=max(0.0, deadline - time.monotonic()))
            if metrics is not None:
                metrics.stop()
            self.connection.release()
            self.db.dispose()
            logger.info("worker: stopped")

    def _serve_metrics(self) -> MetricsServer | None:
        """/metrics and /readyz (broker connected) on ORDO_WORKER_METRICS_PORT, if set."""
        if self.settings.worker_metrics_port is None:
            return None
        tables = TableCollector(self.db, self.settings.service, lambda: self.consumer.connected)
        server = MetricsServer(self.settings.worker_metrics_port, tables).start()
        logger.info("worker: metrics and readiness on port %d", server.port)
        return server

    def stop(self) -> None:
        self.consumer.should_stop = True
        self.stopping.set()

    def _every(self, seconds: float, job: Callable[[], Any]) -> threading.Thread:
        def loop() -> None:
            while not self.stopping.is_set():
                try:
                    job()
                except Exception:  # a failing job must not stop the worker; it runs again
                    logger.exception("worker: periodic job failed")
                self.stopping.wait(seconds)

        return threading.Thread(target=loop, daemon=True)


def run_worker(
    service: str,
    metadata: sa.MetaData,
    handle: Handler,
    config: dict[str, Any] | None = None,
    periodic: tuple[Periodic, ...] = (),
) -> None:
    """The worker process's main: run until SIGTERM or SIGINT.

    `periodic` holds `(seconds, job)` pairs; each job is called with the service's Database.
    """
    configure_logging(service)
    tracing.setup_tracing(service)
    worker = Worker(load_settings(service, config), metadata, handle, periodic)

    def shut_down(signum, _frame):
        logger.info("worker: signal %s, stopping", signum)
        worker.stop()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    gc.freeze()  # what start-up built lives as long as the process: out of the collector's sight
    worker.run()

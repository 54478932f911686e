"""The worker's own HTTP endpoint (`ORDO_WORKER_METRICS_PORT`): Prometheus metrics and
readiness.

`/metrics` holds the event counters of this process (shared.events.telemetry: handled, failed,
handler duration, relay publish latency and batch size) and, read from the service's database
at each scrape, the outbox backlog and the age of its oldest pending event, the inbox's retry
queue, its dead events by type and the mails waiting to be sent; `ordo_consumer_up` says
whether the consumer holds a broker connection. `/readyz` answers 200 while it does and 503
otherwise; liveness stays the heartbeat file (a worker waiting for the broker is alive).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared import mail
from shared.db import Database, utcnow
from shared.events.inbox import DEAD, FAILED

logger = logging.getLogger(__name__)

#: Mail still to be sent: waiting, being sent, or failed and due for another attempt.
UNSENT = (mail.PENDING, mail.SENDING, mail.FAILED)


class TableCollector(Collector):
    """The shared tables' state, counted by the database at each scrape."""

    def __init__(self, db: Database, service: str, connected: Callable[[], bool]):
        self.db = db
        self.service = service
        self.connected = connected

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield _gauge(
            "ordo_consumer_up",
            "1 while the worker's consumer holds a broker connection, else 0",
            self.service,
            1 if self.connected() else 0,
        )
        try:
            counts = self._count(utcnow())
        except sa.exc.SQLAlchemyError as error:
            logger.warning("metrics: the database did not answer (%s)", type(error).__name__)
            yield _gauge(
                "ordo_worker_database_up",
                "Whether the last scrape read the database",
                self.service,
                0,
            )
            return
        yield _gauge(
            "ordo_worker_database_up", "Whether the last scrape read the database", self.service, 1
        )
        backlog, oldest, retrying, dead_by_type, unsent = counts
        yield _gauge(
            "ordo_outbox_backlog", "Outbox events not yet published", self.service, backlog
        )
        yield _gauge(
            "ordo_outbox_oldest_age_seconds",
            "Age of the oldest outbox event not yet published (0 when none waits)",
            self.service,
            oldest,
        )
        yield _gauge(
            "ordo_inbox_retry_queue", "Received events waiting for a retry", self.service, retrying
        )
        dead = GaugeMetricFamily(
            "ordo_inbox_dead_events",
            "Received events given up on (an operator replays them), by type",
            labels=["service", "type"],
        )
        dead.add_metric([self.service, "(unknown)"], 0)  # so the series exists at zero
        for event_type, count in dead_by_type:
            dead.add_metric([self.service, event_type or "(unknown)"], count)
        yield dead
        yield _gauge(
            "ordo_mail_pending",
            "Mails not yet sent (pending, sending, failed)",
            self.service,
            unsent,
        )

    def _count(self, now: datetime):
        tables = self.db.tables
        outbox, inbox, mails = tables.outbox, tables.inbox, tables.mail
        pending = outbox.c.published_at.is_(None)
        with self.db.sessions() as session:
            backlog, oldest = session.execute(
                sa.select(sa.func.count(), sa.func.min(outbox.c.created_at)).where(pending)
            ).one()
            retrying = session.scalar(
                sa.select(sa.func.count()).select_from(inbox).where(inbox.c.status == FAILED)
            )
            dead_by_type = session.execute(
                sa.select(inbox.c.type, sa.func.count())
                .where(inbox.c.status == DEAD)
                .group_by(inbox.c.type)
            ).all()
            unsent = session.scalar(
                sa.select(sa.func.count()).select_from(mails).where(mails.c.status.in_(UNSENT))
            )
        if oldest is not None and oldest.tzinfo is None:  # SQLite through a bare aggregate
            oldest = oldest.replace(tzinfo=now.tzinfo)
        age = (now - oldest).total_seconds() if oldest is not None else 0.0
        return backlog, max(age, 0.0), retrying, dead_by_type, unsent


def _gauge(name: str, documentation: str, service: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["service"])
    family.add_metric([service], value)
    return family


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:  # scrapes every 15 s are not news
        pass


class MetricsServer:
    """Serves /metrics and /readyz on `port` in a background thread."""

    def __init__(self, port: int, tables: TableCollector, host: str = "0.0.0.0"):
        self.tables = tables
        self.registry = CollectorRegistry()
        self.registry.register(tables)
        self.server = make_server(host, port, self.app, _Server, handler_class=_QuietHandler)
        self.port = self.server.server_port
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="ordo-worker-metrics", daemon=True
        )

    def start(self) -> MetricsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            body = generate_latest(REGISTRY) + generate_latest(self.registry)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [body]
        if path == "/readyz":
            ready = self.tables.connected()
            status = "200 OK" if ready else "503 Service Unavailable"
            body = b'{"status":"ready"}' if ready else b'{"status":"broker not connected"}'
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"/metrics or /readyz\n"]

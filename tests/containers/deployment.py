"""What the container tests share around the containers: databases and a namespace of their
own on the machine's PostgreSQL and RabbitMQ, an SMTP sink for the customer's mail, and the
checks that nothing was lost once everything stopped."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

from shared.config import SERVICES
from shared.demo import Demo, DemoResult
from shared.events.broker import connect, delete_topology, service_queue
from tests.backends import Backend
from tests.conftest import POSTGRES_URL
from tests.e2e.test_demo_lifecycle import KEY_EVENTS
from tests.helpers import JWT_SECRET


class MailSink:
    """An SMTP server writing each message it accepts as <nanoseconds>.eml, as the services do
    without ORDO_SMTP_URL, so `ordo demo --mail-dir` reads the links from it."""

    def __init__(self, folder: Path):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        (self.folder / f"{time.time_ns()}.eml").write_bytes(envelope.original_content)
        return "250 OK"


@dataclass
class Site:
    """One deployment's backends: its databases, namespace and mail."""

    backend: Backend
    mail_dir: Path
    smtp_port: int
    #: One connection per service database, opened before any container starts: the shared
    #: PostgreSQL of a test machine may have no slot left for a new one when the checks run.
    connections: dict[str, psycopg.Connection]

    def environment(self, web_ports: dict[str, int]) -> dict[str, str]:
        environment = self.backend.environment() | {
            "ORDO_VAR_DIR": "/var/lib/ordo",
            "ORDO_SMTP_URL": f"smtp://127.0.0.1:{self.smtp_port}",
            "ORDO_STARTUP_TIMEOUT": "20",
        }
        for service, port in web_ports.items():
            environment[f"ORDO_{service.upper()}_PORT"] = str(port)
            environment[f"ORDO_{service.upper()}_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
        return environment

    def run_demo(self, web_ports: dict[str, int]) -> DemoResult:
        urls = {service: f"http://127.0.0.1:{port}" for service, port in web_ports.items()}
        result = Demo(
            urls, JWT_SECRET, timeout=60, say=lambda _: None, mail_dir=self.mail_dir
        ).run()
        assert result.statuses["order"] == "closed"
        assert result.statuses["deliveries"] == ["accepted"]
        assert result.statuses["surveys_answered"] == 1
        assert result.statuses["retrospective"] == "completed"
        types = [entry["type"] for entry in result.timeline]
        assert [key for key in KEY_EVENTS if key not in types] == [], types
        return result

    def pending(self) -> dict[str, dict[str, int]]:
        """Per service, what is not done: unpublished outbox rows, failed or dead inbox rows,
        mail not sent; empty when nothing is."""
        queries = {
            "unpublished": "SELECT count(*) FROM outbox WHERE published_at IS NULL",
            "inbox_failed_or_dead": "SELECT count(*) FROM inbox WHERE status IN ('failed', 'dead')",
            "mail_unsent": "SELECT count(*) FROM mail_outbox WHERE status <> 'sent'",
        }
        pending = {}
        for service, connection in self.connections.items():
            counts = {k: connection.execute(q).fetchone()[0] for k, q in queries.items()}
            if any(counts.values()):
                pending[service] = counts
        return pending

    def queued(self) -> dict[str, int]:
        """Messages left in each service's queue: every event published was consumed and acked."""
        settings = self.backend.settings("orders")
        with connect(settings) as connection:
            channel = connection.default_channel
            return {
                service: service_queue(settings, service)(channel).queue_declare(passive=True)[1]
                for service in SERVICES
            }


@contextmanager
def site(root: Path, smtp_port: int) -> Iterator[Site]:
    """Databases `p20c<id>_<service>`, namespace `p20c<id>`, an SMTP sink; all removed after."""
    namespace = f"p20c{uuid.uuid4().hex[:8]}"
    mail_dir = root / "mail"
    mail_dir.mkdir()
    databases = {}
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        for service in SERVICES:
            connection.execute(f'CREATE DATABASE "{namespace}_{service}"')
            databases[service] = f"{POSTGRES_URL}/{namespace}_{service}"
    backend = Backend(True, namespace, str(root), databases)
    sink = Controller(MailSink(mail_dir), hostname="127.0.0.1", port=smtp_port)
    connections = {
        service: psycopg.connect(url, autocommit=True) for service, url in databases.items()
    }
    sink.start()
    try:
        yield Site(backend, mail_dir, smtp_port, connections)
    finally:
        sink.stop()
        for connection in connections.values():
            connection.close()
        settings = backend.settings("orders")
        with connect(settings) as connection:
            delete_topology(connection, settings)
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
            for name in (url.rsplit("/", 1)[1] for url in databases.values()):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

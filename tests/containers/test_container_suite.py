"""The suite as containers: the image from the working tree migrates, serves, consumes, mails
and stops cleanly, run as deploy/k8s says (non-root, read-only root filesystem, no
capabilities) against the machine's PostgreSQL and RabbitMQ in databases and a namespace of its
own. The customer's mail goes over SMTP to a sink here, from which `ordo demo` reads the links.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller

from shared.client import wait_until
from shared.config import SERVICES
from shared.demo import Demo
from shared.events.broker import connect, delete_topology, service_queue
from tests.backends import Backend
from tests.conftest import POSTGRES_URL
from tests.containers.podman import (
    FIGURES,
    Container,
    grace_seconds,
    process_rss_kib,
    run_detached,
    run_once,
    security_options,
    write_env_file,
)
from tests.e2e.test_demo_lifecycle import KEY_EVENTS
from tests.helpers import JWT_SECRET

# Ports of this layer (9700-9749): web, the workers' metrics and readiness, the SMTP sink.
WEB_PORTS = dict(zip(SERVICES, range(9701, 9705), strict=True))
WORKER_PORTS = dict(zip(SERVICES, range(9711, 9715), strict=True))
SMTP_PORT = 9720
READY_SECONDS = 120


class MailSink:
    """An SMTP server writing each message it accepts as <nanoseconds>.eml, as the services do
    without ORDO_SMTP_URL, so `ordo demo --mail-dir` reads the links from it."""

    def __init__(self, folder: Path):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        (self.folder / f"{time.time_ns()}.eml").write_bytes(envelope.original_content)
        return "250 OK"


@dataclass
class Deployment:
    backend: Backend
    env_file: Path
    mail_dir: Path
    containers: dict[str, Container]

    @property
    def urls(self) -> dict[str, str]:
        return {service: f"http://127.0.0.1:{port}" for service, port in WEB_PORTS.items()}


def create_databases(namespace: str) -> dict[str, str]:
    urls = {}
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        for service in SERVICES:
            name = f"{namespace}_{service}"
            connection.execute(f'CREATE DATABASE "{name}"')
            urls[service] = f"{POSTGRES_URL}/{name}"
    return urls


def drop_databases(urls: dict[str, str]) -> None:
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        for url in urls.values():
            connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture(scope="module")
def deployment(image, tmp_path_factory) -> Iterator[Deployment]:
    namespace = f"p20{uuid.uuid4().hex[:8]}"
    root = tmp_path_factory.mktemp("containers")
    mail_dir = root / "mail"
    mail_dir.mkdir()
    backend = Backend(True, namespace, str(root), create_databases(namespace))
    environment = backend.environment() | {
        "ORDO_VAR_DIR": "/var/lib/ordo",
        "ORDO_SMTP_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
        "ORDO_WEB_WORKERS": "1",
        "ORDO_WEB_THREADS": "8",
        "ORDO_WORKER_HEARTBEAT_FILE": "/tmp/ordo-worker.alive",
        "ORDO_STARTUP_TIMEOUT": "20",
    }
    for service, port in WEB_PORTS.items():
        environment[f"ORDO_{service.upper()}_PORT"] = str(port)
        environment[f"ORDO_{service.upper()}_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    env_file = write_env_file(root / "ordo.env", environment)
    sink = Controller(MailSink(mail_dir), hostname="127.0.0.1", port=SMTP_PORT)
    sink.start()
    containers: dict[str, Container] = {}
    try:
        _migrate(env_file)
        for service in SERVICES:
            for component in ("web", "worker"):
                name = f"{namespace}-{service}-{component}"
                options = ["--env-file", str(env_file), *security_options(service, component)]
                ready_url = f"http://127.0.0.1:{WEB_PORTS[service]}"
                if component == "worker":
                    port = WORKER_PORTS[service]
                    options += ["--env", f"ORDO_WORKER_METRICS_PORT={port}"]
                    ready_url = f"http://127.0.0.1:{port}"
                containers[f"{service}-{component}"] = run_detached(
                    name, [service, component], options, ready_url
                )
        try:
            wait_until(lambda: all(c.is_ready() for c in containers.values()), READY_SECONDS, 0.2)
        except TimeoutError:
            late = [key for key, c in containers.items() if c.ready_after is None]
            pytest.fail(f"not ready after {READY_SECONDS} s: {late}\n" + containers[late[0]].logs())
        yield Deployment(backend, env_file, mail_dir, containers)
    finally:
        for container in containers.values():
            container.remove()
        sink.stop()
        settings = backend.settings("orders")
        with connect(settings) as connection:
            delete_topology(connection, settings)
        drop_databases(backend.databases)


def _migrate(env_file: Path) -> None:
    def migrate(service: str):
        options = ["--env-file", str(env_file), *security_options(service, "migrate")]
        return service, run_once([service, "migrate"], options)

    started = time.monotonic()
    with ThreadPoolExecutor(len(SERVICES)) as pool:
        for service, result in pool.map(migrate, SERVICES):
            assert result.returncode == 0, f"{service} migrate: {result.stderr[-2000:]}"
    FIGURES["migrate, 4 containers at once"] = f"{time.monotonic() - started:.1f} s"


def test_every_process_runs_as_the_manifests_say(deployment):
    for key, container in deployment.containers.items():
        uid = container.exec("id", "-u")
        assert uid.stdout.strip() == "10001", (key, uid.stdout, uid.stderr)
        written = container.exec("sh", "-c", "touch /app/x || touch /var/lib/ordo/x")
        assert written.returncode != 0 and "Read-only file system" in written.stderr, key
        assert container.exec("touch", "/tmp/x").returncode == 0, key  # the emptyDir /tmp
        capabilities = container.exec("grep", "CapEff", "/proc/1/status").stdout.split()
        assert capabilities == ["CapEff:", "0000000000000000"], key
    for key, container in deployment.containers.items():
        FIGURES[f"ready after podman run: {key}"] = f"{container.ready_after:.1f} s"
    time.sleep(2)  # idle: nothing has been asked of the suite yet
    for key, container in deployment.containers.items():
        rss = process_rss_kib(container.name)
        FIGURES[f"idle RSS: {key}"] = ", ".join(f"{kib / 1024:.0f} MiB" for kib in rss.values())


def test_the_demo_lifecycle_through_containers_then_sigterm_loses_nothing(deployment):
    demo = Demo(deployment.urls, JWT_SECRET, timeout=60, say=lambda _: None)
    demo.mail_dir = deployment.mail_dir
    result = demo.run()
    FIGURES["demo lifecycle through containers"] = f"{result.seconds:.1f} s"
    assert result.statuses["order"] == "closed"
    assert result.statuses["deliveries"] == ["accepted"]
    assert result.statuses["surveys_answered"] == 1
    assert result.statuses["retrospective"] == "completed"
    types = [entry["type"] for entry in result.timeline]
    assert [key for key in KEY_EVENTS if key not in types] == [], types

    # Web first (nothing new is written), then the workers, each with SIGTERM.
    stopped = {}
    for component in ("web", "worker"):
        group = {k: c for k, c in deployment.containers.items() if k.endswith(component)}
        if component == "worker":
            wait_until(lambda: _pending(deployment) == {}, 30, 0.2)
        threads = [
            threading.Thread(
                target=lambda k=key, c=container: stopped.__setitem__(
                    k, c.stop(grace_seconds(*k.split("-")))
                )
            )
            for key, container in group.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for key, (code, seconds) in stopped.items():
        FIGURES[f"SIGTERM to exit: {key}"] = f"{seconds:.1f} s"
        grace = grace_seconds(*key.split("-"))
        logs = deployment.containers[key].logs()
        assert code == 0 and seconds < grace, (key, code, seconds, logs)

    assert _pending(deployment) == {}
    assert _queued(deployment) == dict.fromkeys(SERVICES, 0)


def _pending(deployment: Deployment) -> dict[str, dict[str, int]]:
    """Per service, what is not done: unpublished outbox rows, inbox rows not processed,
    mail not sent; empty when nothing is."""
    queries = {
        "unpublished": "SELECT count(*) FROM outbox WHERE published_at IS NULL",
        "inbox_not_processed": "SELECT count(*) FROM inbox WHERE status IN ('failed', 'dead')",
        "mail_unsent": "SELECT count(*) FROM mail_outbox WHERE status <> 'sent'",
    }
    pending = {}
    for service, url in deployment.backend.databases.items():
        with psycopg.connect(url) as connection:
            counts = {k: connection.execute(q).fetchone()[0] for k, q in queries.items()}
        if any(counts.values()):
            pending[service] = counts
    return pending


def _queued(deployment: Deployment) -> dict[str, int]:
    """Messages left in each service's queue: every event published was consumed and acked."""
    settings = deployment.backend.settings("orders")
    with connect(settings) as connection:
        channel = connection.default_channel
        return {
            service: service_queue(settings, service)(channel).queue_declare(passive=True)[1]
            for service in SERVICES
        }

"""The suite as containers: the image from the working tree migrates, serves, consumes, mails
and stops cleanly, run as deploy/k8s says (non-root, read-only root filesystem, no
capabilities) against the machine's PostgreSQL and RabbitMQ in databases and a namespace of its
own. The customer's mail goes over SMTP to a sink here, from which `ordo demo` reads the links.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.client import wait_until
from shared.config import SERVICES
from tests.containers.deployment import Site, site
from tests.containers.podman import (
    FIGURES,
    Container,
    grace_seconds,
    process_rss_kib,
    run_detached,
    run_once,
    security_options,
    stop_all,
    wait_ready,
    write_env_file,
)

# Ports of this layer: web, the workers' metrics and readiness, the SMTP sink.
WEB_PORTS = dict(zip(SERVICES, range(9701, 9705), strict=True))
WORKER_PORTS = dict(zip(SERVICES, range(9711, 9715), strict=True))
SMTP_PORT = 9720
READY_SECONDS = 120


@dataclass
class Deployment:
    site: Site
    containers: dict[str, Container]


@pytest.fixture(scope="module")
def deployment(image, tmp_path_factory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("containers")
    with site(root, SMTP_PORT) as where:
        environment = where.environment(WEB_PORTS) | {
            "ORDO_WEB_WORKERS": "1",
            "ORDO_WEB_THREADS": "8",
            "ORDO_WORKER_HEARTBEAT_FILE": "/tmp/ordo-worker.alive",
        }
        env_file = write_env_file(root / "ordo.env", environment)
        containers: dict[str, Container] = {}
        try:
            _migrate(env_file)
            for service in SERVICES:
                for component in ("web", "worker"):
                    name = f"{where.backend.namespace}-{service}-{component}"
                    options = ["--env-file", str(env_file), *security_options(service, component)]
                    ready_url = f"http://127.0.0.1:{WEB_PORTS[service]}"
                    if component == "worker":
                        port = WORKER_PORTS[service]
                        options += ["--env", f"ORDO_WORKER_METRICS_PORT={port}"]
                        ready_url = f"http://127.0.0.1:{port}"
                    containers[f"{service}-{component}"] = run_detached(
                        name, [service, component], options, ready_url
                    )
            wait_ready(containers, READY_SECONDS)
            yield Deployment(where, containers)
        finally:
            for container in containers.values():
                container.remove()


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
    result = deployment.site.run_demo(WEB_PORTS)
    FIGURES["demo lifecycle through containers"] = f"{result.seconds:.1f} s"

    # Web first (nothing new is written), then, once every outbox is empty, the workers.
    containers = deployment.containers
    stopped = stop_all({k: c for k, c in containers.items() if k.endswith("web")})
    try:
        wait_until(lambda: deployment.site.pending() == {}, 30, 0.2)
    except TimeoutError:
        pytest.fail(f"not done 30 s after the demo: {deployment.site.pending()}")
    stopped |= stop_all({k: c for k, c in containers.items() if k.endswith("worker")})
    for key, (code, seconds) in stopped.items():
        FIGURES[f"SIGTERM to exit: {key}"] = f"{seconds:.1f} s"
        grace = grace_seconds(*key.split("-"))
        assert code == 0 and seconds < grace, (key, code, seconds, containers[key].logs())

    assert deployment.site.pending() == {}
    assert deployment.site.queued() == dict.fromkeys(SERVICES, 0)

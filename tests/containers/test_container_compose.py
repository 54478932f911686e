"""docker-compose.yml for real: podman-compose with deploy/compose.host.yml (the air-gapped way:
the host's PostgreSQL and RabbitMQ instead of the public images) migrates, serves the demo
lifecycle and stops on SIGTERM with nothing lost, like the containers of test_container_suite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shared.client import wait_until
from shared.config import SERVICES
from tests.containers.deployment import site
from tests.containers.podman import FIGURES, IMAGE, ROOT, Container, stop_all, wait_ready

pytestmark = pytest.mark.skipif(
    os.environ.get("ORDO_IMAGE_TEST_ALL") != "1", reason="`make image-test` runs compose"
)

WEB_PORTS = dict(zip(SERVICES, range(9741, 9745), strict=True))
SMTP_PORT = 9750


def podman_compose() -> str:
    beside = Path(sys.executable).parent / "podman-compose"
    return str(beside) if beside.exists() else (shutil.which("podman-compose") or "podman-compose")


def test_compose_with_the_host_override_runs_the_lifecycle_and_stops_cleanly(image, tmp_path):
    with site(tmp_path, SMTP_PORT) as where:
        project = where.backend.namespace
        environment = {**os.environ, **where.environment(WEB_PORTS), "ORDO_IMAGE": IMAGE}
        command = [podman_compose(), "-p", project, "-f", "docker-compose.yml", "-f",
                   "deploy/compose.host.yml"]  # fmt: skip

        def compose(*args: str, timeout: float = 600) -> None:
            result = subprocess.run(
                [*command, *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                timeout=timeout,
            )  # fmt: skip
            assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]

        containers = {
            f"{service}-{component}": Container(
                f"{project}_{service}-{component}_1",
                f"http://127.0.0.1:{WEB_PORTS[service]}" if component == "web" else None,
            )
            for service in SERVICES
            for component in ("web", "worker")
        }
        try:
            compose("up", "--detach")
            wait_ready({k: c for k, c in containers.items() if k.endswith("web")}, 180)
            assert all(c.running() for c in containers.values())
            try:
                result = where.run_demo(WEB_PORTS)
            except Exception as error:  # name what the containers said
                logs = "\n".join(f"--- {k}:\n{c.logs(30)}" for k, c in containers.items())
                raise AssertionError(f"{error}\n{logs}") from error
            FIGURES["demo lifecycle through compose"] = f"{result.seconds:.1f} s"

            stopped = stop_all({k: c for k, c in containers.items() if k.endswith("web")})
            wait_until(lambda: where.pending() == {}, 30, 0.2)
            stopped |= stop_all({k: c for k, c in containers.items() if k.endswith("worker")})
            for key, (code, seconds) in stopped.items():
                FIGURES[f"SIGTERM to exit through compose: {key}"] = f"{seconds:.1f} s"
                assert code == 0 and seconds < 30, (key, code, seconds, containers[key].logs())
            assert where.pending() == {}
            assert where.queued() == dict.fromkeys(SERVICES, 0)
        finally:
            subprocess.run([*command, "down"], cwd=ROOT, env=environment, capture_output=True)

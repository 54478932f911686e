"""The suite as real processes: `ordo up` on PostgreSQL and RabbitMQ, or embedded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.client import RequestFailed, ServiceClient, wait_until
from shared.config import SERVICES
from shared.http.auth import mint_token
from tests.backends import Backend, free_port, provide_backend
from tests.conftest import REAL_BACKENDS
from tests.helpers import JWT_SECRET

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90


@dataclass
class Suite:
    mode: str
    urls: dict[str, str]

    def client(self, service: str, role: str = "admin", customer_id=None) -> ServiceClient:
        token = mint_token(JWT_SECRET, f"e2e-{role}", [role], customer_id and str(customer_id))
        return ServiceClient(self.urls[service], token)


def _ready(url: str) -> bool:
    try:
        return ServiceClient(url, timeout=2).get("/readyz")["status"] == "ready"
    except (RequestFailed, OSError):
        return False


@pytest.fixture(params=["real", "embedded"])
def suite(request, tmp_path, monkeypatch):
    if request.param == "real" and not REAL_BACKENDS:
        pytest.skip("PostgreSQL and RabbitMQ are not reachable here")
    for backend in provide_backend(request.param == "real", tmp_path, monkeypatch):
        yield from _run_suite(backend, request.param)


def _run_suite(backend: Backend, mode: str):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ORDO_")}
    environment.update(ORDO_VAR_DIR=backend.root, ORDO_WEB_WORKERS="1", ORDO_WEB_THREADS="8")
    if mode == "real":
        environment.update(backend.environment())
    else:
        environment.update(ORDO_NAMESPACE=backend.namespace, ORDO_JWT_SECRET=JWT_SECRET)
    urls = {}
    for service in SERVICES:
        port = free_port()
        environment[f"ORDO_{service.upper()}_PORT"] = str(port)
        urls[service] = f"http://127.0.0.1:{port}"
    log = open(Path(backend.root) / "ordo-up.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "up"],
        env=environment,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: all(_ready(url) for url in urls.values()), STARTUP_SECONDS, every=0.5)
    except TimeoutError:
        process.kill()
        log.close()
        pytest.fail("the suite did not become ready:\n" + _tail(backend.root))
    yield Suite(mode, urls)
    process.send_signal(signal.SIGINT)
    try:
        exit_code = process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        exit_code = "killed"
    log.close()
    assert exit_code == 0, "ordo up did not stop cleanly:\n" + _tail(backend.root)


def _tail(root: str, lines: int = 60) -> str:
    return "\n".join((Path(root) / "ordo-up.log").read_text().splitlines()[-lines:])

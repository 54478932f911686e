"""Start the whole suite as real processes (`ordo up`), as users and CI run it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shared.client import RequestFailed, ServiceClient, wait_until
from shared.config import SERVICES
from shared.http.auth import mint_token
from tests.backends import Backend, free_port
from tests.helpers import JWT_SECRET

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 90


@dataclass
class Suite:
    mode: str
    urls: dict[str, str]
    # Where the suite's workers write mail (.eml files): ORDO_SMTP_URL is never passed on, so
    # in both modes the customer's links are read from here, as `ordo demo --mail-dir` does.
    mail_dir: Path
    # Everything the suite's processes logged (ordo up's stdout and stderr).
    log: Path

    def client(self, service: str, role: str = "admin", customer_id=None) -> ServiceClient:
        token = mint_token(JWT_SECRET, f"e2e-{role}", [role], customer_id and str(customer_id))
        return ServiceClient(self.urls[service], token)


class SuiteFailed(RuntimeError):
    pass


@contextmanager
def running_suite(
    backend: Backend, services: tuple[str, ...] = SERVICES, **environment: str
) -> Iterator[Suite]:
    """`ordo up` of `services` (all by default) on the backend's databases and broker; stopped
    with Ctrl-C (SIGINT) after."""
    mode = "real" if backend.real else "embedded"
    env = {key: value for key, value in os.environ.items() if not key.startswith("ORDO_")}
    env.update(ORDO_VAR_DIR=backend.root, ORDO_WEB_WORKERS="1", ORDO_WEB_THREADS="8")
    if backend.real:
        env.update(backend.environment())
    else:
        env.update(ORDO_NAMESPACE=backend.namespace, ORDO_JWT_SECRET=JWT_SECRET)
    urls = {}
    for service in SERVICES:
        port = free_port()
        env[f"ORDO_{service.upper()}_PORT"] = str(port)
        env[f"ORDO_{service.upper()}_PUBLIC_URL"] = urls[service] = f"http://127.0.0.1:{port}"
    env.update(environment)
    log_path = Path(backend.root) / "ordo-up.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "up"]
            + [f"--service={service}" for service in services if services != SERVICES],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(lambda: all(_ready(urls[s]) for s in services), STARTUP_SECONDS, 0.5)
        except TimeoutError:
            _stop(process)  # its processes too: a killed supervisor would leave them running
            raise SuiteFailed("the suite did not become ready:\n" + _tail(log_path)) from None
        try:
            yield Suite(mode, urls, Path(backend.root) / "mail", log_path)
        finally:
            exit_code = _stop(process)
    if exit_code != 0:
        raise SuiteFailed(f"ordo up did not stop cleanly ({exit_code}):\n" + _tail(log_path))


def _stop(process: subprocess.Popen) -> int | str:
    """Ctrl-C for `ordo up`, which stops its processes and exits; killed if it does not."""
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        return "killed"


def _ready(url: str) -> bool:
    try:
        return ServiceClient(url, timeout=2).get("/readyz")["status"] == "ready"
    except (RequestFailed, OSError):
        return False


def _tail(path: Path, lines: int = 60) -> str:
    return "\n".join(path.read_text().splitlines()[-lines:])

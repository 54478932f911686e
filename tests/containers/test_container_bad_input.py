"""Bad input at container start: the process exits non-zero with one line naming the variable
or the host (shared.preflight, run by the entrypoint), after retrying an unreachable backend
with backoff rather than at once, so a restarting orchestrator meets no restart storm."""

from __future__ import annotations

import time

import pytest

from shared.preflight import EX_CONFIG, EX_UNAVAILABLE
from tests.conftest import POSTGRES_URL, RABBITMQ_URL
from tests.containers.podman import run_once, security_options
from tests.helpers import JWT_SECRET, PORTAL_SECRET

CLOSED_PORT = 9799  # nothing of this layer listens here
GOOD = {
    "ORDO_JWT_SECRET": JWT_SECRET,
    "ORDO_PORTAL_SECRET": PORTAL_SECRET,
    "ORDO_BROKER_URL": RABBITMQ_URL,
    "ORDO_ORDERS_DATABASE_URL": f"{POSTGRES_URL}/postgres",
    "ORDO_ORDERS_PORT": "9731",
    "ORDO_STARTUP_TIMEOUT": "3",
}


def start(process: str, **changes: str | None):
    environment = {key: value for key, value in (GOOD | changes).items() if value is not None}
    options = [f"--env={key}={value}" for key, value in environment.items()]
    return run_once(["orders", process], options + security_options("orders", process), 60)


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "secret, said",
    [
        (None, "ORDO_JWT_SECRET must be set"),
        ("replace-me-with-32-random-bytes-of-yours", "ORDO_JWT_SECRET is a placeholder"),
    ],
)
def test_a_missing_or_placeholder_secret_stops_the_web_process_with_one_line(image, secret, said):
    result = start("web", ORDO_JWT_SECRET=secret)
    assert result.returncode == EX_CONFIG
    assert one_line(result).startswith(f"ordo orders web: {said}")


def test_an_unreachable_database_is_named_after_retrying_with_backoff(image):
    started = time.monotonic()
    result = start(
        "migrate", ORDO_ORDERS_DATABASE_URL=f"postgresql://ordo@127.0.0.1:{CLOSED_PORT}/x"
    )
    assert result.returncode == EX_UNAVAILABLE
    assert one_line(result) == (
        f"ordo orders migrate: cannot reach the database at 127.0.0.1:{CLOSED_PORT} "
        "(ORDO_ORDERS_DATABASE_URL) after 3 s: Connection refused"
    )
    assert time.monotonic() - started >= 3  # not a restart storm: it waited before giving up


def test_an_unreachable_broker_stops_the_worker_naming_it(image):
    result = start("worker", ORDO_BROKER_URL=f"amqp://guest:guest@127.0.0.1:{CLOSED_PORT}//")
    assert result.returncode == EX_UNAVAILABLE
    assert f"the broker at 127.0.0.1:{CLOSED_PORT} (ORDO_BROKER_URL)" in one_line(result)

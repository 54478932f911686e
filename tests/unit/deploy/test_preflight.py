"""shared.preflight: bad settings or an unreachable backend at start → one line, non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from shared.preflight import EX_CONFIG, EX_UNAVAILABLE, endpoint
from tests.backends import free_port
from tests.unit.deploy.support import ROOT

SECRETS = {
    "ORDO_JWT_SECRET": "7b3f0c9e1d2a4b6c8e0f1a3b5c7d9e1f2a4b",
    "ORDO_PORTAL_SECRET": "9c1e3a5b7d9f1b3d5f7a9c1e3b5d7f9a1c3e",
}


def preflight(service: str, process: str, **environment: str):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ORDO_")}
    return subprocess.run(
        [sys.executable, "-m", "shared.preflight", service, process],
        env={**clean, **environment},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_embedded_mode_has_nothing_to_check():
    result = preflight("orders", "worker")
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("secret", [None, "change-me-please-change-me-please-0000", "short"])
def test_a_missing_or_placeholder_secret_is_one_line_naming_the_variable(secret):
    environment = {"ORDO_ORDERS_DATABASE_URL": "postgresql://ordo@127.0.0.1/ordo"}
    if secret:
        environment["ORDO_JWT_SECRET"] = secret
    result = preflight("orders", "web", **environment)
    assert result.returncode == EX_CONFIG
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("ordo orders web: ORDO_JWT_SECRET ")


def test_an_unreachable_broker_is_retried_then_named_with_its_host_and_variable():
    closed = free_port()
    started = time.monotonic()
    result = preflight(
        "delivery",
        "worker",
        **SECRETS,
        ORDO_DELIVERY_DATABASE_URL="sqlite:///:memory:",
        ORDO_BROKER_URL=f"amqp://guest:guest@127.0.0.1:{closed}//",
        ORDO_STARTUP_TIMEOUT="1.5",
    )
    took = time.monotonic() - started
    assert result.returncode == EX_UNAVAILABLE
    assert result.stderr.splitlines() == [
        f"ordo delivery worker: cannot reach the broker at 127.0.0.1:{closed} (ORDO_BROKER_URL)"
        " after 1.5 s: Connection refused"
    ]
    assert took >= 1.4  # it waited with backoff rather than exiting at once


def test_web_needs_its_database_only():
    closed = free_port()
    result = preflight(
        "planning",
        "web",
        **SECRETS,
        ORDO_PLANNING_DATABASE_URL=f"postgresql+psycopg://ordo@127.0.0.1:{closed}/ordo",
        ORDO_BROKER_URL="amqp://guest:guest@127.0.0.1:1//",
        ORDO_STARTUP_TIMEOUT="0.5",
    )
    assert result.returncode == EX_UNAVAILABLE
    assert f"the database at 127.0.0.1:{closed} (ORDO_PLANNING_DATABASE_URL)" in result.stderr


def test_endpoints_of_urls():
    assert endpoint("postgresql://u:p@db.internal/x") == ("db.internal", 5432)
    assert endpoint("postgresql+psycopg://u@pg.example:6543/x") == ("pg.example", 6543)
    assert endpoint("amqps://u:p@mq/") == ("mq", 5671)
    assert endpoint("sqlite:////var/lib/ordo/orders.db") is None
    assert endpoint("filesystem://") is None


def test_a_migration_needs_no_secret_only_its_database():
    result = preflight(
        "orders",
        "migrate",
        ORDO_ORDERS_DATABASE_URL="sqlite:////tmp/orders.db",
        ORDO_BROKER_URL="amqp://guest:guest@127.0.0.1:1//",
    )
    assert (result.returncode, result.stderr) == (0, "")

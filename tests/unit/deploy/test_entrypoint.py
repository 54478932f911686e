"""deploy/entrypoint.sh starts each service's web, worker or migration, in the image and here."""

from __future__ import annotations

import os
import sys

import pytest

from shared.config import DEFAULT_PORTS, SERVICES
from tests.unit.deploy.support import ROOT, run

ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"


@pytest.fixture
def recording_python(tmp_path):
    """A stand-in for python that prints what it was asked to run instead of running it (the
    preflight checks pass silently: tests/unit/deploy/test_preflight.py tests them)."""
    fake = tmp_path / "python"
    fake.write_text(
        '#!/bin/sh\n[ "$2" = shared.preflight ] && exit 0\necho "bind=${ORDO_BIND:-} args=$*"\n'
    )
    fake.chmod(0o755)
    return str(fake)


def start(*arguments: str, **environment: str):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("ORDO_")}
    return run("sh", str(ENTRYPOINT), *arguments, env={**clean, **environment})


@pytest.mark.parametrize("service", SERVICES)
def test_web_runs_gunicorn_with_the_config_beside_the_script_on_the_service_port(
    service, recording_python
):
    result = start(service, "web", PYTHON=recording_python)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        f"bind=0.0.0.0:{DEFAULT_PORTS[service]}",
        "args=-m",
        "gunicorn",
        "-c",
        str(ENTRYPOINT.parent / "gunicorn.conf.py"),
        f"services.{service}.wsgi:app",
    ]


def test_web_binds_the_port_from_the_environment_or_an_explicit_bind(recording_python):
    by_port = start("planning", "web", PYTHON=recording_python, ORDO_PLANNING_PORT="9102")
    by_bind = start("planning", "web", PYTHON=recording_python, ORDO_BIND="127.0.0.1:9999")
    assert by_port.stdout.startswith("bind=0.0.0.0:9102 ")
    assert by_bind.stdout.startswith("bind=127.0.0.1:9999 ")


def test_worker_and_migrate_run_the_service_modules(recording_python):
    worker = start("delivery", "worker", PYTHON=recording_python)
    migrate = start("feedback", "migrate", PYTHON=recording_python)
    assert worker.stdout.strip() == "bind= args=-m services.delivery.worker"
    assert migrate.stdout.strip() == "bind= args=-m shared.cli migrate --service feedback"


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (("billing", "web"), "unknown service 'billing'"),
        (("orders", "cron"), "unknown process 'cron'"),
        (("orders",), "expected a service and a process"),
    ],
)
def test_an_unknown_service_or_process_is_refused_with_exit_64(arguments, complaint):
    result = start(*arguments)
    assert result.returncode == 64
    assert complaint in result.stderr
    assert "usage: entrypoint.sh" in result.stderr


def test_migrate_upgrades_the_service_database_from_a_checkout(tmp_path):
    database = tmp_path / "orders.db"
    result = start(
        "orders",
        "migrate",
        PYTHON=sys.executable,
        ORDO_VAR_DIR=str(tmp_path),
        ORDO_ORDERS_DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 0, result.stderr
    assert "migrated orders" in result.stderr
    assert database.stat().st_size > 0

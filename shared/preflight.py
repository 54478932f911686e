"""Checks before a process starts: `python -m shared.preflight <service> <web|worker|migrate>`.

deploy/entrypoint.sh runs this before it hands over to gunicorn, the worker or the migration,
so bad input at start ends in one line naming the variable or the host and a non-zero exit,
not in a traceback per gunicorn worker or a restart storm:

- the settings of web and worker (a missing or placeholder secret, a bad number) → exit 78
  (EX_CONFIG); a migration needs its database URL only;
- the database (every process) and the broker (workers; web publishes through its outbox and
  stays up without one) must accept a TCP connection. An unreachable one is tried again with
  backoff (0.5 s doubling to 5 s) for ORDO_STARTUP_TIMEOUT seconds (30), so an orchestrator
  that restarts the process at once still meets a backend at most every so often → exit 69
  (EX_UNAVAILABLE).

Embedded mode (SQLite, a filesystem:// or memory:// broker) has nothing to reach.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from urllib.parse import urlsplit

from shared.config import SERVICES, database_url, load_settings, portal_secret_refusal

EX_UNAVAILABLE = 69
EX_CONFIG = 78
DEFAULT_PORTS = {"postgresql": 5432, "amqp": 5672, "amqps": 5671, "pyamqp": 5672}


def endpoint(url: str) -> tuple[str, int] | None:
    """(host, port) of a PostgreSQL or AMQP URL; None for what needs no network."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme not in DEFAULT_PORTS:
        return None
    return parts.hostname or "localhost", parts.port or DEFAULT_PORTS[scheme]


def reachable(host: str, port: int, timeout: float) -> str | None:
    """None when host:port accepts a TCP connection, else why not."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as error:
        return error.strerror or str(error) or type(error).__name__


def wait_for(host: str, port: int, deadline: float) -> str | None:
    """Try host:port with backoff until it answers (None) or the deadline passes (the reason)."""
    delay = 0.5
    while True:
        reason = reachable(host, port, timeout=min(3.0, max(0.1, deadline - time.monotonic())))
        remaining = deadline - time.monotonic()
        if reason is None or remaining <= 0:
            return reason
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 5.0)


def check(service: str, process: str) -> tuple[int, str] | None:
    """(exit code, the one line to print) when the process cannot start, else None."""
    if process == "migrate":  # it needs its database only: no secret, no broker
        database = database_url(service)
    else:
        try:
            settings = load_settings(service)
        except ValueError as error:
            return EX_CONFIG, str(error)
        refusal = portal_secret_refusal(settings) if process == "web" else None
        if refusal:
            return EX_CONFIG, refusal
        database = settings.database_url
    try:
        timeout = float(os.environ.get("ORDO_STARTUP_TIMEOUT") or 30)
    except ValueError:
        return EX_CONFIG, "ORDO_STARTUP_TIMEOUT must be a number of seconds"
    targets = [("database", f"ORDO_{service.upper()}_DATABASE_URL", database)]
    if process == "worker":
        targets.append(("broker", "ORDO_BROKER_URL", settings.broker_url))
    deadline = time.monotonic() + timeout
    for what, variable, url in targets:
        address = endpoint(url)
        if address is None:
            continue
        reason = wait_for(*address, deadline)
        if reason is not None:
            host, port = address
            return EX_UNAVAILABLE, (
                f"cannot reach the {what} at {host}:{port} ({variable}) "
                f"after {timeout:g} s: {reason}"
            )
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in SERVICES:
        print("usage: python -m shared.preflight <service> <process>", file=sys.stderr)
        return 64
    service, process = argv
    failure = check(service, process)
    if failure is None:
        return 0
    code, line = failure
    print(f"ordo {service} {process}: {line}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The `ordo` command: run the suite, migrate, mint tokens, replay events."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from shared.config import (
    SERVICES,
    database_url,
    load_settings,
    port,
    portal_secret_refusal,
    var_dir,
)
from shared.db import alembic_config, migrate
from shared.http.auth import ROLES, mint_token
from shared.supervisor import Program, Supervisor, read_status, status_table

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "deploy" / "entrypoint.sh"


def migrations_dir(service: str) -> Path:
    spec = importlib.util.find_spec(f"services.{service}")
    if spec is None or spec.origin is None:
        raise SystemExit(f"unknown service {service}")
    return Path(spec.origin).parent / "migrations"


def cmd_migrate(args) -> int:
    for service in args.service or SERVICES:
        # Only the database URL: a migration signs nothing, so it needs no secret (k8s Jobs).
        migrate(migrations_dir(service), database_url(service))
        print(f"migrated {service}", file=sys.stderr)
    return 0


def cmd_makemigrations(args) -> int:
    """Autogenerate a revision by diffing the models against a scratch database at head."""
    from alembic import command

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/scratch.db"
        migrate(migrations_dir(args.service), url)
        existing = len(list((migrations_dir(args.service) / "versions").glob("*.py")))
        command.revision(
            alembic_config(migrations_dir(args.service), url),
            message=args.message,
            autogenerate=True,
            rev_id=f"{existing + 1:04d}",
        )
    return 0


def cmd_token(args) -> int:
    settings = load_settings("orders")
    roles = args.role or ["admin"]
    print(mint_token(settings.jwt_secret, args.sub, roles, args.customer_id, args.ttl_hours))
    return 0


def cmd_replay(args) -> int:
    from shared.db import Database
    from shared.events.relay import replay

    # By name, at run time: shared never imports a service's code statically.
    module = importlib.import_module(f"services.{args.service}.models")
    settings = load_settings(args.service)
    db = Database(settings.database_url, module.Base.metadata, args.service)
    until = args.until or datetime.now(UTC)
    try:
        count = replay(db, settings, args.queue, args.since, until, args.type)
    except LookupError as error:
        print(f"ordo events replay: {error}", file=sys.stderr)
        return 2
    print(f"replayed {count} events from {args.service} to {args.queue}", file=sys.stderr)
    return 0


def cmd_up(args) -> int:
    """Declare the topology, migrate, then run web + worker per service until Ctrl-C.

    Every process starts through deploy/entrypoint.sh, as in the container image.
    """
    from shared.events.broker import connect, declare_topology

    if not ENTRYPOINT.is_file():
        raise ValueError(
            f"ordo up runs from a checkout of the repository ({ENTRYPOINT} is missing); "
            "an installed image runs deploy/entrypoint.sh per process instead"
        )
    services = args.service or list(SERVICES)
    for service in services:
        # Refuses a missing or placeholder secret (JWT, portal session) before anything starts.
        refusal = portal_secret_refusal(load_settings(service))
        if refusal:
            raise ValueError(refusal)
    # Resolved here, where the command runs: the processes start in the repository root.
    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    with connect(load_settings("orders")) as connection:
        declare_topology(connection, load_settings("orders"))
    environment = {**os.environ, "PYTHON": sys.executable, "ORDO_VAR_DIR": str(var)}
    # Readable log lines for a person at a terminal; JSON for whatever collects them.
    environment.setdefault("ORDO_LOG_FORMAT", "text" if sys.stderr.isatty() else "json")
    for service in services:
        migration = subprocess.run(_entrypoint(service, "migrate"), env=environment, cwd=ROOT)
        if migration.returncode != 0:
            print(f"migrating {service} failed", file=sys.stderr)
            return 1
    programs = []
    # One machine, several workers: ORDO_WORKER_METRICS_PORT is the first worker's metrics
    # port, and each next worker takes the next one.
    metrics_ports = _worker_metrics_ports()
    for service in services:
        service_environment = {**environment, "ORDO_BIND": f"{args.host}:{port(service)}"}
        replicas = int(os.environ.get(f"ORDO_{service.upper()}_WORKERS") or 1)
        for process in ("web", *["worker"] * replicas):
            program_environment = service_environment
            if process == "worker" and metrics_ports is not None:
                metrics_port = next(metrics_ports)
                program_environment = {**service_environment, METRICS_PORT: str(metrics_port)}
                print(f"{service}-worker metrics on :{metrics_port}", file=sys.stderr)
            programs.append(
                Program(
                    f"{service}-{process}",
                    _entrypoint(service, process),
                    program_environment,
                    ROOT,
                )
            )
    supervisor = Supervisor(programs, status_file(var))
    print(
        "ordo is up: "
        + ", ".join(f"{s} http://{args.host}:{port(s)}" for s in services)
        + " (Ctrl-C stops; `ordo ps` lists the processes)",
        file=sys.stderr,
    )
    return _supervise(supervisor)


METRICS_PORT = "ORDO_WORKER_METRICS_PORT"


def _worker_metrics_ports():
    first = os.environ.get(METRICS_PORT)
    return itertools.count(int(first)) if first else None


def _entrypoint(service: str, process: str) -> list[str]:
    return ["sh", str(ENTRYPOINT), service, process]


def cmd_asyncapi(args) -> int:
    """Write (or with --check, verify) the AsyncAPI document and the RabbitMQ definitions."""
    from shared.asyncapi import generated_files

    stale = []
    for path, content in generated_files(args.root).items():
        current = path.read_text() if path.exists() else None
        if current == content:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            print(f"wrote {path}", file=sys.stderr)
    if args.check and stale:
        names = ", ".join(str(path) for path in stale)
        print(f"ordo: out of date: {names}; run `ordo asyncapi`", file=sys.stderr)
        return 1
    return 0


def cmd_demo(args) -> int:
    """Drive one order from draft to closed against a running suite, then report on it."""
    from shared.agile_demo import AgileDemo
    from shared.client import RequestFailed
    from shared.demo import Demo, report

    urls = {service: getattr(args, f"{service}_url") for service in SERVICES}
    demo = (AgileDemo if args.agile else Demo)(
        urls, load_settings("orders").jwt_secret, timeout=args.timeout, mail_dir=args.mail_dir
    )
    try:
        result = demo.run()
    except (RequestFailed, TimeoutError, OSError) as error:
        print(f"ordo demo: {error}", file=sys.stderr)
        return 1
    print()
    print(report(result))
    return 0


def _supervise(supervisor: Supervisor) -> int:
    signal.signal(signal.SIGINT, lambda _signum, _frame: supervisor.stop())
    signal.signal(signal.SIGTERM, lambda _signum, _frame: supervisor.stop())
    exit_code = supervisor.run()
    if supervisor.given_up:
        print(f"ordo stopped: {supervisor.given_up} kept failing", file=sys.stderr)
    else:
        print("ordo stopped", file=sys.stderr)
    return exit_code


def status_file(var: Path) -> Path:
    return var / "ordo-up.json"


def cmd_ps(args) -> int:
    """List the processes of the running `ordo up`: pid, uptime, restarts."""
    status = read_status(status_file(var_dir()))
    if status is None:
        print("ordo ps: ordo up is not running", file=sys.stderr)
        return 1
    print(status_table(status, time.time()))
    return 0


def _timestamp(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ordo", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run the whole suite locally (Ctrl-C stops it)")
    up.add_argument("--service", action="append", choices=SERVICES, help="only these services")
    up.add_argument("--host", default="127.0.0.1")
    up.set_defaults(run=cmd_up)

    ps = commands.add_parser("ps", help="list the processes of the running `ordo up`")
    ps.set_defaults(run=cmd_ps)

    migrate_ = commands.add_parser("migrate", help="upgrade the services' databases")
    migrate_.add_argument("--service", action="append", choices=SERVICES)
    migrate_.set_defaults(run=cmd_migrate)

    make = commands.add_parser("makemigrations", help="autogenerate a migration (developers)")
    make.add_argument("service", choices=SERVICES)
    make.add_argument("-m", "--message", required=True)
    make.set_defaults(run=cmd_makemigrations)

    token = commands.add_parser("token", help="mint a development bearer token")
    token.add_argument("--role", action="append", choices=ROLES, help="repeat for several roles")
    token.add_argument("--customer-id", help="for customer tokens")
    token.add_argument("--sub", default="dev", help="the subject (user name)")
    token.add_argument("--ttl-hours", type=_positive, default=12)
    token.set_defaults(run=cmd_token)

    events = commands.add_parser("events", help="event operations")
    event_commands = events.add_subparsers(dest="event_command", required=True)
    replay_ = event_commands.add_parser("replay", help="replay a service's outbox to a queue")
    replay_.add_argument("--service", required=True, choices=SERVICES, help="whose events")
    replay_.add_argument("--queue", required=True, help="the queue to publish to")
    replay_.add_argument("--since", required=True, type=_timestamp, help="ISO 8601 start")
    replay_.add_argument("--until", type=_timestamp, help="ISO 8601 end (default: now)")
    replay_.add_argument("--type", help="only types starting with this, e.g. ordo.order.")
    replay_.set_defaults(run=cmd_replay)

    asyncapi = commands.add_parser(
        "asyncapi",
        help="generate docs/asyncapi.json and the RabbitMQ definitions from the event catalog",
    )
    asyncapi.add_argument("--root", type=Path, default=ROOT, help="the repository to write into")
    asyncapi.add_argument("--check", action="store_true", help="only verify they are current")
    asyncapi.set_defaults(run=cmd_asyncapi)

    demo = commands.add_parser(
        "demo", help="drive one order from draft to closed against a running suite"
    )
    for service in SERVICES:
        demo.add_argument(
            f"--{service}-url",
            default=f"http://127.0.0.1:{port(service)}",
            help=f"the {service} service (default: %(default)s)",
        )
    demo.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for each event (default 30)"
    )
    demo.add_argument(
        "--mail-dir",
        type=Path,
        help="where the suite writes mail as .eml files, to read the customer's links from "
        "(default: <ORDO_VAR_DIR>/mail)",
    )
    demo.add_argument(
        "--agile",
        action="store_true",
        help="deliver the order in three increments instead (one rejected once and reworked)",
    )
    demo.set_defaults(run=cmd_demo)
    return root


def _positive(text: str) -> int:
    number = int(text)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text}")
    return number


def main(argv: list[str] | None = None) -> int:
    from kombu.exceptions import OperationalError as BrokerUnavailable
    from sqlalchemy.exc import SQLAlchemyError

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:
        print(f"ordo: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"ordo: the database failed: {error}".splitlines()[0], file=sys.stderr)
        return 1
    except (BrokerUnavailable, OSError) as error:
        print(f"ordo: the broker or a file could not be reached: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""A web process whose PostgreSQL goes away (cut through a TCP proxy) answers 503 problems, not
500s, and serves again by itself once the database is back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.orders.models import Base as OrdersBase
from shared.client import wait_until
from tests.backends import free_port
from tests.helpers import auth
from tests.integration.conftest import create_schema
from tests.integration.proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {**auth("sales"), "Content-Type": "application/json"}
CUSTOMER = {"name": "Acme Tooling", "email": "buyer@acme.example", "contact_name": "Ada"}


def test_a_web_process_answers_503_while_its_database_is_away_and_recovers_by_itself(backend):
    if not backend.real:
        pytest.skip("needs PostgreSQL: SQLite cannot go away")
    direct = create_schema(backend, "orders", OrdersBase.metadata)
    proxy = TcpProxy("127.0.0.1", 5432)
    proxy.up()
    port = free_port()
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("ORDO_")},
        **backend.environment(),
        "ORDO_ORDERS_DATABASE_URL": direct.replace(":5432/", f":{proxy.port}/"),
        "ORDO_BIND": f"127.0.0.1:{port}",
        "ORDO_WEB_WORKERS": "1",
        "PYTHON": sys.executable,
    }
    web = subprocess.Popen(
        ["sh", str(ROOT / "deploy/entrypoint.sh"), "orders", "web"],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _call(base, "GET", "/readyz")[0] == 200, 30, 0.2)
        assert _call(base, "POST", "/customers", CUSTOMER)[0] == 201

        proxy.down()
        for method, path, body in (
            ("GET", "/customers", None),
            ("POST", "/customers", CUSTOMER),
            ("GET", "/readyz", None),
        ):
            status, headers, problem = _call(base, method, path, body)
            assert status == 503, (method, path, status, problem)
            assert headers["Content-Type"] == "application/problem+json"
            assert problem["status"] == 503 and problem["detail"]
        assert _call(base, "GET", "/customers")[1]["Retry-After"] == "5"

        proxy.up()
        started = time.monotonic()
        wait_until(lambda: _call(base, "GET", "/customers")[0] == 200, 30, 0.2)
        recovered_in = time.monotonic() - started
        assert _call(base, "POST", "/customers", CUSTOMER)[0] == 201
        assert recovered_in < 10
    finally:
        web.terminate()
        _, errors = web.communicate(timeout=30)
        proxy.close()
    log = errors.decode()
    assert "database unavailable" in log
    assert '"status": 500' not in log and "unhandled error" not in log
    engine = sa.create_engine(sa.make_url(direct).set(drivername="postgresql+psycopg"))
    with engine.connect() as connection:  # the refused create wrote nothing
        assert connection.scalar(sa.text("SELECT count(*) FROM customers")) == 2
    engine.dispose()


def _call(base: str, method: str, path: str, body=None) -> tuple[int, dict, dict | None]:
    """Status, headers and JSON body of one request (0 when nothing answered)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")
    except OSError:
        return 0, {}, None

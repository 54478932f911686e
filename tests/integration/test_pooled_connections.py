"""A pooled PostgreSQL connection the server closed while it sat in the pool is replaced at
checkout: the next request gets a live connection, not an error, though nothing pings it."""

import psycopg
import pytest
import sqlalchemy as sa

from shared.db import make_engine
from tests.conftest import POSTGRES_URL


def test_a_pooled_connection_terminated_by_the_server_is_replaced_before_it_is_used(backend):
    if not backend.real:
        pytest.skip("needs PostgreSQL")
    engine = make_engine(backend.database_url("orders"))
    backend_pid = sa.text("SELECT pg_backend_pid()")
    with engine.connect() as connection:
        terminated = connection.scalar(backend_pid)
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", (terminated,))
    with engine.connect() as connection:
        assert connection.scalar(backend_pid) != terminated
        assert connection.scalar(backend_pid) == connection.scalar(backend_pid)
    assert not engine.pool._pre_ping
    engine.dispose()

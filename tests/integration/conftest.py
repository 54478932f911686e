"""Integration tests: real PostgreSQL and RabbitMQ when reachable (required under CI=true)."""

import pytest

from shared.db import make_engine
from tests.backends import Backend, provide_backend
from tests.conftest import REAL_BACKENDS


@pytest.fixture
def backend(tmp_path, monkeypatch):
    yield from provide_backend(REAL_BACKENDS, tmp_path, monkeypatch)


def create_schema(backend: Backend, service: str, metadata) -> str:
    url = backend.database_url(service)
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()
    return url

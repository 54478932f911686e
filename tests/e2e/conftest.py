"""The suite as real processes: `ordo up` on PostgreSQL and RabbitMQ, or embedded."""

import pytest

from tests.backends import provide_backend
from tests.conftest import REAL_BACKENDS
from tests.suite import running_suite


@pytest.fixture(params=["real", "embedded"])
def suite(request, tmp_path, monkeypatch):
    if request.param == "real" and not REAL_BACKENDS:
        pytest.skip("PostgreSQL and RabbitMQ are not reachable here")
    for backend in provide_backend(request.param == "real", tmp_path, monkeypatch):
        # Two web workers per service, as deployed (gunicorn.conf.py's default).
        with running_suite(backend, ORDO_WEB_WORKERS="2") as suite:
            yield suite

"""Every operation of every service against its own OpenAPI document (schemathesis): no server
error, only documented status codes, and every body — 4xx problems included — as documented.

Each operation gets a bounded number of generated requests with an admin token, so the whole
run stays within a few minutes.
"""

from __future__ import annotations

import importlib
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Err

from tests.helpers import JWT_SECRET, auth

SERVICES = ("orders", "planning", "delivery", "feedback")
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    response_headers_conformance,
)
EXAMPLES = 12


def service_app(service: str, folder) -> object:
    app = importlib.import_module(f"services.{service}.app").create_app(
        {
            "database_url": f"sqlite:///{folder}/{service}.db",
            "broker_url": "memory://",
            "jwt_secret": JWT_SECRET,
            "namespace": f"t{uuid.uuid4().hex[:8]}",
            # Generated requests must meet the code, not the link budget.
            "link_rate_limit": "100000 per minute",
        }
    )
    app.extensions["ordo"].db.create_all()
    return app


def _schema(service: str):
    import tempfile

    return schemathesis.openapi.from_wsgi(
        "/openapi.json", service_app(service, tempfile.mkdtemp(prefix=f"ordo-st-{service}-"))
    )


def _parametrized(service: str):
    schema = _schema(service)

    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def test(case):
        case.headers = {**(case.headers or {}), **auth("admin")}
        case.call_and_validate(checks=CHECKS)

    return test


test_orders_operations = _parametrized("orders")
test_planning_operations = _parametrized("planning")
test_delivery_operations = _parametrized("delivery")
test_feedback_operations = _parametrized("feedback")


@pytest.mark.parametrize("service", SERVICES)
def test_no_operation_is_skipped_for_a_schema_error(service):
    errors = [result for result in _schema(service).get_all_operations() if isinstance(result, Err)]
    assert errors == []

"""Fixtures shared by every test layer: apps on SQLite, tokens, real backends when reachable."""

from __future__ import annotations

import importlib
import os
import socket
import uuid

import psycopg
import pytest

from tests.helpers import JWT_SECRET, PORTAL_SECRET

POSTGRES_URL = os.environ.get("ORDO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
RABBITMQ_URL = os.environ.get("ORDO_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


REAL_BACKENDS = reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 5672)


def pytest_report_header(config):
    if REAL_BACKENDS:
        return "ordo backends: real PostgreSQL and RabbitMQ for integration and e2e tests"
    return "ordo backends: embedded (SQLite + filesystem broker); PostgreSQL/RabbitMQ unreachable"


def pytest_sessionstart(session):
    if os.environ.get("CI") == "true" and not REAL_BACKENDS:
        raise pytest.UsageError("CI=true needs PostgreSQL on :5432 and RabbitMQ on :5672")


def pytest_collection_modifyitems(config, items):
    for item in items:
        for layer in ("integration", "e2e"):
            if f"/tests/{layer}/" in str(item.path):
                item.add_marker(layer)


@pytest.fixture
def make_app(tmp_path):
    """Build a service app on a fresh SQLite file and the in-memory broker (on a fresh
    PostgreSQL database instead with ORDO_TEST_SERVICES_ON_POSTGRESQL=1: the service tests
    then check the PostgreSQL-only paths too)."""
    apps, databases = [], []

    def database_url(service: str) -> str:
        if not os.environ.get("ORDO_TEST_SERVICES_ON_POSTGRESQL"):
            return f"sqlite:///{tmp_path / service}.db"
        name = f"ordo_st_{service}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        databases.append(name)
        return f"{POSTGRES_URL}/{name}"

    def build(service: str, **config):
        module = importlib.import_module(f"services.{service}.app")
        settings = {
            "database_url": database_url(service),
            "broker_url": "memory://",
            "jwt_secret": JWT_SECRET,
            "portal_secret": PORTAL_SECRET,
            "namespace": f"t{uuid.uuid4().hex[:8]}",
            **config,
        }
        app = module.create_app(settings)
        app.extensions["ordo"].db.create_all()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["ordo"].db.dispose()
    if databases:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            for name in databases:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

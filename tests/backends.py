"""Where a test's services keep their data and exchange events: real or embedded backends."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg

from shared.config import SERVICES, load_settings
from shared.events.broker import connect, declare_topology, delete_topology
from tests.conftest import POSTGRES_URL, RABBITMQ_URL
from tests.helpers import JWT_SECRET, PORTAL_SECRET


@dataclass
class Backend:
    """Where one test's services keep their data and exchange their events."""

    real: bool
    namespace: str
    root: str
    databases: dict[str, str] = field(default_factory=dict)

    @property
    def broker_url(self) -> str:
        return RABBITMQ_URL if self.real else "filesystem://"

    def database_url(self, service: str) -> str:
        if service not in self.databases:
            if self.real:
                name = f"ordo_{self.namespace}_{service}"
                with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
                    connection.execute(f'CREATE DATABASE "{name}"')
                self.databases[service] = f"{POSTGRES_URL}/{name}"
            else:
                self.databases[service] = f"sqlite:///{self.root}/{service}.db"
        return self.databases[service]

    def config(self, service: str, **extra) -> dict:
        return {
            "database_url": self.database_url(service),
            "broker_url": self.broker_url,
            "namespace": self.namespace,
            "jwt_secret": JWT_SECRET,
            "portal_secret": PORTAL_SECRET,
            **extra,
        }

    def settings(self, service: str, **extra):
        return load_settings(service, self.config(service, **extra))

    def environment(self) -> dict[str, str]:
        """The same configuration for processes (`ordo up`, workers)."""
        environment = {
            "ORDO_BROKER_URL": self.broker_url,
            "ORDO_NAMESPACE": self.namespace,
            "ORDO_JWT_SECRET": JWT_SECRET,
            "ORDO_PORTAL_SECRET": PORTAL_SECRET,
            "ORDO_VAR_DIR": self.root,
        }
        for service in SERVICES:
            environment[f"ORDO_{service.upper()}_DATABASE_URL"] = self.database_url(service)
        return environment


@contextmanager
def backend_for(real: bool, root) -> Iterator[Backend]:
    """A fresh namespace (and databases) for one test or benchmark, removed afterwards."""
    backend = Backend(real=real, namespace=f"t{uuid.uuid4().hex[:10]}", root=str(root))
    settings = backend.settings("orders")
    with connect(settings) as connection:
        declare_topology(connection, settings)
    try:
        yield backend
    finally:
        if backend.real:
            with connect(settings) as connection:
                delete_topology(connection, settings)
            with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
                for url in backend.databases.values():
                    name = url.rsplit("/", 1)[1]
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def provide_backend(real: bool, root, monkeypatch):
    """The body of a pytest fixture: in-process code finds the embedded broker under `root`."""
    monkeypatch.setenv("ORDO_VAR_DIR", str(root))
    with backend_for(real, root) as backend:
        yield backend


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

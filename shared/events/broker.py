"""Broker connections and the topology: exchange `ordo.events`, one queue per service."""

from __future__ import annotations

from kombu import Connection, Exchange, Queue, binding

from shared.config import SERVICES, Settings, prefixed, var_dir
from shared.events import embedded
from shared.events.contracts import consumed_by

#: The orders service keeps the order timeline, so it hears every event.
EXTRA_BINDINGS = {"orders": ("ordo.#",)}


def connect(settings: Settings) -> Connection:
    """A (lazy) Kombu connection; the embedded broker lives in folders under var/broker."""
    options: dict = {}
    if settings.broker_url.startswith("filesystem"):
        root = var_dir() / "broker"
        data = root / "data"
        for folder in (data, root / "control", root / "processed"):
            folder.mkdir(parents=True, exist_ok=True)
        options = {
            "data_folder_in": str(data),
            "data_folder_out": str(data),
            "control_folder": str(root / "control"),
            "processed_folder": str(root / "processed"),
        }
    if settings.broker_url.startswith(("filesystem", "memory")):
        options["polling_interval"] = 0.02
    transport = embedded.Transport if settings.broker_url.startswith("filesystem") else None
    return Connection(
        settings.broker_url, transport=transport, transport_options=options, heartbeat=0
    )


def supports_confirms(connection: Connection) -> bool:
    return connection.transport.driver_type == "amqp"


def events_exchange(settings: Settings) -> Exchange:
    return Exchange(settings.exchange, type="topic", durable=True)


def bindings_for(service: str) -> list[str]:
    return sorted(set(consumed_by(service)) | set(EXTRA_BINDINGS.get(service, ())))


def service_queue(settings: Settings, service: str | None = None) -> Queue:
    service = service or settings.service
    exchange = events_exchange(settings)
    arguments = {"x-queue-type": settings.queue_type}
    return Queue(
        prefixed(settings.namespace, f"ordo.{service}"),
        bindings=[binding(exchange, routing_key=key) for key in bindings_for(service)],
        durable=True,
        auto_delete=False,
        queue_arguments=arguments,
    )


def declare_topology(connection: Connection, settings: Settings, services=SERVICES) -> None:
    """Declare the exchange, every service's queue and its bindings (idempotent)."""
    channel = connection.default_channel
    events_exchange(settings)(channel).declare()
    for service in services:
        service_queue(settings, service)(channel).declare()


def delete_topology(connection: Connection, settings: Settings, services=SERVICES) -> None:
    """Remove a namespace's queues and exchange (tests clean up after themselves)."""
    channel = connection.default_channel
    for service in services:
        service_queue(settings, service)(channel).delete()
    events_exchange(settings)(channel).delete()

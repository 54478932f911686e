"""Events are named by their contract classes: a misspelt one fails at import, not at run time."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.db import infrastructure_tables
from shared.events.contracts import CATALOG, contract_for, type_name
from shared.events.contracts.orders import OrderCreated
from shared.events.envelope import InvalidEvent
from shared.events.inbox import dispatcher
from shared.events.outbox import Publisher


def test_every_contract_class_carries_its_type_and_finds_its_contract():
    for type, contract in CATALOG.items():
        assert contract.schema.type == type
        assert contract_for(contract.schema) is contract
        assert type_name(contract.schema) == type


def test_a_dispatcher_keyed_by_classes_routes_by_the_event_type():
    heard = []
    handle = dispatcher({OrderCreated: lambda event, session: heard.append(event)})
    assert handle.handled_types == {"ordo.order.created"}


def test_a_publisher_records_the_event_and_runs_its_hook_in_the_same_transaction():
    metadata = sa.MetaData()
    tables = infrastructure_tables(metadata)
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    hooked = []
    publish = Publisher(after=lambda session, envelope: hooked.append(envelope.type))
    with Session(engine, info={"service": "orders", "tables": tables}) as session:
        data = {
            "order_id": "6b0f8a3e-8c5e-4d8e-9b53-0d1c1f0e2a10",
            "number": "ORD-2026-00001",
            "customer_id": "0b0f8a3e-8c5e-4d8e-9b53-0d1c1f0e2a10",
            "title": "Press line",
            "priority": "normal",
            "version": 1,
        }
        envelope = publish(session, OrderCreated, data)
        with pytest.raises(InvalidEvent):
            publish(session, OrderCreated, {"order_id": "not a uuid"})
        outbox = session.execute(sa.select(tables.outbox.c.id, tables.outbox.c.type)).all()
    assert envelope.type == "ordo.order.created" and hooked == ["ordo.order.created"]
    assert outbox == [(envelope.id, "ordo.order.created")]

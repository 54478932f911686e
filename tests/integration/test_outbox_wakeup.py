"""The outbox wakes the relay with one NOTIFY a transaction, however many events it records:
a NOTIFY statement where the outbox has no wake-up trigger, none where a migration gave it one
(the trigger sends it from inside the INSERT)."""

import uuid

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command

from services.orders.models import Base as OrdersBase
from services.planning.handlers import handle as planning_handle
from services.planning.models import Base as PlanningBase
from shared.cli import migrations_dir
from shared.db import Database, alembic_config, migrate
from shared.events.contracts.orders import OrderCreated
from shared.events.inbox import Inbox, decode
from shared.events.outbox import NOTIFY_CHANNEL, WAKEUP_TRIGGER, record
from tests.helpers import event
from tests.integration.conftest import create_schema
from tests.integration.workers import confirmed_order


@pytest.fixture
def planning_db(backend):
    if not backend.real:
        pytest.skip("NOTIFY is PostgreSQL's; SQLite's relay polls")
    url = create_schema(backend, "planning", PlanningBase.metadata)
    db = counting_notifies(Database(url, PlanningBase.metadata, "planning"))
    yield db
    db.dispose()


@pytest.fixture
def migrated_orders_db(backend):
    if not backend.real:
        pytest.skip("NOTIFY is PostgreSQL's; SQLite's relay polls")
    url = backend.database_url("orders")
    migrate(migrations_dir("orders"), url)
    db = counting_notifies(Database(url, OrdersBase.metadata, "orders"))
    yield db
    db.dispose()


def counting_notifies(db: Database) -> Database:
    db.notifies = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: _count(db, *args))
    return db


def _count(db, _connection, _cursor, statement, *_rest) -> None:
    if statement.startswith("NOTIFY"):
        db.notifies.append(statement)


def listening(db: Database) -> psycopg.Connection:
    url = db.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
    listener = psycopg.connect(url, autocommit=True)
    listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
    return listener


def confirmation():
    return event("ordo.order.confirmed", confirmed_order())


def received(envelope):
    return decode(envelope.to_json())


def outbox_count(db) -> int:
    with db.sessions() as session:
        return session.scalar(sa.text("SELECT count(*) FROM outbox"))


def test_a_batch_of_confirmations_records_an_event_each_and_notifies_once(backend, planning_db):
    inbox = Inbox(planning_db, backend.settings("planning"), planning_handle)
    batch = [confirmation() for _ in range(5)]
    assert inbox.receive_many([(e.to_json(), e.headers()) for e in batch]) == ["processed"] * 5
    assert outbox_count(planning_db) == 5
    assert planning_db.notifies == [f"NOTIFY {NOTIFY_CHANNEL}"]


def test_an_event_recorded_after_a_rolled_back_savepoint_still_wakes_the_relay(planning_db):
    with listening(planning_db) as listener:
        with planning_db.transaction() as session:
            savepoint = session.begin_nested()
            planning_handle(received(confirmation()), session)
            savepoint.rollback()  # its NOTIFY goes with it
            planning_handle(received(confirmation()), session)
        heard = list(listener.notifies(timeout=5, stop_after=1))
    assert [note.channel for note in heard] == [NOTIFY_CHANNEL]
    assert len(planning_db.notifies) == 2
    assert outbox_count(planning_db) == 1


def record_order_created(session) -> None:
    record(
        session,
        OrderCreated,
        {
            "order_id": uuid.uuid4(),
            "version": 1,
            "number": "ORD-2026-00001",
            "customer_id": uuid.uuid4(),
            "title": "Hydraulic press",
            "priority": "normal",
            "due_date": None,
            "value": None,
        },
    )


def test_a_migrated_outbox_wakes_the_relay_once_without_a_notify_statement(migrated_orders_db):
    with listening(migrated_orders_db) as listener:
        with migrated_orders_db.transaction() as session:
            record_order_created(session)
            record_order_created(session)
        heard = list(listener.notifies(timeout=5, stop_after=2))
    assert [note.channel for note in heard] == [NOTIFY_CHANNEL]
    assert migrated_orders_db.notifies == []


def test_an_event_rolled_back_wakes_nobody(migrated_orders_db):
    with listening(migrated_orders_db) as listener:
        with migrated_orders_db.sessions() as session, session.begin():
            record_order_created(session)
            session.rollback()
        assert list(listener.notifies(timeout=0.5, stop_after=1)) == []


def test_the_wakeup_trigger_goes_down_and_up_with_its_migration(migrated_orders_db):
    config = alembic_config(migrations_dir("orders"), migrated_orders_db.url)

    def triggers() -> list[str]:
        with migrated_orders_db.engine.connect() as connection:
            query = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'outbox'::regclass"
            return list(connection.scalars(sa.text(query)))

    assert triggers() == [WAKEUP_TRIGGER]
    command.downgrade(config, "0006_one_head")
    assert triggers() == []
    command.upgrade(config, "heads")
    assert triggers() == [WAKEUP_TRIGGER]

"""The outbox wakes the relay with one NOTIFY a transaction, however many events it records."""

import psycopg
import pytest
import sqlalchemy as sa

from services.planning.handlers import handle as planning_handle
from services.planning.models import Base as PlanningBase
from shared.db import Database
from shared.events.inbox import Inbox, decode
from shared.events.outbox import NOTIFY_CHANNEL
from tests.helpers import event
from tests.integration.conftest import create_schema
from tests.integration.workers import confirmed_order


@pytest.fixture
def planning_db(backend):
    if not backend.real:
        pytest.skip("NOTIFY is PostgreSQL's; SQLite's relay polls")
    url = create_schema(backend, "planning", PlanningBase.metadata)
    db = Database(url, PlanningBase.metadata, "planning")
    db.notifies = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *args: _count(db, *args))
    yield db
    db.dispose()


def _count(db, _connection, _cursor, statement, *_rest) -> None:
    if statement.startswith("NOTIFY"):
        db.notifies.append(statement)


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
    url = planning_db.engine.url.render_as_string(hide_password=False)
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as listener:
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        with planning_db.transaction() as session:
            savepoint = session.begin_nested()
            planning_handle(received(confirmation()), session)
            savepoint.rollback()  # its NOTIFY goes with it
            planning_handle(received(confirmation()), session)
        heard = list(listener.notifies(timeout=5, stop_after=1))
    assert [note.channel for note in heard] == [NOTIFY_CHANNEL]
    assert len(planning_db.notifies) == 2
    assert outbox_count(planning_db) == 1

"""The outbox: events are written in the caller's transaction, published later by the relay."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.db import notify, tables_of, utcnow
from shared.events.contracts import EventType, contract_for, validated_for_publish
from shared.events.envelope import Envelope, InvalidEvent, build

#: On PostgreSQL, recording an event NOTIFYs this channel at commit, waking the relay.
NOTIFY_CHANNEL = "ordo_outbox"
#: The trigger by which a migrated PostgreSQL outbox NOTIFYs the relay from inside each INSERT
#: (shared.upgrades.add_outbox_wakeup_trigger); without it, recording an event sends NOTIFY.
WAKEUP_TRIGGER = "outbox_wakes_relay"


def record(
    session: Session, event: EventType, data: dict[str, Any], *, subject: str | None = None
) -> Envelope:
    """Validate `data` against the contract of `event` and add the event to the outbox.

    Raises InvalidEvent before anything is written if the data does not match the schema
    or the calling service does not produce this type.
    """
    contract = contract_for(event)
    type = contract.type
    service = session.info.get("service")
    if service and contract.producer != service:
        raise InvalidEvent(f"{service} does not produce {type}; {contract.producer} does")
    primitives = validated_for_publish(type, data)
    envelope = build(
        type,
        primitives,
        source=contract.source,
        subject=subject or primitives.get(contract.subject_field),
        dataschema=contract.dataschema,
    )
    row = {
        "id": envelope.id,
        "type": type,
        "subject": envelope.subject,
        "body": envelope.to_json(),
        "created_at": utcnow(),
    }
    session.connection().execute(_insert_into(tables_of(session).outbox), row)
    wake_relay(session)
    return envelope


@functools.cache
def _insert_into(outbox: sa.Table) -> sa.Insert:
    """One INSERT statement a service's outbox: built once, it keeps its cache key, so each
    event skips working it out. It runs on the session's connection: a Core statement needs
    none of the ORM's execution."""
    return sa.insert(outbox)


def wake_relay(session: Session) -> None:
    """NOTIFY the relay at commit, once a transaction: a batch of handlers that publish an
    event each sends one NOTIFY, not one a handler (PostgreSQL delivers one per channel and
    transaction anyway). A NOTIFY sent in a savepoint is lost if the savepoint rolls back, so
    it is sent again unless this transaction or one enclosing it has sent it. An outbox with
    the wake-up trigger has sent it with the INSERT already, and in the same savepoint."""
    if _wakes_relay_itself(session):
        return
    current = session.get_nested_transaction() or session.get_transaction()
    sent = session.info.get(_NOTIFIED)
    enclosing = current
    while enclosing is not None:
        if enclosing is sent:
            return
        enclosing = enclosing.parent
    notify(session, NOTIFY_CHANNEL)
    session.info[_NOTIFIED] = current


_NOTIFIED = "outbox_notified_in"  # session.info: the transaction that sent the NOTIFY

_has_wakeup_trigger: weakref.WeakKeyDictionary[sa.Engine, bool] = weakref.WeakKeyDictionary()


def _wakes_relay_itself(session: Session) -> bool:
    """Whether the session's outbox has the wake-up trigger: looked up in PostgreSQL's catalog
    once per engine (a database migrated meanwhile only gets a NOTIFY too many)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, sa.Engine) else bind.engine
    known = _has_wakeup_trigger.get(engine)
    if known is None:
        known = engine.dialect.name == "postgresql" and session.connection().scalar(
            _WAKEUP_TRIGGER_EXISTS,
            {"name": WAKEUP_TRIGGER, "table": tables_of(session).outbox.name},
        )
        _has_wakeup_trigger[engine] = known
    return known


_WAKEUP_TRIGGER_EXISTS = sa.text(
    "SELECT EXISTS (SELECT FROM pg_trigger WHERE tgname = :name AND tgrelid = to_regclass(:table))"
)


class Publisher:
    """A service's one publish call: the event goes to the outbox in the caller's transaction,
    then `after(session, envelope)` runs there too — the one hook for a side effect that must
    happen with every event the service publishes (orders puts each on its order's timeline).
    """

    def __init__(self, after: Callable[[Session, Envelope], None] | None = None) -> None:
        self.after = after

    def __call__(
        self,
        session: Session,
        event: EventType,
        data: dict[str, Any],
        *,
        subject: str | None = None,
    ) -> Envelope:
        envelope = record(session, event, data, subject=subject)
        if self.after is not None:
            self.after(session, envelope)
        return envelope

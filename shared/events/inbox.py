"""The inbox: every received event is recorded by id with the handler's writes, exactly once."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.context import caused_by
from shared.db import Database, utcnow
from shared.events.contracts import EventType, loaded_for_consume, type_name
from shared.events.envelope import Envelope, InvalidEvent, parse

logger = logging.getLogger(__name__)

Handler = Callable[[Envelope, Session], Any]

PROCESSED, FAILED, DEAD = "processed", "failed", "dead"


class dispatcher:
    """One handler that runs `every_event` (if any), then the handler for the event's type.

    `handlers` is keyed by event class (`{OrderConfirmed: on_order_confirmed}`).
    """

    def __init__(self, handlers: dict[EventType, Handler], every_event: Handler | None = None):
        self.handlers = {type_name(event): handler for event, handler in handlers.items()}
        self.every_event = every_event

    @property
    def handled_types(self) -> set[str]:
        return set(self.handlers)

    def __call__(self, event: Envelope, session: Session) -> None:
        if self.every_event is not None:
            self.every_event(event, session)
        handler = self.handlers.get(event.type)
        if handler is not None:
            handler(event, session)


def decode(body: bytes | str) -> Envelope:
    """Parse and validate an event; its data comes back typed. InvalidEvent if it cannot be."""
    envelope = parse(body)
    return envelope.with_data(loaded_for_consume(envelope.type, envelope.data))


def _header(headers: dict | None, name: str, longest: int) -> str | None:
    """A header of a message that could not be parsed, as text that fits its column."""
    value = (headers or {}).get(name)
    return None if value is None else str(value)[:longest]


def raw_event_id(body: bytes | str, headers: dict | None) -> str:
    """An id for a message we could not parse: its ce-id header, or a digest of the body."""
    header_id = (headers or {}).get("ce-id")
    if header_id:
        return str(header_id)[:64]
    raw = body if isinstance(body, bytes) else body.encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:56]


def as_bytes(body: bytes | str) -> bytes:
    return body if isinstance(body, bytes) else body.encode("utf-8")


class Inbox:
    """Records, deduplicates, handles and retries the events one service receives."""

    def __init__(self, db: Database, settings: Settings, handle: Handler):
        self.db = db
        self.settings = settings
        self.handle = handle
        self.table = db.tables.inbox

    def receive(self, body: bytes | str, headers: dict | None = None) -> str:
        """Durably take in one message; return its inbox status ('duplicate' if seen before).

        The caller acks the message only after this returns.
        """
        try:
            event = decode(body)
        except InvalidEvent as error:
            return self._store_dead(body, headers, error)
        raw = as_bytes(body)
        try:
            with self.db.transaction() as session:
                # Claimed before it is handled: a duplicate costs one statement, and a replica
                # receiving the same event meanwhile waits on this row, then finds it taken.
                claimed = self._insert(
                    session,
                    event.id,
                    event.type,
                    event.subject,
                    raw,
                    status=PROCESSED,
                    attempts=1,
                    processed_at=utcnow(),
                )
                if not claimed:
                    raise _AlreadyReceived
                with caused_by(event.correlationid, event.id):
                    self.handle(event, session)
        except _AlreadyReceived:
            return "duplicate"
        except Exception as error:
            return self._store_failure(event, raw, error)
        return PROCESSED

    def retry_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """Run the failed events whose backoff has elapsed; return how many were tried."""
        now = now or utcnow()
        query = (
            sa.select(self.table.c.id)
            .where(self.table.c.status == FAILED, self.table.c.next_attempt_at <= now)
            .order_by(self.table.c.next_attempt_at)
            .limit(limit)
        )
        with self.db.sessions() as session:
            due = session.scalars(query).all()
        for event_id in due:
            self.retry(event_id)
        return len(due)

    def retry(self, event_id: str) -> str | None:
        """Run one failed (or replayed dead) event again; return its new status."""
        with self.db.transaction() as session:
            row = session.execute(
                sa.select(self.table)
                .where(self.table.c.id == event_id, self.table.c.status.in_((FAILED, DEAD)))
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            try:
                event = decode(row.body)
            except InvalidEvent as error:
                self._update(session, event_id, status=DEAD, last_error=str(error))
                return DEAD
            return self._run(session, event, attempts=row.attempts)

    def replay(self, event_id: str) -> str | None:
        """An operator's second chance for a dead event: run it now with a fresh retry budget."""
        with self.db.transaction() as session:
            updated = session.execute(
                sa.update(self.table)
                .where(self.table.c.id == event_id, self.table.c.status == DEAD)
                .values(attempts=0)
            ).rowcount
        return self.retry(event_id) if updated else None

    def _run(self, session: Session, event: Envelope, attempts: int) -> str:
        attempts += 1
        try:
            with session.begin_nested(), caused_by(event.correlationid, event.id):
                self.handle(event, session)
        except Exception as error:
            logger.warning(
                "event %s (%s) failed, attempt %d: %r", event.id, event.type, attempts, error
            )
            status, values = self._after_failure(attempts, error)
            self._update(session, event.id, status=status, **values)
            return status
        self._update(
            session,
            event.id,
            status=PROCESSED,
            attempts=attempts,
            last_error=None,
            next_attempt_at=None,
            processed_at=utcnow(),
        )
        return PROCESSED

    def _store_failure(self, event: Envelope, raw: bytes, error: Exception) -> str:
        """The handler failed and its writes were rolled back: keep the event for a retry."""
        status, values = self._after_failure(attempts=1, error=error)
        logger.warning("event %s (%s) failed, attempt 1: %r", event.id, event.type, error)
        with self.db.transaction() as session:
            self._insert(session, event.id, event.type, event.subject, raw, status=status, **values)
        return status

    def _after_failure(self, attempts: int, error: Exception) -> tuple[str, dict]:
        """The status and bookkeeping of an event whose handler failed `attempts` times."""
        status = DEAD if attempts >= self.settings.inbox_max_attempts else FAILED
        delay = self.settings.inbox_retry_base_seconds * 2 ** (attempts - 1)
        return status, {
            "attempts": attempts,
            "last_error": f"{type(error).__name__}: {error}"[:4000],
            "next_attempt_at": utcnow() + timedelta(seconds=delay) if status == FAILED else None,
        }

    def _store_dead(self, body: bytes | str, headers: dict | None, error: InvalidEvent) -> str:
        logger.warning("dead event: %s", error)
        with self.db.transaction() as session:
            detail = f"{error}: {error.errors}" if error.errors else str(error)
            inserted = self._insert(
                session,
                raw_event_id(body, headers),
                _header(headers, "ce-type", 128),
                _header(headers, "ce-subject", 64),
                as_bytes(body),
                status=DEAD,
                last_error=detail,
            )
        return DEAD if inserted else "duplicate"

    def _insert(self, session: Session, event_id: str, type, subject, body: bytes, **values):
        insert = _insert_for(session)(self.table).values(
            id=event_id,
            type=type,
            subject=subject,
            body=body,
            received_at=utcnow(),
            **{"attempts": 0, **values},
        )
        inserted = insert.on_conflict_do_nothing(index_elements=["id"]).returning(self.table.c.id)
        return session.execute(inserted).first() is not None

    def _update(self, session: Session, event_id: str, **values) -> None:
        session.execute(sa.update(self.table).where(self.table.c.id == event_id).values(**values))


class _AlreadyReceived(Exception):
    """The event is in the inbox already (a duplicate, or a replica took it first)."""


def _insert_for(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert

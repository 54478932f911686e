"""The inbox: every received event is recorded by id with the handler's writes, exactly once."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Sequence
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

PROCESSED, FAILED, DEAD, DUPLICATE = "processed", "failed", "dead", "duplicate"


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
        return self.receive_many([(body, headers)])[0]

    def receive_many(self, messages: Sequence[tuple[bytes | str, dict | None]]) -> list[str]:
        """Durably take in a batch of messages in one transaction; return each one's status.

        Every event is claimed by its id in one statement, then handled in the order given. A
        handler that fails fails its event only: the batch is run again with a savepoint per
        event, the failed one kept `failed` for a retry (or `dead`) without running it again,
        and the rest commits. A message that cannot be parsed is stored `dead`; an id seen
        before (or twice in the batch) is 'duplicate'. If the transaction itself fails,
        nothing of the batch is recorded and this raises: the caller acks nothing.
        """
        now = utcnow()
        rows: dict[str, dict] = {}  # by event id, in the order received
        events: dict[str, Envelope] = {}
        keys: list[str | None] = []  # each message's id; None: a repeat within the batch
        for body, headers in messages:
            try:
                event = decode(body)
            except InvalidEvent as error:
                logger.warning("dead event: %s", error)
                row = self._dead_row(body, headers, error, now)
            else:
                events[event.id] = event
                row = self._row(event.id, event.type, event.subject, body, now, PROCESSED)
                row.update(attempts=1, processed_at=now)
            keys.append(None if row["id"] in rows else row["id"])
            rows.setdefault(row["id"], row)
        try:
            # Savepoints cost two round trips an event: most batches need none.
            outcome = self._record(list(rows.values()), events)
        except _HandlerFailed as failed:
            outcome = self._record(list(rows.values()), events, failed)
        return [outcome.get(key, DUPLICATE) if key else DUPLICATE for key in keys]

    def _record(
        self, rows: list[dict], events: dict[str, Envelope], failed: _HandlerFailed | None = None
    ) -> dict[str, str]:
        """One transaction of a batch: claim the rows, handle the events claimed. Without
        `failed` a handler's error aborts it (_HandlerFailed); with it each event runs in a
        savepoint and the one that failed before is recorded as failed without running."""
        with self.db.transaction() as session:
            # Claimed before they are handled: a duplicate costs nothing more, and a replica
            # receiving the same event meanwhile waits on its row, then finds it taken.
            claimed = self._insert_many(session, rows)
            outcome = {event_id: DEAD for event_id in claimed if event_id not in events}
            for event_id, event in events.items():
                if event_id not in claimed:
                    continue
                if failed is None:
                    try:
                        self.call_handler(event, session)
                    except Exception as error:
                        raise _HandlerFailed(event_id, error) from error
                    outcome[event_id] = PROCESSED
                elif event_id == failed.event_id:
                    outcome[event_id] = self._record_failure(session, event, 1, failed.error)
                else:
                    outcome[event_id] = self._run(session, event, attempts=0, claimed_now=True)
        return outcome

    def call_handler(self, event: Envelope, session: Session) -> None:
        """The one place an event meets its handler: first delivery, retry and replay alike."""
        with caused_by(event.correlationid, event.id):
            self.handle(event, session)

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

    def _run(self, session: Session, event: Envelope, attempts: int, claimed_now=False) -> str:
        """Handle a claimed event in a savepoint; record its outcome in its inbox row (one
        `claimed_now` was inserted as processed: only a failure changes it)."""
        attempts += 1
        try:
            with session.begin_nested():
                self.call_handler(event, session)
        except Exception as error:
            return self._record_failure(session, event, attempts, error)
        if not claimed_now:
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

    def _record_failure(self, session, event: Envelope, attempts: int, error: Exception) -> str:
        """Keep an event whose handler failed `attempts` times for a retry, or dead."""
        logger.warning(
            "event %s (%s) failed, attempt %d: %r", event.id, event.type, attempts, error
        )
        status, values = self._after_failure(attempts, error)
        self._update(session, event.id, status=status, processed_at=None, **values)
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

    def _dead_row(self, body, headers, error: InvalidEvent, now: datetime) -> dict:
        """The inbox row of a message that cannot be parsed, kept exactly as received."""
        row = self._row(
            raw_event_id(body, headers),
            _header(headers, "ce-type", 128),
            _header(headers, "ce-subject", 64),
            body,
            now,
            DEAD,
        )
        row["last_error"] = f"{error}: {error.errors}" if error.errors else str(error)
        return row

    @staticmethod
    def _row(event_id: str, type, subject, body, now: datetime, status: str) -> dict:
        return {
            "id": event_id,
            "type": type,
            "subject": subject,
            "body": as_bytes(body),
            "received_at": now,
            "status": status,
            "attempts": 0,
            "last_error": None,
            "processed_at": None,
        }

    def _insert_many(self, session: Session, rows: list[dict]) -> set[str]:
        """Insert the rows whose id is new, in one statement; return the ids inserted."""
        if not rows:
            return set()
        if session.get_bind().dialect.name == "postgresql":
            # One array per column: the same statement text whatever the batch's size, so
            # PostgreSQL plans it once (psycopg prepares it) and psycopg parses no long query.
            columns = {name: [row[name] for row in rows] for name in _ROW_COLUMNS}
            return set(session.scalars(self._claim_many, columns))
        insert = _insert_for(session)(self.table).on_conflict_do_nothing(index_elements=["id"])
        return set(session.scalars(insert.returning(self.table.c.id), rows))

    @functools.cached_property
    def _claim_many(self) -> sa.TextClause:
        arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in _ROW_COLUMNS.items())
        names = ", ".join(_ROW_COLUMNS)
        return sa.text(
            f"INSERT INTO {self.table.name} ({names}) SELECT * FROM unnest({arrays}) "
            "ON CONFLICT (id) DO NOTHING RETURNING id"
        )

    def _update(self, session: Session, event_id: str, **values) -> None:
        session.execute(sa.update(self.table).where(self.table.c.id == event_id).values(**values))


#: The inbox columns a received message fills, with their PostgreSQL types.
_ROW_COLUMNS = {
    "id": "varchar",
    "type": "varchar",
    "subject": "varchar",
    "body": "bytea",
    "received_at": "timestamptz",
    "status": "varchar",
    "attempts": "integer",
    "last_error": "text",
    "processed_at": "timestamptz",
}


class _HandlerFailed(Exception):
    """A handler failed in a batch run without savepoints: the batch runs again with them."""

    def __init__(self, event_id: str, error: Exception):
        super().__init__(event_id)
        self.event_id, self.error = event_id, error


def _insert_for(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert

"""The relay: publishes outbox rows in order, marks them only once the broker confirmed."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db import ChannelWaiter, Database, utcnow
from shared.events.broker import connect
from shared.events.contracts import contract_for
from shared.events.outbox import NOTIFY_CHANNEL
from shared.events.publisher import BatchPublisher, OutgoingMessage, PublishFailed
from shared.events.telemetry import PublishObservation

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 30.0
BATCHES_PER_ROUND = 50  # then the relay looks at its stop flag again


def outgoing(row) -> OutgoingMessage:
    headers = {"ce-id": row.id, "ce-type": row.type, "ce-source": contract_for(row.type).source}
    if row.subject:
        headers["ce-subject"] = row.subject
    return OutgoingMessage(id=row.id, routing_key=row.type, body=row.body, headers=headers)


@dataclass
class InFlightBatch:
    """A batch sent to the broker; its transaction holds the rows until they are marked."""

    session: Session
    positions: list[int]
    last_tag: int
    observation: PublishObservation


class Relay:
    def __init__(self, db: Database, settings: Settings, publisher: BatchPublisher | None = None):
        self.db = db
        self.settings = settings
        self.publisher = publisher or BatchPublisher(
            connect(settings), settings.confirm_timeout_seconds
        )
        self.waiter = ChannelWaiter(db, NOTIFY_CHANNEL, settings.relay_idle_seconds)

    def publish_pending(self, max_batches: int | None = None) -> int:
        """Publish unpublished rows, batch by batch, until none are left; return how many.

        Each batch is read in its own transaction, which holds the rows (FOR UPDATE SKIP
        LOCKED) until the broker has confirmed them and they are marked published. On
        PostgreSQL the next batch is read and sent while the broker confirms the previous
        one; SQLite allows only one writing transaction, so there batches go one at a time.
        A batch shorter than the batch size emptied the outbox as it was read: the relay
        stops there (rows committed since then come with their own notification).
        """
        depth = 2 if self.db.is_postgres else 1
        in_flight: list[InFlightBatch] = []
        published = sent = 0
        more = True
        try:
            while True:
                batch = None
                if more and (max_batches is None or sent < max_batches):
                    batch = self._send_next_batch()
                if batch is not None:
                    in_flight.append(batch)
                    sent += 1
                    more = len(batch.positions) == self.settings.relay_batch_size
                while in_flight and (batch is None or not more or len(in_flight) >= depth):
                    published += self._settle(in_flight.pop(0))
                if batch is None or not more:
                    return published
        finally:
            for batch in in_flight:
                batch.session.rollback()
                batch.session.close()

    def _send_next_batch(self) -> InFlightBatch | None:
        outbox = self.db.tables.outbox
        query = (
            sa.select(
                outbox.c.position, outbox.c.id, outbox.c.type, outbox.c.subject, outbox.c.body
            )
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.position)
            .limit(self.settings.relay_batch_size)
            .with_for_update(skip_locked=True)
        )
        session = self.db.sessions()
        try:
            session.begin()
            rows = session.execute(query).all()
            if not rows:
                session.rollback()
                session.close()
                return None
            observation = PublishObservation(self.settings.service, rows)
            last_tag = self.publisher.send(self.settings.exchange, [outgoing(row) for row in rows])
        except BaseException:
            session.rollback()
            session.close()
            raise
        return InFlightBatch(session, [row.position for row in rows], last_tag, observation)

    def _settle(self, batch: InFlightBatch) -> int:
        """Wait for the broker's confirmation of a sent batch, then mark it published."""
        outbox = self.db.tables.outbox
        try:
            self.publisher.confirm(batch.last_tag)
            batch.session.execute(
                sa.update(outbox)
                .where(outbox.c.position.in_(batch.positions))
                .values(published_at=utcnow())
            )
            batch.session.commit()
        except BaseException:
            batch.session.rollback()
            raise
        finally:
            batch.session.close()
        batch.observation.confirmed()
        return len(batch.positions)

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, backing off while the broker is away."""
        backoff = 0.0
        while not stop.is_set():
            try:
                published = self.publish_pending(max_batches=BATCHES_PER_ROUND)
                backoff = 0.0
            except PublishFailed as error:
                backoff = min(max(backoff * 2, 0.25), MAX_BACKOFF_SECONDS)
                logger.warning("relay: broker unavailable (%s); retrying in %.2fs", error, backoff)
                stop.wait(backoff)
                continue
            except sa.exc.OperationalError:
                logger.exception("relay: database unavailable")
                stop.wait(1.0)
                continue
            except Exception:  # whatever it was, the relay must outlive it and try again
                logger.exception("relay: publishing failed")
                self.publisher.reset()
                backoff = min(max(backoff * 2, 0.25), MAX_BACKOFF_SECONDS)
                stop.wait(backoff)
                continue
            if published < BATCHES_PER_ROUND * self.settings.relay_batch_size:
                self.waiter.wait(stop)  # the outbox was emptied: sleep until a new row
        self.publisher.reset()
        self.waiter.close()


def replay(
    db: Database,
    settings: Settings,
    queue: str,
    since: datetime,
    until: datetime,
    type_prefix: str | None = None,
) -> int:
    """Publish the outbox rows recorded in [since, until) straight to `queue` (backfill).

    Raises LookupError if the queue does not exist: the broker would drop every message.
    """
    with connect(settings) as connection:
        try:
            connection.default_channel.queue_declare(queue, passive=True)
        except connection.channel_errors as error:
            raise LookupError(f"there is no queue named {queue!r}: {error}") from None
    outbox = db.tables.outbox
    query = (
        sa.select(outbox.c.position, outbox.c.id, outbox.c.type, outbox.c.subject, outbox.c.body)
        .where(outbox.c.created_at >= since, outbox.c.created_at < until)
        .order_by(outbox.c.position)
    )
    if type_prefix:
        query = query.where(outbox.c.type.startswith(type_prefix))
    publisher = BatchPublisher(connect(settings), settings.confirm_timeout_seconds)
    count = 0
    with db.sessions() as session:
        batch: list[OutgoingMessage] = []
        for row in session.execute(query):
            batch.append(outgoing(row))
            if len(batch) >= settings.relay_batch_size:
                count += _publish_to_queue(publisher, queue, batch)
                batch = []
        count += _publish_to_queue(publisher, queue, batch)
    publisher.reset()
    return count


def _publish_to_queue(publisher: BatchPublisher, queue: str, batch: list[OutgoingMessage]) -> int:
    # The default exchange routes by queue name, so the message reaches only that queue.
    publisher.publish("", [OutgoingMessage(m.id, queue, m.body, m.headers) for m in batch])
    return len(batch)

"""The consumer: takes batches of messages off the service's queue into the inbox, then acks."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from pathlib import Path

from kombu import Connection, Queue
from kombu.message import Message
from kombu.mixins import ConsumerMixin

from shared.events.inbox import Inbox

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
RETRY_FIRST_SECONDS, RETRY_MAX_SECONDS = 0.5, 10.0  # recording a message while the DB is away
HOLD_SECONDS = 60.0  # then the message goes back to the queue (one delivery of its limit)
QUIET_SECONDS = 0.002  # a gathered batch is recorded once the queue is this quiet


class InboxConsumer(ConsumerMixin):
    """Records deliveries in batches, and acks them only once the batch's inbox rows and its
    handlers' writes are committed."""

    def __init__(
        self,
        connection: Connection,
        queue: Queue,
        inbox: Inbox,
        prefetch: int,
        heartbeat_file: str | None = None,
        batch_size: int = 50,
        batch_seconds: float = 0.05,
    ):
        self.connection = connection
        self.queue = queue
        self.inbox = inbox
        self.prefetch = prefetch
        # A batch cannot outgrow what the broker lets this consumer hold unacked.
        self.batch_size = max(1, min(batch_size, prefetch))
        self.batch_seconds = batch_seconds
        self.heartbeat = Path(heartbeat_file) if heartbeat_file else None
        self._last_beat = 0.0
        self.connected = False  # consuming from the broker: the worker's readiness
        self.pending: list[Message] = []
        self._gathering_since = 0.0

    def get_consumers(self, Consumer, channel):
        # on_message receives the raw body: CloudEvents JSON is parsed by the inbox, not Kombu.
        return [
            Consumer(
                queues=[self.queue],
                on_message=self.on_message,
                prefetch_count=self.prefetch,
                auto_declare=False,
            )
        ]

    def on_message(self, message: Message) -> None:
        """Take a delivery into the batch being gathered."""
        if not self.pending:
            self._gathering_since = time.monotonic()
        self.pending.append(message)

    def consume(self, limit=None, timeout=None, safety_interval=1, **kwargs):
        # Kombu's loop, gathering deliveries: a batch is recorded once it is full, once
        # batch_seconds have passed since its first message, or as soon as the queue has had
        # nothing more to give for QUIET_SECONDS, so a lone event waits no longer than that.
        self.pending = []  # a batch of a lost connection cannot be acked: the broker resends it
        with self.consumer_context(**kwargs) as (connection, _channel, _consumers):
            while not self.should_stop:
                self.on_iteration()
                wait = QUIET_SECONDS if self.pending else safety_interval
                try:
                    connection.drain_events(timeout=wait)
                except TimeoutError:
                    connection.heartbeat_check()
                    self.record_batch()
                except OSError:
                    if not self.should_stop:
                        raise
                else:
                    if self._batch_is_due():
                        self.record_batch()
                    yield
            self.record_batch()

    def _batch_is_due(self) -> bool:
        return (
            len(self.pending) >= self.batch_size
            or time.monotonic() - self._gathering_since >= self.batch_seconds
        )

    def record_batch(self) -> None:
        """Record the gathered batch in one transaction, then ack it. If that fails, record its
        messages one by one, so that a message whose transaction cannot commit holds up no other."""
        batch, self.pending = self.pending, []
        if len(batch) > 1:
            try:
                self.inbox.receive_many([(message.body, message.headers) for message in batch])
            except Exception:
                logger.warning("consumer: a batch of %d failed; recording one by one", len(batch))
            else:
                for message in batch:
                    message.ack()
                return
        for message in batch:
            self.record(message)

    def record(self, message: Message) -> None:
        """Ack once recorded. While the inbox cannot record (the database is away), hold the
        message and retry with backoff, so that an outage spends none of the queue's delivery
        limit; give it back to the broker after HOLD_SECONDS, or when told to stop."""
        delay, held = RETRY_FIRST_SECONDS, 0.0
        while True:
            try:
                self.inbox.receive_many([(message.body, message.headers)])
            except Exception:
                if self.should_stop or held >= HOLD_SECONDS:
                    logger.exception("consumer: could not record a message; back to the queue")
                    message.requeue()
                    return
                logger.warning("consumer: could not record a message; retrying in %.1fs", delay)
                self._pause(delay)
                held += delay
                delay = min(delay * 2, RETRY_MAX_SECONDS)
                continue
            message.ack()
            return

    def _pause(self, seconds: float) -> None:
        """Sleep in short steps, staying alive for the liveness probe and quick to stop."""
        deadline = time.monotonic() + seconds
        while not self.should_stop and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))
            self.on_iteration()

    def on_iteration(self) -> None:
        """Touch the heartbeat file (a liveness probe reads its age) while the loop turns."""
        now = time.monotonic()
        if self.heartbeat is not None and now - self._last_beat >= HEARTBEAT_SECONDS:
            self.heartbeat.touch()
            self._last_beat = now

    def on_consume_ready(self, connection, channel, consumers, **kwargs) -> None:
        self.connected = True

    @contextmanager
    def establish_connection(self):
        # Kombu's own retries forever without looking at should_stop; this one gives up
        # when the worker is told to stop, so SIGTERM works while the broker is away.
        with self.create_connection() as connection:
            connection.ensure_connection(
                self.on_connection_error, self.connect_max_retries, callback=self._give_up
            )
            try:
                yield connection
            finally:
                self.connected = False

    def _give_up(self) -> None:
        if self.should_stop:
            raise StopConsuming("stopping while the broker is unreachable")

    def on_connection_error(self, exc, interval):
        logger.warning("consumer: broker connection lost (%s); retrying in %ss", exc, interval)


class StopConsuming(Exception):
    """Raised out of a reconnection wait once the consumer should stop."""

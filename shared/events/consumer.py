"""The consumer: takes messages off the service's queue into the inbox, then acks them."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from pathlib import Path

from kombu import Connection, Queue
from kombu.mixins import ConsumerMixin

from shared.events.inbox import Inbox

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
RETRY_FIRST_SECONDS, RETRY_MAX_SECONDS = 0.5, 10.0  # recording a message while the DB is away
HOLD_SECONDS = 60.0  # then the message goes back to the queue (one delivery of its limit)


class InboxConsumer(ConsumerMixin):
    """Acks a message only once the inbox row and the handler's writes are committed."""

    def __init__(
        self,
        connection: Connection,
        queue: Queue,
        inbox: Inbox,
        prefetch: int,
        heartbeat_file: str | None = None,
    ):
        self.connection = connection
        self.queue = queue
        self.inbox = inbox
        self.prefetch = prefetch
        self.heartbeat = Path(heartbeat_file) if heartbeat_file else None
        self._last_beat = 0.0

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

    def on_message(self, message) -> None:
        """Ack once recorded. While the inbox cannot record (the database is away), hold the
        message and retry with backoff, so that an outage spends none of the queue's delivery
        limit; give it back to the broker after HOLD_SECONDS, or when told to stop."""
        delay, held = RETRY_FIRST_SECONDS, 0.0
        while True:
            try:
                self.inbox.receive(message.body, message.headers)
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

    @contextmanager
    def establish_connection(self):
        # Kombu's own retries forever without looking at should_stop; this one gives up
        # when the worker is told to stop, so SIGTERM works while the broker is away.
        with self.create_connection() as connection:
            connection.ensure_connection(
                self.on_connection_error, self.connect_max_retries, callback=self._give_up
            )
            yield connection

    def _give_up(self) -> None:
        if self.should_stop:
            raise StopConsuming("stopping while the broker is unreachable")

    def on_connection_error(self, exc, interval):
        logger.warning("consumer: broker connection lost (%s); retrying in %ss", exc, interval)


class StopConsuming(Exception):
    """Raised out of a reconnection wait once the consumer should stop."""

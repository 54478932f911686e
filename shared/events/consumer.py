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
        try:
            self.inbox.receive(message.body, message.headers)
        except Exception:
            # Not durably in the inbox (the database is away?): let the broker keep it.
            logger.exception("consumer: could not record a message; it goes back to the queue")
            time.sleep(1.0)
            message.requeue()
            return
        message.ack()

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

"""Publishing batches of events, persistent and mandatory, confirmed by the broker."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from kombu import Connection, Exchange

from shared.events.broker import supports_confirms
from shared.events.envelope import CONTENT_TYPE

logger = logging.getLogger(__name__)

PERSISTENT = 2


class PublishFailed(ConnectionError):
    """The broker refused, did not confirm in time, or went away; nothing may be marked sent."""


@dataclass(frozen=True)
class OutgoingMessage:
    id: str
    routing_key: str
    body: str
    headers: dict[str, str]


class BatchPublisher:
    """Publishes a batch, then waits once for the broker's acks (confirm mode, multiple=True).

    On RabbitMQ the channel is put in confirm mode and the batch is confirmed as a whole;
    the embedded transports store each message synchronously and need no confirmation.
    """

    def __init__(self, connection: Connection, confirm_timeout: float):
        self.connection = connection
        self.confirm_timeout = confirm_timeout
        self._channel = None
        self._next_tag = 1
        self._unconfirmed: set[int] = set()
        self._nacked = False
        self.unroutable = 0
        self._declared: set[str] = set()

    def publish(self, exchange: str, messages: list[OutgoingMessage]) -> None:
        """Send a batch and wait until the broker has confirmed all of it."""
        self.confirm(self.send(exchange, messages))

    def send(self, exchange: str, messages: list[OutgoingMessage]) -> int:
        """Send a batch without waiting; returns the tag to pass to confirm()."""
        if not messages:
            return 0
        try:
            channel = self._ready_channel()
            confirming = supports_confirms(self.connection)
            if exchange and not confirming and exchange not in self._declared:
                # The embedded transports keep exchange types per connection: undeclared
                # here, the topic exchange routes like a direct one and misses wildcards.
                Exchange(exchange, type="topic", durable=True)(channel).declare()
                self._declared.add(exchange)
            for message in messages:
                prepared = channel.prepare_message(
                    message.body,
                    content_type=CONTENT_TYPE,
                    content_encoding="utf-8",
                    headers=message.headers,
                    properties={
                        "delivery_mode": PERSISTENT,
                        "message_id": message.id,
                        "type": message.headers.get("ce-type", message.routing_key),
                    },
                )
                channel.basic_publish(
                    prepared, exchange=exchange, routing_key=message.routing_key, mandatory=True
                )
                if confirming:
                    self._unconfirmed.add(self._next_tag)
                    self._next_tag += 1
        except Exception as error:
            self.reset()
            raise PublishFailed(f"publishing failed: {error!r}") from error
        return self._next_tag - 1

    def confirm(self, up_to: int) -> None:
        """Wait until the broker has confirmed every message sent up to the tag `up_to`."""
        try:
            self._wait_for_confirms(up_to)
        except PublishFailed:
            self.reset()
            raise
        except Exception as error:
            self.reset()
            raise PublishFailed(f"waiting for confirmation failed: {error!r}") from error

    def reset(self) -> None:
        """Drop the channel and connection; the next publish reconnects."""
        try:
            self.connection.close()
        except Exception:  # the connection is already gone; nothing to release
            logger.debug("closing a broken broker connection failed", exc_info=True)
        self._channel = None

    def _ready_channel(self):
        if self._channel is None:
            self.connection.ensure_connection(max_retries=1)
            channel = self.connection.channel()
            if supports_confirms(self.connection):
                channel.confirm_select()
                channel.events["basic_ack"].add(self._on_ack)
                channel.events["basic_nack"].add(self._on_nack)
                channel.events["basic_return"].add(self._on_return)
            self._channel = channel
            self._declared = set()
            self._next_tag = 1
            self._unconfirmed = set()
            self._nacked = False
        return self._channel

    def _wait_for_confirms(self, up_to: int) -> None:
        deadline = time.monotonic() + self.confirm_timeout
        while True:
            if self._nacked:
                raise PublishFailed("the broker refused (nacked) a message")
            if not self._unconfirmed or min(self._unconfirmed) > up_to:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishFailed("the broker did not confirm the batch in time")
            try:
                self.connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._unconfirmed = {tag for tag in self._unconfirmed if tag > delivery_tag}
        else:
            self._unconfirmed.discard(delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked = True

    def _on_return(self, exc, exchange, routing_key, message) -> None:
        # No queue is bound for this type yet; the outbox keeps it for replay.
        self.unroutable += 1
        logger.warning("event %s was unroutable on %s", routing_key, exchange)

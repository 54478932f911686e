"""Another system subscribing to Ordo's events: bind a queue to `ordo.events`, print each event.

    python examples/subscribe.py --queue erp.ordo --binding 'ordo.delivery.*' --count 10

Uses only Kombu, as a system outside Ordo would. Each event is a CloudEvents 1.0 JSON document;
delivery is at least once, so real handling should be idempotent on the event's `id`.
"""

from __future__ import annotations

import argparse
import json
import sys

from kombu import Connection, Exchange, Queue, binding


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5672//")
    arguments.add_argument("--exchange", default="ordo.events")
    arguments.add_argument("--queue", required=True, help="your durable queue")
    arguments.add_argument("--binding", action="append", default=None, help="routing pattern")
    arguments.add_argument("--count", type=int, default=0, help="stop after this many (0: never)")
    arguments.add_argument("--idle-seconds", type=float, default=0, help="stop when idle this long")
    options = arguments.parse_args()

    events = Exchange(options.exchange, type="topic", durable=True)
    patterns = options.binding or ["ordo.#"]
    queue = Queue(
        options.queue, bindings=[binding(events, routing_key=p) for p in patterns], durable=True
    )
    received = 0

    def on_message(message) -> None:
        nonlocal received
        event = json.loads(message.body)
        print(
            json.dumps(
                {
                    "type": event["type"],
                    "subject": event.get("subject"),
                    "id": event["id"],
                    "data": event["data"],
                }
            ),
            flush=True,
        )
        message.ack()
        received += 1

    with Connection(options.broker) as connection:
        events(connection.default_channel).declare()
        with connection.Consumer(queue, on_message=on_message, prefetch_count=10):
            print(f"listening on {queue.name}: {', '.join(patterns)}", file=sys.stderr, flush=True)
            while not options.count or received < options.count:
                try:
                    connection.drain_events(timeout=options.idle_seconds or None)
                except TimeoutError:
                    break


if __name__ == "__main__":
    main()

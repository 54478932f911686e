"""What users and events do in the feedback service, one module per aggregate.

`publish` is the service's one publish call. Its own events reach its read model of orders
directly (the service does not hear them), in the use cases that publish them.
"""

from shared.events.outbox import Publisher

publish = Publisher()

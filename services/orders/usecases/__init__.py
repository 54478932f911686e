"""What users and events do to orders: one function per action, over a session.

`publish` is the service's one way to publish: every event goes to the outbox and, when it is
about an order, onto that order's timeline in the same transaction.
"""

from services.orders.usecases.timeline import add_to_timeline
from shared.events.outbox import Publisher

publish = Publisher(after=add_to_timeline)

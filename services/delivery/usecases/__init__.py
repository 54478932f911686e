"""What users and events do in the delivery service, one module per aggregate.

Every event the service publishes goes through `publish`, in the caller's transaction.
"""

from shared.events.outbox import Publisher

publish = Publisher()

"""The delivery API blueprints."""

from services.delivery.api.acceptance import blp as acceptance
from services.delivery.api.deliverables import blp as deliverables
from services.delivery.api.deliveries import blp as deliveries
from services.delivery.api.deliveries import punch_items
from services.delivery.api.documents import documents, order_documents
from services.delivery.api.quality import non_conformances, quality_checks

blueprints = (
    deliverables,
    quality_checks,
    non_conformances,
    order_documents,
    documents,
    deliveries,
    punch_items,
    acceptance,
)

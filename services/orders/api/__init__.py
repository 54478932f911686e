"""The orders API blueprints."""

from services.orders.api.changes import blp as change_requests
from services.orders.api.customers import blp as customers
from services.orders.api.orders import blp as orders
from services.orders.api.requirements import blp as requirements
from services.orders.api.reviews import blp as reviews
from services.orders.api.traceability import blp as traceability

blueprints = (customers, orders, requirements, reviews, change_requests, traceability)

"""The orders API blueprints."""

from services.orders.api.customers import blp as customers
from services.orders.api.orders import blp as orders

blueprints = (customers, orders)

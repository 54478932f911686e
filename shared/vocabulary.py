"""Words more than one service uses for the same thing, free of any framework."""

#: An order's statuses, in the order it normally goes through them.
ORDER_STATUSES = (
    "draft",
    "submitted",
    "confirmed",
    "in_progress",
    "on_hold",
    "delivered",
    "accepted",
    "closed",
    "cancelled",
)

#: Who may call Ordo: every staff role, and the customer.
ROLES = ("admin", "manager", "sales", "planner", "engineer", "quality", "logistics", "customer")
STAFF = tuple(role for role in ROLES if role != "customer")

#: The languages Ordo writes to customers in; a customer without one is written to in English.
LOCALES = ("en", "zh-CN")
DEFAULT_LOCALE = "en"

"""The order status machine: which action moves an order from which status to which, and who
may take it; and the statuses a requirement counts in.

Moves change the status; keeps (`update`, `edit_requirements`, `review`, `request_change`,
`decide_change`) only make sense in some statuses and leave it as it is. Actions without roles
are taken by the service itself on the other services' events (plan activated, deliveries).
"""

from __future__ import annotations

from shared.status_machine import StatusMachine
from shared.vocabulary import ORDER_STATUSES

CANCELLABLE = ("draft", "submitted", "confirmed", "in_progress")
#: Before confirmation sales may cancel too; after it only a manager.
CANCELLED_BY_SALES = ("draft", "submitted")
SALES = ("sales", "manager")

ORDER_STATUS = StatusMachine(
    "order",
    ORDER_STATUSES,
    moves={
        "submit": {"draft": "submitted"},
        "approve": {"submitted": "confirmed"},
        "request_changes": {"submitted": "draft"},
        "start": {"confirmed": "in_progress"},
        "hold": {"in_progress": "on_hold"},
        "resume": {"on_hold": "in_progress"},
        "deliver": {"in_progress": "delivered"},
        "accept": {"delivered": "accepted"},
        "reject_delivery": {"delivered": "in_progress"},
        # Before final acceptance only with a recorded reason (what was descoped, and why).
        "close": {"accepted": "closed", "in_progress": "closed", "delivered": "closed"},
        "cancel": {status: "cancelled" for status in CANCELLABLE},
    },
    keeps={
        "update": ("draft", "submitted"),
        "edit_requirements": ("draft",),
        "review": ("submitted",),
        "request_change": ("confirmed", "in_progress", "delivered"),
        "decide_change": ("confirmed", "in_progress", "delivered"),
    },
    roles={
        "submit": SALES,
        "approve": ("manager",),
        "request_changes": SALES,
        "hold": ("manager",),
        "resume": ("manager",),
        "close": ("manager",),
        "cancel": SALES,
        "update": SALES,
        "edit_requirements": SALES,
        "review": SALES,
        "request_change": (*SALES, "planner"),
        "decide_change": ("manager",),
    },
)

#: Requirement statuses that still count (a removed requirement is history).
LIVE_REQUIREMENT_STATUSES = ("proposed", "in_review", "approved", "changes_requested")


def roles_to_cancel(status: str) -> tuple[str, ...]:
    """Who may cancel an order in `status`: sales too before confirmation, then a manager."""
    return SALES if status in CANCELLED_BY_SALES else ("manager",)


def order_number(year: int, sequence: int) -> str:
    return f"ORD-{year}-{sequence:05d}"

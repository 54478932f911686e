"""The order status machine: which action moves an order from which status to which."""

from __future__ import annotations

from dataclasses import dataclass

from shared.vocabulary import ORDER_STATUSES

STATUSES = ORDER_STATUSES
CANCELLABLE = ("draft", "submitted", "confirmed", "in_progress")

#: Actions that move the order: action -> {from status: to status}.
TRANSITIONS: dict[str, dict[str, str]] = {
    "submit": {"draft": "submitted"},
    "approve": {"submitted": "confirmed"},
    "request_changes": {"submitted": "draft"},
    "start": {"confirmed": "in_progress"},
    "hold": {"in_progress": "on_hold"},
    "resume": {"on_hold": "in_progress"},
    "deliver": {"in_progress": "delivered"},
    "accept": {"delivered": "accepted"},
    "reject_delivery": {"delivered": "in_progress"},
    "close": {"accepted": "closed"},
    "cancel": {status: "cancelled" for status in CANCELLABLE},
}

#: Actions that leave the status as it is but only make sense in some statuses.
PERMITS: dict[str, tuple[str, ...]] = {
    "update": ("draft", "submitted"),
    "edit_requirements": ("draft",),
    "review": ("submitted",),
    "request_change": ("confirmed", "in_progress", "delivered"),
    "decide_change": ("confirmed", "in_progress", "delivered"),
}


@dataclass
class TransitionNotAllowed(Exception):
    action: str
    status: str

    @property
    def allowed_actions(self) -> list[str]:
        return allowed_actions(self.status)

    def __str__(self) -> str:
        return f"Cannot {self.action.replace('_', ' ')} an order that is {self.status}."


def allowed_actions(status: str) -> list[str]:
    moves = [action for action, table in TRANSITIONS.items() if status in table]
    stays = [action for action, statuses in PERMITS.items() if status in statuses]
    return sorted(moves + stays)


def is_allowed(status: str, action: str) -> bool:
    return status in TRANSITIONS.get(action, {}) or status in PERMITS.get(action, ())


def next_status(status: str, action: str) -> str:
    """The status after `action`; TransitionNotAllowed if the status does not allow it."""
    if action in PERMITS:
        return require(status, action)
    try:
        return TRANSITIONS[action][status]
    except KeyError:
        raise TransitionNotAllowed(action, status) from None


def require(status: str, action: str) -> str:
    """The status itself if `action` is allowed in it; TransitionNotAllowed otherwise."""
    if not is_allowed(status, action):
        raise TransitionNotAllowed(action, status)
    return status


def order_number(year: int, sequence: int) -> str:
    return f"ORD-{year}-{sequence:05d}"

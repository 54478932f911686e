"""The order status machine: which action moves an order from which status to which."""

from __future__ import annotations

from dataclasses import dataclass

ACTIVE = ("draft", "submitted", "confirmed", "in_progress")

TRANSITIONS: dict[str, dict[str, str]] = {
    "submit": {"draft": "submitted"},
    "approve": {"submitted": "confirmed"},
    "request_changes": {"submitted": "draft"},
    "confirm": {"draft": "confirmed"},
    "start": {"confirmed": "in_progress"},
    "hold": {"in_progress": "on_hold"},
    "resume": {"on_hold": "in_progress"},
    "deliver": {"in_progress": "delivered"},
    "accept": {"delivered": "accepted"},
    "reject_delivery": {"delivered": "in_progress"},
    "close": {"accepted": "closed"},
    "cancel": {status: "cancelled" for status in ACTIVE},
}


@dataclass
class TransitionNotAllowed(Exception):
    action: str
    status: str

    @property
    def allowed_actions(self) -> list[str]:
        return allowed_actions(self.status)

    def __str__(self) -> str:
        return f"cannot {self.action} an order that is {self.status}"


def allowed_actions(status: str) -> list[str]:
    return sorted(action for action, moves in TRANSITIONS.items() if status in moves)


def next_status(status: str, action: str) -> str:
    """The status after `action`; TransitionNotAllowed if the status does not allow it."""
    try:
        return TRANSITIONS[action][status]
    except KeyError:
        raise TransitionNotAllowed(action, status) from None


def order_number(year: int, sequence: int) -> str:
    return f"ORD-{year}-{sequence:05d}"

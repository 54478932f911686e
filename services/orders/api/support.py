"""What the orders views share: who may take an order action."""

from __future__ import annotations

from services.orders.domain.status import ORDER_STATUS
from shared.http.auth import roles_required


def roles_for(action: str):
    """The roles_required decorator for the users ORDER_STATUS lets take `action`."""
    return roles_required(*ORDER_STATUS.roles_for(action))

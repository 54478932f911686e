"""What the orders views share: who may take an order action, answering with the ETag, the
service's settings."""

from __future__ import annotations

from flask import current_app

from services.orders.domain.status import ORDER_STATUS
from shared.config import Settings
from shared.http.auth import roles_required
from shared.http.requests import etag


def roles_for(action: str):
    """The roles_required decorator for the users ORDER_STATUS lets take `action`."""
    return roles_required(*ORDER_STATUS.roles_for(action))


def with_etag(row):
    """A read or changed row with its version as the ETag, as every view answers."""
    return row, {"ETag": etag(row.version)}


def settings() -> Settings:
    return current_app.extensions["ordo"].settings

"""What every service's use cases share: who acts, what the caller last read, finding rows.

A use case is a plain function `(session, …, actor=…, if_match=…)`: views pass the request's
session and principal, event handlers the inbox's session and `SYSTEM`. Nothing here knows
HTTP; refusals are `shared.errors` classes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from shared.errors import DomainError, Forbidden, NotFound
from shared.vocabulary import ROLES, STAFF  # noqa: F401  (re-exported for use cases)

Row = TypeVar("Row")


@dataclass(frozen=True)
class Principal:
    """Who acts: a user (`sub`, its roles, a customer's id) or the system on an event."""

    sub: str
    roles: frozenset[str] = field(default_factory=frozenset)
    customer_id: uuid.UUID | None = None

    @property
    def is_customer(self) -> bool:
        return "customer" in self.roles and not (self.roles & set(STAFF))

    def has_any(self, roles) -> bool:
        return "admin" in self.roles or bool(self.roles & set(roles))

    def require_access(self, customer_id: uuid.UUID | str | None) -> None:
        """Customers may only touch their own data; staff pass."""
        if self.is_customer and str(self.customer_id) != str(customer_id):
            raise Forbidden("This belongs to another customer.")


#: The actor of what a service does on an event.
SYSTEM = Principal("system", frozenset({"admin"}))


class StaleVersion(DomainError):
    """The row changed since the caller read it (its If-Match names another version)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            "It was changed since you read it; read it again and retry.",
            current_version=current_version,
        )


class VersionRequired(DomainError):
    """An update sent without naming the version it read (no If-Match where one is required)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            "Send If-Match with the ETag you read to update this.", current_version=current_version
        )


@dataclass(frozen=True)
class IfMatch:
    """The versions the caller last read; `None` accepts any (no If-Match sent, or `*`).

    `missing` marks an update that had to name a version and did not: checking it refuses
    once the row is found (so an unknown row is still 404), telling the current version.
    """

    versions: frozenset[int] | None = None
    missing: bool = False

    def check(self, current_version: int) -> None:
        if self.missing:
            raise VersionRequired(current_version)
        if self.versions is not None and current_version not in self.versions:
            raise StaleVersion(current_version)


ANY_VERSION = IfMatch()


def find(session: Session, model: type[Row], id_: Any, what: str | None = None) -> Row:
    """The row with this primary key, or NotFound naming what was looked for."""
    row = session.get(model, id_)
    if row is None:
        raise NotFound(what or model.__name__.lower(), id_)
    return row

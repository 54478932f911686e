"""The ways a rule or a use case refuses, free of any framework.

Use cases and domain rules raise these; `shared.http.errors.DOMAIN_STATUSES` turns each into
one RFC 9457 problem, in one place: Unauthorized 401, Forbidden 403, NotFound 404, Conflict 409
(TransitionNotAllowed is a Conflict naming the current status and the allowed actions), Gone
410, RuleViolation 422. `extra` carries further problem members (a cycle's tasks, a bound).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class DomainError(Exception):
    """A refusal a caller can act on; `detail` is its sentence, `extra` more problem members."""

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    def __init__(self, what: str, id: object) -> None:
        super().__init__(f"No {what} {id}.")
        self.what = what
        self.id = id


class Unauthorized(DomainError):
    """The credential presented (a link's token) is forged, tampered or meant for elsewhere."""


class Gone(DomainError):
    """The thing existed but is no longer available (an expired or used link)."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class Conflict(DomainError):
    """The request is well formed but the current state does not allow it."""


class RuleViolation(DomainError):
    """Input that breaks a rule; `errors` maps each field at fault to what is wrong with it."""

    def __init__(
        self,
        errors: Mapping[str, str] | None = None,
        detail: str = "The request breaks a rule.",
        **extra: Any,
    ) -> None:
        self.errors: dict[str, str] = dict(errors or {})
        if self.errors:
            extra["errors"] = {field: [message] for field, message in self.errors.items()}
        super().__init__(detail, **extra)

    def __str__(self) -> str:
        if not self.errors:
            return self.detail
        return "; ".join(f"{field}: {message}" for field, message in self.errors.items())


class TransitionNotAllowed(Conflict):
    """`action` is not allowed while the `entity` is in `status`; `allowed_actions` are."""

    def __init__(
        self,
        entity: str,
        action: str,
        status: str,
        allowed_actions: Iterable[str],
        detail: str | None = None,
    ) -> None:
        self.entity = entity
        self.action = action
        self.status = status
        self.allowed_actions = list(allowed_actions)
        article = "an" if entity[:1] in "aeiou" else "a"
        super().__init__(
            detail or f"Cannot {action.replace('_', ' ')} {article} {entity} that is {status}.",
            current_status=status,
            allowed_actions=self.allowed_actions,
        )

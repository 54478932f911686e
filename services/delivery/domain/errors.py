"""The two ways a delivery rule refuses: bad input (422) and a forbidden transition (409)."""

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

Choice = TypeVar("Choice", bound=StrEnum)


class RuleViolation(ValueError):
    """Input that breaks a delivery rule; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


class TransitionNotAllowed(Exception):
    """A status change the current status does not allow; `allowed` lists the ones it does."""

    def __init__(
        self, entity: str, current: StrEnum, requested: StrEnum, allowed: Iterable[StrEnum]
    ) -> None:
        self.entity = entity
        self.current = current
        self.requested = requested
        self.allowed: tuple[StrEnum, ...] = tuple(allowed)
        allowed_text = ", ".join(status.value for status in self.allowed) or "none (final status)"
        super().__init__(
            f"{entity} cannot go from {current.value} to {requested.value}; allowed: {allowed_text}"
        )


def coerce_choice(choices: type[Choice], value: Choice | str, field: str) -> Choice:
    """Return `value` as a member of `choices`, or refuse it naming the field and the choices."""
    try:
        return choices(value)
    except ValueError:
        names = ", ".join(member.value for member in choices)
        raise RuleViolation({field: f"{value!r} is not one of: {names}"}) from None

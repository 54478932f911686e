"""A value given as text must be one of an enum's members; otherwise it is refused by field."""

from enum import StrEnum
from typing import TypeVar

from shared.errors import RuleViolation

Choice = TypeVar("Choice", bound=StrEnum)


def coerce_choice(choices: type[Choice], value: Choice | str, field: str) -> Choice:
    """Return `value` as a member of `choices`, or refuse it naming the field and the choices."""
    try:
        return choices(value)
    except ValueError:
        names = ", ".join(member.value for member in choices)
        raise RuleViolation({field: f"{value!r} is not one of: {names}"}) from None

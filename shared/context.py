"""What the current request or event is: ids carried into the events it causes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True)
class Cause:
    correlation_id: str | None = None
    causation_id: str | None = None


_NO_CAUSE = Cause()
_current: ContextVar[Cause] = ContextVar("ordo_cause", default=_NO_CAUSE)


def current_cause() -> Cause:
    return _current.get()


def begin_cause(correlation_id: str | None, causation_id: str | None) -> Token:
    """Set the cause for the rest of this context (a request); undo with end_cause."""
    return _current.set(Cause(correlation_id, causation_id))


def end_cause(token: Token) -> None:
    _current.reset(token)


@contextmanager
def caused_by(correlation_id: str | None, causation_id: str | None) -> Iterator[None]:
    """Events recorded inside this block carry these correlation and causation ids."""
    token = _current.set(Cause(correlation_id, causation_id))
    try:
        yield
    finally:
        _current.reset(token)

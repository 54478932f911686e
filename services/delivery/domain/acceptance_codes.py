"""The acceptance code: a second factor for signing by link (ORDO_ACCEPTANCE_CODE).

With the setting on, the customer asks for a code through the link; a 6-digit code goes to the
address the link was mailed to, and the decision must carry it. The rules:

- A code is drawn from `secrets` (uniform over 000000-999999) and lives CODE_TTL (10 minutes).
  Only an HMAC of it is kept, keyed with the link's token: the stored value is useless without
  the link, which only the customer holds, so even a reader of the database cannot try the
  million codes against it offline. Asking again replaces the code (the earlier one stops
  working).
- A decision without a code, or before any code was asked for, is refused and counts nothing:
  it guesses nothing. An expired code counts nothing either: it is not compared.
- A wrong code counts against the link, not against the code: MAX_WRONG_CODES wrong codes
  (3) lock the link, however many codes were asked for in between. Were the count reset with
  every new code, whoever holds a leaked link could ask for codes forever and guess two at a
  time without ever locking it. A locked link refuses every use (410) until staff re-issue the
  link, which clears the code, the count and the lock.
- A right code lets the decision through and is spent with it.

Everything here is plain values in, decisions out; the use case stores what they say.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.errors import DomainError, Gone, RuleViolation

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_WRONG_CODES = 3
LOCKED = "This link is locked after {count} wrong codes; ask your contact for a new link."


def new_code(randbelow: Callable[[int], int] = secrets.randbelow) -> str:
    """A fresh code: CODE_DIGITS decimal digits, leading zeros kept."""
    return f"{randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(code: str, key: str) -> str:
    """What is kept of a code: its HMAC-SHA256 keyed with `key` (the link's token)."""
    return hmac.new(key.encode(), code.encode(), hashlib.sha256).hexdigest()


def code_expiry(now: datetime) -> datetime:
    return now + CODE_TTL


def normalised(code: str) -> str:
    """The code as typed, without the spaces and dashes people put in to read it."""
    return "".join(code.split()).replace("-", "")


@dataclass(frozen=True)
class StoredCode:
    """What the package keeps of its link's code: digest, expiry and the wrong codes so far."""

    digest: str | None
    expires_at: datetime | None
    wrong_codes: int = 0


class Outcome(StrEnum):
    RIGHT = "right"
    MISSING = "missing"
    NOT_ISSUED = "not_issued"
    EXPIRED = "expired"
    WRONG = "wrong"
    LOCKS = "locks"


@dataclass(frozen=True)
class CodeCheck:
    """The verdict on the code given with a decision, and the wrong-code count after it."""

    outcome: Outcome
    wrong_codes: int

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.RIGHT

    @property
    def counted(self) -> bool:
        """Whether this try changed the wrong-code count (to be stored despite the refusal)."""
        return self.outcome in (Outcome.WRONG, Outcome.LOCKS)

    @property
    def locks(self) -> bool:
        """Whether this try locks the link."""
        return self.outcome is Outcome.LOCKS

    @property
    def attempts_left(self) -> int:
        return max(0, MAX_WRONG_CODES - self.wrong_codes)

    def refusal(self) -> DomainError | None:
        """The refusal to answer with, or None when the code is right."""
        ask = "Ask for a code (POST /acceptance/<token>/code); it is mailed to you."
        if self.outcome is Outcome.MISSING:
            return RuleViolation(
                {"code": "A code is required with the decision."},
                detail=f"This decision needs the code we e-mail you. {ask}",
            )
        if self.outcome is Outcome.NOT_ISSUED:
            return RuleViolation(
                {"code": "No code was asked for on this link."},
                detail=f"No code was asked for yet. {ask}",
            )
        if self.outcome is Outcome.EXPIRED:
            return RuleViolation(
                {"code": "This code has expired."},
                detail="This code has expired. Ask for a new code; it replaces the old one.",
            )
        if self.outcome is Outcome.WRONG:
            return RuleViolation(
                {"code": "This is not the code we sent."},
                detail=f"Wrong code; {self.attempts_left} attempts left before the link locks.",
                attempts_left=self.attempts_left,
            )
        if self.outcome is Outcome.LOCKS:
            return link_locked(self.wrong_codes)
        return None


def check_code(code: str | None, stored: StoredCode, *, key: str, now: datetime) -> CodeCheck:
    """Judge the code given with a decision against the one issued (see the module docstring)."""
    count = stored.wrong_codes
    if code is None or not normalised(code):
        return CodeCheck(Outcome.MISSING, count)
    if stored.digest is None or stored.expires_at is None:
        return CodeCheck(Outcome.NOT_ISSUED, count)
    if now >= stored.expires_at:
        return CodeCheck(Outcome.EXPIRED, count)
    if hmac.compare_digest(code_digest(normalised(code), key), stored.digest):
        return CodeCheck(Outcome.RIGHT, count)
    count += 1
    return CodeCheck(Outcome.LOCKS if count >= MAX_WRONG_CODES else Outcome.WRONG, count)


def link_locked(wrong_codes: int = MAX_WRONG_CODES) -> Gone:
    return Gone(LOCKED.format(count=wrong_codes), locked=True)


def require_unlocked(locked_at: datetime | None, wrong_codes: int) -> None:
    """A locked link is Gone for every use until it is re-issued."""
    if locked_at is not None:
        raise link_locked(wrong_codes)


def masked_address(address: str) -> str:
    """The address a code went to, recognisable to its owner only: `a***e@example.com`."""
    local, at, domain = address.rpartition("@")
    if not at:
        return "***"
    if len(local) <= 2:
        return f"{local[:1]}***@{domain}"
    return f"{local[0]}***{local[-1]}@{domain}"

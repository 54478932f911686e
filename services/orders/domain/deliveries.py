"""How delivery events move an order, ignoring stale and repeated ones.

Delivery events carry the `package_version` they are about. The order remembers the last
package version and what was last heard of it (submitted, accepted, rejected); an event about
an older package, or a second decision about the same one, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.orders.domain.status import TRANSITIONS

SUBMITTED, ACCEPTED, REJECTED = "submitted", "accepted", "rejected"


@dataclass(frozen=True)
class DeliveryState:
    package_version: int = 0
    decision: str | None = None


@dataclass(frozen=True)
class Reaction:
    fresh: bool
    state: DeliveryState
    moves: tuple[tuple[str, str, str], ...] = ()

    @property
    def final_status(self) -> str | None:
        return self.moves[-1][2] if self.moves else None


def is_fresh(state: DeliveryState, kind: str, package_version: int) -> bool:
    if package_version > state.package_version:
        return True
    return (
        package_version == state.package_version
        and state.decision == SUBMITTED
        and kind in (ACCEPTED, REJECTED)
    )


def wanted_actions(status: str, kind: str) -> tuple[str, ...]:
    if kind == SUBMITTED:
        return ("deliver",)
    if kind == ACCEPTED:
        # An acceptance overtaking its submission still means the package was handed over.
        return ("deliver", "accept") if status == "in_progress" else ("accept",)
    return ("reject_delivery",)


def react(status: str, state: DeliveryState, kind: str, package_version: int) -> Reaction:
    """What a delivery event of `kind` about `package_version` does to an order in `status`."""
    if not is_fresh(state, kind, package_version):
        return Reaction(False, state)
    moves = []
    for action in wanted_actions(status, kind):
        target = TRANSITIONS[action].get(status)
        if target is None:
            break
        moves.append((action, status, target))
        status = target
    return Reaction(True, DeliveryState(package_version, kind), tuple(moves))

"""How delivery events move an order, ignoring stale and repeated ones.

Delivery events carry the `package_version` they are about. The order remembers the last
package version and what was last heard of it (submitted, accepted, rejected); an event about
an older package, or a second decision about the same one, changes nothing.

A delivery heard while the order cannot follow it (on hold, or confirmed with its plan
activation still on the way) is remembered without a move; once the order is in progress
again, `catch_up_moves` gives the moves to where the deliveries stand.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.orders.domain.status import ORDER_STATUS

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


def react(
    status: str, state: DeliveryState, kind: str, package_version: int, final: bool = True
) -> Reaction:
    """What a delivery event of `kind` about `package_version` does to an order in `status`.

    With increments a submission or acceptance that leaves requirements outstanding (not
    `final`) moves nothing: `delivered` and `accepted` mean the whole order. A rejection
    always counts: it takes a delivered order back in progress."""
    if not final and kind != REJECTED:
        return Reaction(True, state)
    if not is_fresh(state, kind, package_version):
        return Reaction(False, state)
    return Reaction(True, DeliveryState(package_version, kind), moves(status, kind))


def catch_up_moves(status: str, state: DeliveryState) -> tuple[tuple[str, str, str], ...]:
    """The moves that bring an order back in progress to where its deliveries stand.

    A package out for acceptance delivers it; an accepted one delivers and accepts it; after a
    rejection (or with no package yet) it stays in progress.
    """
    if status != "in_progress" or state.decision not in (SUBMITTED, ACCEPTED):
        return ()
    return moves(status, state.decision)


def moves(status: str, kind: str) -> tuple[tuple[str, str, str], ...]:
    """(action, from, to) for what a delivery of `kind` asks, as far as the status allows."""
    steps = []
    for action in wanted_actions(status, kind):
        target = ORDER_STATUS.moves[action].get(status)
        if target is None:
            break
        steps.append((action, status, target))
        status = target
    return tuple(steps)

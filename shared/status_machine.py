"""One way to say how an aggregate's status may change: a StatusMachine.

An aggregate (order, plan, deliverable …) declares its statuses, the actions that move it
(`moves`: action -> {from status: to status}), the actions that only make sense in some
statuses and leave the status as it is (`keeps`: action -> statuses), and who may trigger
each action (`roles`; an action with no roles is taken by the system, on an event).

`allowed_actions(status)` is what a 409 problem lists in every service: the names of the
actions (moves and keeps) the current status allows, whoever the caller is. The machine is
plain data: it imports no framework, so domain rules use it, and `mermaid()` draws it for
docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shared.errors import TransitionNotAllowed


class StatusMachine:
    def __init__(
        self,
        entity: str,
        statuses: Iterable[str],
        moves: Mapping[str, Mapping[str, str]],
        keeps: Mapping[str, Iterable[str]] | None = None,
        roles: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.entity = entity
        self.statuses: tuple[str, ...] = tuple(statuses)
        self.moves = {action: dict(table) for action, table in moves.items()}
        self.keeps = {action: tuple(statuses) for action, statuses in (keeps or {}).items()}
        self.roles = {action: tuple(who) for action, who in (roles or {}).items()}
        self._check()
        # Every read of an aggregate lists them (a page of 20 orders asked 320 questions).
        self._allowed = {status: self._actions_allowing(status) for status in self.statuses}

    @property
    def initial(self) -> str:
        return self.statuses[0]

    @property
    def actions(self) -> tuple[str, ...]:
        return (*self.moves, *self.keeps)

    @property
    def final_statuses(self) -> tuple[str, ...]:
        """Statuses no action moves out of."""
        leaving = {status for table in self.moves.values() for status in table}
        return tuple(status for status in self.statuses if status not in leaving)

    def allowed_actions(self, status: str) -> list[str]:
        """The actions `status` allows, sorted: what a 409 problem lists."""
        allowed = self._allowed.get(status)
        return list(allowed) if allowed is not None else self._actions_allowing(status)

    def _actions_allowing(self, status: str) -> list[str]:
        return sorted(action for action in self.actions if self.allows(status, action))

    def allows(self, status: str, action: str) -> bool:
        return status in self.moves.get(action, {}) or status in self.keeps.get(action, ())

    def next_status(self, status: str, action: str) -> str:
        """The status after `action` (the same one for a keep); TransitionNotAllowed if refused."""
        self.require(status, action)
        return self.moves[action][status] if action in self.moves else status

    def require(self, status: str, action: str) -> None:
        """TransitionNotAllowed unless `status` allows `action`."""
        if action not in self.moves and action not in self.keeps:
            raise ValueError(f"{self.entity} has no action {action!r}")
        if not self.allows(status, action):
            raise TransitionNotAllowed(self.entity, action, status, self.allowed_actions(status))

    def action_to(self, status: str, target: str) -> str:
        """The action that moves `status` to `target`; TransitionNotAllowed if none does."""
        for action, table in self.moves.items():
            if table.get(status) == target:
                return action
        raise TransitionNotAllowed(
            self.entity,
            f"move to {target}",
            status,
            self.allowed_actions(status),
            detail=f"A {self.entity} that is {status} cannot become {target}.",
        )

    def roles_for(self, action: str) -> tuple[str, ...]:
        """Who may trigger `action` (empty: only the system, on an event)."""
        if action not in self.moves and action not in self.keeps:
            raise ValueError(f"{self.entity} has no action {action!r}")
        return self.roles.get(action, ())

    def mermaid(self) -> str:
        """The machine as a Mermaid state diagram (moves only; keeps leave the status)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for action, table in self.moves.items():
            lines += [f"    {source} --> {target}: {action}" for source, target in table.items()]
        lines += [f"    {status} --> [*]" for status in self.final_statuses]
        return "\n".join(lines)

    def _check(self) -> None:
        known = set(self.statuses)
        for action, table in self.moves.items():
            unknown = (set(table) | set(table.values())) - known
            if unknown:
                raise ValueError(f"{self.entity} action {action} names unknown {sorted(unknown)}")
        for action, statuses in self.keeps.items():
            if set(statuses) - known or action in self.moves:
                raise ValueError(f"{self.entity} keep {action} is not a keep over known statuses")
        if set(self.roles) - set(self.actions):
            raise ValueError(f"{self.entity} gives roles to unknown actions")

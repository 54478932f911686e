"""Risk scoring (probability × impact on 1–5 scales) and the 5×5 risk matrix."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

SCALE = range(1, 6)

RAISE_THRESHOLD = 15
"""A risk scoring this or more is published as ``ordo.risk.raised``."""


class RiskScaleError(ValueError):
    """A probability or impact outside 1–5."""


@dataclass(frozen=True)
class RiskRating:
    """A risk's id with its probability and impact, each 1 (lowest) to 5 (highest)."""

    id: Hashable
    probability: int
    impact: int

    @property
    def score(self) -> int:
        return risk_score(self.probability, self.impact)


def risk_score(probability: int, impact: int) -> int:
    """probability × impact, after checking both are whole numbers from 1 to 5."""
    for name, value in (("probability", probability), ("impact", impact)):
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise RiskScaleError(f"{name} must be a whole number from 1 to 5, got {value!r}")
    return probability * impact


def is_raised(score: int) -> bool:
    """True when a score reaches :data:`RAISE_THRESHOLD`."""
    return score >= RAISE_THRESHOLD


@dataclass(frozen=True)
class RiskMatrix:
    """Risk ids per (probability, impact) cell; every one of the 25 cells is present."""

    cells: dict[tuple[int, int], list[Hashable]] = field(
        default_factory=lambda: {(p, i): [] for p in SCALE for i in SCALE}
    )

    def count(self, probability: int, impact: int) -> int:
        return len(self.cells[probability, impact])

    def rows(self) -> list[list[list[Hashable]]]:
        """The cells as printed: probability 5 on the top row, impact 1 to 5 left to right."""
        return [[self.cells[p, i] for i in SCALE] for p in reversed(SCALE)]


def risk_matrix(risks: Iterable[RiskRating]) -> RiskMatrix:
    """Place each risk in its (probability, impact) cell, validating both."""
    matrix = RiskMatrix()
    for risk in risks:
        risk_score(risk.probability, risk.impact)
        matrix.cells[risk.probability, risk.impact].append(risk.id)
    return matrix

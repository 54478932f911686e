"""Risk scores, the raise threshold and the 5×5 matrix."""

from __future__ import annotations

import pytest

from services.planning.domain.risk_scoring import (
    RAISE_THRESHOLD,
    RiskRating,
    RiskScaleError,
    is_raised,
    risk_matrix,
    risk_score,
)


def test_score_is_probability_times_impact():
    assert risk_score(3, 5) == 15
    assert RiskRating("r", 2, 4).score == 8


@pytest.mark.parametrize("value", [0, 6, 2.5, True, "3", None])
def test_probability_and_impact_must_be_whole_numbers_from_one_to_five(value):
    with pytest.raises(RiskScaleError):
        risk_score(value, 3)
    with pytest.raises(RiskScaleError):
        risk_score(3, value)


def test_a_risk_is_raised_from_a_score_of_fifteen():
    assert RAISE_THRESHOLD == 15
    assert is_raised(15) and is_raised(25)
    assert not is_raised(12)


def test_the_matrix_places_each_risk_in_its_cell_with_probability_five_on_top():
    matrix = risk_matrix([RiskRating("a", 5, 1), RiskRating("b", 5, 1), RiskRating("c", 1, 5)])
    assert matrix.count(5, 1) == 2
    assert matrix.cells[1, 5] == ["c"]
    assert sum(matrix.count(p, i) for p in range(1, 6) for i in range(1, 6)) == 3
    rows = matrix.rows()
    assert rows[0][0] == ["a", "b"]
    assert rows[4][4] == ["c"]
    with pytest.raises(RiskScaleError):
        risk_matrix([RiskRating("bad", 6, 1)])

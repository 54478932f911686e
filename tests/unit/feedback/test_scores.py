"""Unit tests of NPS, CSAT, score validation and the detractor rule."""

import pytest

from services.feedback.domain.scores import (
    ScoreOutOfRange,
    customer_satisfaction,
    is_detractor,
    net_promoter_score,
    percentage,
    validate_csat,
    validate_nps,
    validate_rating,
)


def test_all_promoters_give_an_nps_of_100():
    assert net_promoter_score([9, 10, 10]) == 100.0


def test_all_detractors_give_an_nps_of_minus_100():
    assert net_promoter_score([0, 3, 6]) == -100.0


def test_passives_only_give_an_nps_of_zero():
    assert net_promoter_score([7, 8, 7, 8]) == 0.0


def test_no_answers_give_no_nps_rather_than_zero():
    assert net_promoter_score([]) is None


def test_nps_subtracts_the_share_of_detractors_from_the_share_of_promoters():
    # 3 promoters, 1 passive, 1 detractor: 60 % - 20 %.
    assert net_promoter_score([10, 9, 9, 8, 2]) == 40.0


def test_nps_is_rounded_once_to_one_decimal():
    # 1 promoter, 2 passives: 33.33... %; rounding the two shares first would give the same,
    # but 2 promoters and 1 detractor of 3 is 33.33... too, not 66.7 - 33.3 = 33.4.
    assert net_promoter_score([10, 7, 8]) == 33.3
    assert net_promoter_score([10, 10, 0]) == 33.3


def test_rounding_takes_halves_away_from_zero():
    assert percentage(1, 16) == 6.3
    assert net_promoter_score([0] + [7] * 15) == -6.3


def test_csat_is_the_share_of_fours_and_fives():
    assert customer_satisfaction([5, 4, 3, 1]) == 50.0


def test_csat_of_three_answers_rounds_to_one_decimal():
    assert customer_satisfaction([5, 4, 2]) == 66.7


def test_no_csat_answers_give_no_csat():
    assert customer_satisfaction([]) is None


@pytest.mark.parametrize("value", [0, 6, -1, 3.5, "4", True, None])
def test_csat_outside_one_to_five_or_not_whole_is_refused_naming_the_field(value):
    with pytest.raises(ScoreOutOfRange) as raised:
        validate_csat(value)
    assert raised.value.field == "csat"
    assert "csat" in str(raised.value)


@pytest.mark.parametrize("value", [-1, 11, 9.5])
def test_nps_outside_zero_to_ten_is_refused_naming_the_field(value):
    with pytest.raises(ScoreOutOfRange) as raised:
        validate_nps(value)
    assert raised.value.field == "nps"


def test_nps_bounds_are_accepted():
    assert validate_nps(0) == 0
    assert validate_nps(10) == 10


@pytest.mark.parametrize("field", ["quality", "schedule", "communication", "service"])
def test_ratings_run_from_one_to_five(field):
    assert validate_rating(field, 1) == 1
    assert validate_rating(field, 5) == 5
    with pytest.raises(ScoreOutOfRange) as raised:
        validate_rating(field, 0)
    assert raised.value.field == field


def test_an_unknown_rating_is_refused():
    with pytest.raises(ValueError, match="price"):
        validate_rating("price", 3)


def test_score_errors_are_value_errors():
    assert issubclass(ScoreOutOfRange, ValueError)


def test_an_out_of_range_answer_spoils_the_whole_nps():
    with pytest.raises(ScoreOutOfRange):
        net_promoter_score([10, 12])


@pytest.mark.parametrize(
    ("nps", "csat", "detractor"),
    [
        (6, 5, True),
        (7, 5, False),
        (10, 2, True),
        (10, 3, False),
        (0, 1, True),
        (None, 2, True),
        (6, None, True),
        (None, None, False),
        (9, None, False),
    ],
)
def test_a_detractor_has_nps_of_six_or_less_or_csat_of_two_or_less(nps, csat, detractor):
    assert is_detractor(nps, csat) is detractor


def test_detractor_rule_refuses_scores_out_of_range():
    with pytest.raises(ScoreOutOfRange):
        is_detractor(11, 5)

"""Unit tests of the acceptance code: issuing, checking, counting wrong codes and locking."""

from datetime import UTC, datetime, timedelta

import pytest

from services.delivery.domain.acceptance_codes import (
    CODE_TTL,
    MAX_WRONG_CODES,
    CodeCheck,
    Outcome,
    StoredCode,
    check_code,
    code_digest,
    code_expiry,
    masked_address,
    new_code,
    require_unlocked,
)
from shared.errors import Gone, RuleViolation

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LINK = "eyJ.the-link.token"


def issued(code="042917", key=LINK, wrong_codes=0, at=NOW) -> StoredCode:
    return StoredCode(code_digest(code, key), code_expiry(at), wrong_codes)


def test_a_code_is_six_digits_and_keeps_its_leading_zeros():
    assert new_code(lambda _: 7) == "000007"
    assert new_code(lambda bound: bound - 1) == "999999"
    drawn = {new_code() for _ in range(200)}
    assert all(len(code) == 6 and code.isdigit() for code in drawn)
    assert len(drawn) > 150


def test_a_code_is_drawn_from_a_million():
    bounds = []
    new_code(lambda bound: bounds.append(bound) or 0)
    assert bounds == [1_000_000]


def test_the_kept_digest_depends_on_the_link_so_it_is_useless_without_it():
    assert code_digest("042917", LINK) == code_digest("042917", LINK)
    assert code_digest("042917", LINK) != code_digest("042917", "another.link.token")
    assert "042917" not in code_digest("042917", LINK)


def test_a_code_lives_ten_minutes():
    assert timedelta(minutes=10) == CODE_TTL
    assert code_expiry(NOW) == NOW + timedelta(minutes=10)


def test_the_right_code_passes_and_counts_nothing():
    check = check_code("042917", issued(wrong_codes=1), key=LINK, now=NOW)
    assert check.passed and not check.counted
    assert check.wrong_codes == 1
    assert check.refusal() is None


def test_the_right_code_typed_with_spaces_or_a_dash_passes():
    assert check_code(" 042 917", issued(), key=LINK, now=NOW).passed
    assert check_code("042-917", issued(), key=LINK, now=NOW).passed


def test_the_right_code_of_another_link_is_wrong():
    stored = issued(key="another.link.token")
    assert check_code("042917", stored, key=LINK, now=NOW).outcome is Outcome.WRONG


@pytest.mark.parametrize("given", [None, "", "   "])
def test_a_decision_without_a_code_is_told_to_ask_for_one_and_counts_nothing(given):
    check = check_code(given, issued(), key=LINK, now=NOW)

    assert check.outcome is Outcome.MISSING and not check.counted
    refusal = check.refusal()
    assert isinstance(refusal, RuleViolation)
    assert "Ask for a code" in refusal.detail
    assert "code" in refusal.errors


def test_a_code_before_any_was_asked_for_counts_nothing():
    check = check_code("042917", StoredCode(None, None, 0), key=LINK, now=NOW)

    assert check.outcome is Outcome.NOT_ISSUED and not check.counted
    assert "Ask for a code" in check.refusal().detail


def test_an_expired_code_is_not_compared_and_counts_nothing():
    later = NOW + CODE_TTL
    check = check_code("000000", issued(), key=LINK, now=later)

    assert check.outcome is Outcome.EXPIRED and not check.counted
    assert check.wrong_codes == 0
    assert "expired" in check.refusal().detail


def test_a_wrong_code_counts_and_says_how_many_tries_are_left():
    check = check_code("111111", issued(), key=LINK, now=NOW)

    assert check.outcome is Outcome.WRONG and check.counted
    assert (check.wrong_codes, check.attempts_left) == (1, 2)
    refusal = check.refusal()
    assert isinstance(refusal, RuleViolation)
    assert refusal.extra["attempts_left"] == 2


def test_the_third_wrong_code_locks_the_link():
    first = check_code("111111", issued(), key=LINK, now=NOW)
    second = check_code("222222", issued(wrong_codes=first.wrong_codes), key=LINK, now=NOW)
    third = check_code("333333", issued(wrong_codes=second.wrong_codes), key=LINK, now=NOW)

    assert [first.outcome, second.outcome, third.outcome] == [
        Outcome.WRONG,
        Outcome.WRONG,
        Outcome.LOCKS,
    ]
    assert third.locks and third.wrong_codes == MAX_WRONG_CODES == 3
    refusal = third.refusal()
    assert isinstance(refusal, Gone)
    assert "locked" in refusal.detail and "new link" in refusal.detail


def test_wrong_codes_count_against_the_link_across_new_codes():
    # Two wrong codes, then a fresh code asked for: the count goes on, so a third wrong locks.
    fresh = issued(code="555555", wrong_codes=2, at=NOW + timedelta(minutes=3))
    assert check_code("123456", fresh, key=LINK, now=NOW + timedelta(minutes=4)).locks


def test_a_locked_link_is_gone_and_an_unlocked_one_passes():
    require_unlocked(None, 0)
    with pytest.raises(Gone, match="locked after 3 wrong codes"):
        require_unlocked(NOW, 3)


def test_attempts_left_never_goes_below_zero():
    assert CodeCheck(Outcome.LOCKS, 5).attempts_left == 0


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("ada@engines.example", "a***a@engines.example"),
        ("ab@engines.example", "a***@engines.example"),
        ("x@engines.example", "x***@engines.example"),
        ("not-an-address", "***"),
    ],
)
def test_the_address_a_code_went_to_is_shown_masked(address, masked):
    assert masked_address(address) == masked

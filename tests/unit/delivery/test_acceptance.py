"""Unit tests of the customer's acceptance decision and the package digest."""

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.delivery.domain.decisions import (
    CriterionAnswer,
    Decision,
    PunchItem,
    PunchItemStatus,
    Verdict,
    decide_acceptance,
    package_digest,
)
from shared.errors import DomainError, RuleViolation

CRITERIA = ["c-1", "c-2", "c-3"]


def answers(*not_met):
    return [
        CriterionAnswer(c, Verdict.NOT_MET if c in not_met else Verdict.MET, comment=f"on {c}")
        for c in CRITERIA
    ]


def refusal(*args, **kwargs):
    with pytest.raises(RuleViolation) as refused:
        decide_acceptance(*args, **kwargs)
    return refused.value.errors


def test_a_package_with_every_criterion_met_is_accepted():
    decision = decide_acceptance(CRITERIA, "accepted", answers())

    assert decision.decision is Decision.ACCEPTED
    assert decision.accepted
    assert decision.unmet_criteria == ()
    assert [a.comment for a in decision.answers] == ["on c-1", "on c-2", "on c-3"]


def test_accepting_with_a_criterion_not_met_is_refused_pointing_to_the_alternatives():
    errors = refusal(CRITERIA, "accepted", answers("c-2"))

    assert errors == {"decision": "not met: c-2; accept conditionally with a punch list, or reject"}


def test_a_conditional_acceptance_with_a_punch_list_counts_as_accepted():
    punch = [PunchItem("Fix the Edge date picker", date(2026, 12, 15))]

    decision = decide_acceptance(
        CRITERIA, Decision.CONDITIONALLY_ACCEPTED, answers("c-2"), punch_list=punch
    )

    assert decision.accepted
    assert decision.punch_list == tuple(punch)
    assert decision.punch_list[0].status is PunchItemStatus.OPEN
    assert decision.unmet_criteria == ("c-2",)


def test_a_conditional_acceptance_needs_a_punch_list():
    assert refusal(CRITERIA, "conditionally_accepted", answers("c-2")) == {
        "punch_list": "a conditional acceptance needs at least one punch item"
    }


def test_a_punch_item_needs_a_description():
    errors = refusal(
        CRITERIA,
        "conditionally_accepted",
        answers(),
        punch_list=[PunchItem("ok", date(2026, 12, 1)), PunchItem(" ", date(2026, 12, 1))],
    )

    assert errors == {"punch_list.1.description": "must not be empty"}


def test_a_punch_list_belongs_only_to_a_conditional_acceptance():
    errors = refusal(CRITERIA, "accepted", answers(), punch_list=[PunchItem("x", date.today())])

    assert "punch_list" in errors


def test_a_rejection_with_reasons_and_an_unmet_criterion_is_recorded():
    decision = decide_acceptance(
        CRITERIA, "rejected", answers("c-1", "c-3"), reasons=["Too slow", "  "]
    )

    assert not decision.accepted
    assert decision.reasons == ("Too slow",)
    assert decision.unmet_criteria == ("c-1", "c-3")


def test_a_rejection_needs_a_reason_and_an_unmet_criterion():
    errors = refusal(CRITERIA, "rejected", answers(), reasons=[" "])

    assert errors == {
        "decision": "a rejection needs at least one criterion not met",
        "reasons": "a rejection needs at least one reason",
    }


def test_every_criterion_of_the_package_must_be_answered():
    errors = refusal(CRITERIA, "accepted", answers()[:1])

    assert errors == {"answers.c-2": "not answered", "answers.c-3": "not answered"}


def test_a_criterion_answered_twice_is_refused():
    errors = refusal(CRITERIA, "accepted", [*answers(), CriterionAnswer("c-1", "met")])

    assert errors == {"answers.c-1": "answered 2 times; answer it once"}


def test_a_criterion_outside_the_package_is_refused_by_name():
    errors = refusal(CRITERIA, "rejected", [*answers(), CriterionAnswer("c-9", "not_met")])

    assert errors == {
        "answers.c-9": "criterion c-9 is not part of this package",
        "decision": "a rejection needs at least one criterion not met",
        "reasons": "a rejection needs at least one reason",
    }


def test_an_unknown_verdict_or_decision_is_refused_naming_the_field():
    with pytest.raises(RuleViolation) as refused:
        CriterionAnswer("c-1", "partly")
    assert "answers.c-1.verdict" in refused.value.errors

    assert "decision" in refusal(CRITERIA, "maybe", answers())


def test_the_rule_violation_is_a_domain_error_with_a_readable_message():
    with pytest.raises(DomainError, match="reasons: a rejection needs at least one reason"):
        decide_acceptance(CRITERIA, "rejected", answers("c-1"))


CONTENT = {
    "version": 3,
    "deliverables": [{"id": UUID(int=1), "name": "Portal", "criteria": ["c-1", "c-2"]}],
    "documents": [{"sha256": "ab" * 32, "kind": PunchItemStatus.OPEN}],
    "submitted_on": date(2026, 11, 20),
    "signed_at": datetime(2026, 11, 26, 21, 0, tzinfo=UTC),
    "value": Decimal("1200.50"),
}


def test_the_digest_is_sha256_of_sorted_compact_json():
    content = {"b": [1, 2], "a": "Zoë", "d": date(2026, 1, 2)}
    canonical = '{"a":"Zoë","b":[1,2],"d":"2026-01-02"}'

    assert package_digest(content) == hashlib.sha256(canonical.encode()).hexdigest()


def test_the_digest_ignores_key_order():
    reordered = dict(reversed(list(CONTENT.items())))

    assert package_digest(reordered) == package_digest(CONTENT)


def test_the_digest_changes_when_a_document_checksum_changes():
    changed = CONTENT | {"documents": [{"sha256": "cd" * 32, "kind": "open"}]}

    assert package_digest(changed) != package_digest(CONTENT)


def test_the_same_instant_in_any_time_zone_or_naive_utc_gives_the_same_digest():
    instant = datetime(2026, 11, 26, 21, 0, tzinfo=UTC)
    in_berlin = instant.astimezone(timezone(timedelta(hours=1)))
    naive = instant.replace(tzinfo=None)

    digests = {package_digest(CONTENT | {"signed_at": moment}) for moment in (in_berlin, naive)}

    assert digests == {package_digest(CONTENT)}


def test_content_without_a_stable_encoding_is_refused():
    with pytest.raises(TypeError):
        package_digest({"criteria": {"c-1", "c-2"}})
    with pytest.raises(ValueError):
        package_digest({"tolerance": float("nan")})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=5), json_values, max_size=5))
def test_the_digest_is_64_hex_characters_and_depends_only_on_content(content):
    digest = package_digest(content)

    assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")
    assert package_digest(dict(sorted(content.items(), reverse=True))) == digest

"""Refusals raised without HTTP become one problem each; If-Match reaches use cases as IfMatch."""

import json

import pytest
from flask import Flask

from shared.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    RuleViolation,
    TransitionNotAllowed,
    Unauthorized,
)
from shared.http.errors import handle_domain_error
from shared.http.requests import if_match
from shared.usecases import ANY_VERSION, IfMatch, Principal, StaleVersion, VersionRequired

app = Flask(__name__)


def problem_of(error):
    with app.app_context():
        response = handle_domain_error(error)
    assert response.mimetype == "application/problem+json"
    return response.status_code, json.loads(response.get_data())


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (Unauthorized("This link is not valid."), 401),
        (Forbidden("This belongs to another customer."), 403),
        (NotFound("order", "42"), 404),
        (Conflict("Busy."), 409),
        (StaleVersion(3), 412),
        (Gone("This link has expired."), 410),
        (RuleViolation({"due_date": "is in the past"}), 422),
    ],
)
def test_each_refusal_is_the_problem_its_class_stands_for(error, status):
    assert problem_of(error)[0] == status


def test_a_forbidden_transition_is_409_with_the_status_and_the_allowed_action_names():
    status, body = problem_of(TransitionNotAllowed("plan", "activate", "completed", []))
    assert status == 409
    assert body["detail"] == "Cannot activate a plan that is completed."
    assert body["current_status"] == "completed" and body["allowed_actions"] == []


def test_a_rule_violation_lists_each_field_at_fault_and_extra_members_travel_along():
    status, body = problem_of(RuleViolation({"lag_days": "too long"}, "Cannot link.", cycle=[1]))
    assert (status, body["detail"]) == (422, "Cannot link.")
    assert body["errors"] == {"lag_days": ["too long"]} and body["cycle"] == [1]
    assert body["title"] == "Unprocessable Entity"


def test_not_found_names_what_was_looked_for():
    assert problem_of(NotFound("plan", "p-1"))[1]["detail"] == "No plan p-1."


def test_a_stale_version_tells_the_current_one():
    status, body = problem_of(StaleVersion(7))
    assert (status, body["current_version"]) == (412, 7)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, ANY_VERSION),
        ("*", ANY_VERSION),
        ('"3"', IfMatch(frozenset({3}))),
        ('"3", "5"', IfMatch(frozenset({3, 5}))),
        ('W/"3"', IfMatch(frozenset())),  # strong comparison: a weak tag never matches
    ],
)
def test_if_match_names_the_versions_the_caller_read(header, expected):
    headers = {"If-Match": header} if header else {}
    with app.test_request_context(headers=headers):
        assert if_match(required=False) == expected


def test_a_required_if_match_that_is_missing_is_428_once_the_row_is_found():
    with app.test_request_context():
        missing = if_match(required=True)
    with pytest.raises(VersionRequired) as refused:
        missing.check(4)
    assert problem_of(refused.value) == (
        428,
        {
            "type": "about:blank",
            "title": "Precondition Required",
            "status": 428,
            "detail": "Send If-Match with the ETag you read to update this.",
            "current_version": 4,
        },
    )


def test_a_use_case_refuses_a_version_the_caller_did_not_read():
    IfMatch(frozenset({2})).check(2)
    ANY_VERSION.check(9)
    with pytest.raises(StaleVersion):
        IfMatch(frozenset({2})).check(3)


def test_a_customer_may_touch_only_its_own_data():
    customer = Principal("c", frozenset({"customer"}), customer_id="c-1")
    customer.require_access("c-1")
    Principal("s", frozenset({"sales"})).require_access("c-2")
    with pytest.raises(Forbidden):
        customer.require_access("c-2")

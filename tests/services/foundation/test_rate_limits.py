"""Rate limits per client address, with the limits production gets by default: link guesses
and failed bearer authentications end in 429 problem+json with Retry-After."""

import uuid

import pytest
from limits import parse

from shared.config import Settings
from tests.helpers import auth, problem

LINK_BUDGET = parse(Settings.link_rate_limit).amount
AUTH_FAILURE_BUDGET = parse(Settings.auth_failure_rate_limit).amount
GUESSER = {"REMOTE_ADDR": "127.0.0.7"}
NEIGHBOUR = {"REMOTE_ADDR": "127.0.0.8"}


@pytest.fixture
def delivery(make_app):
    return make_app("delivery")


def guess_links(client, path="/acceptance/{}", limit=200, **kwargs) -> tuple[int, object]:
    """Guess tokens until the first 429: how many guesses were answered before it, and it."""
    for guesses in range(limit):
        response = client.get(path.format(uuid.uuid4().hex), **kwargs)
        if response.status_code == 429:
            return guesses, response
        assert response.status_code == 401, response.get_data(as_text=True)
    raise AssertionError(f"no 429 after {limit} guesses")


def assert_too_many_requests(response, what: str) -> None:
    assert response.status_code == 429
    body = problem(response)
    assert body["title"] == "Too Many Requests" and body["status"] == 429
    retry_after = response.headers["Retry-After"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 60
    assert body["retry_after"] == int(retry_after)
    assert body["detail"] == (
        f"Too many {what} from your address; try again in {retry_after} seconds."
    )


def test_guessing_acceptance_links_ends_in_429_with_retry_after_after_the_default_budget(
    delivery,
):
    guesses, refused = guess_links(delivery.test_client(), environ_base=GUESSER)
    print(f"guesses before 429 with ORDO_LINK_RATE_LIMIT={Settings.link_rate_limit!r}: {guesses}")
    assert guesses == LINK_BUDGET == 20
    assert_too_many_requests(refused, "link requests")


def test_every_link_endpoint_spends_the_same_budget(delivery):
    client = delivery.test_client()
    for guess in range(LINK_BUDGET):
        document = f"/documents/{uuid.uuid4()}" if guess % 2 else ""
        assert client.get(f"/acceptance/{uuid.uuid4().hex}{document}").status_code == 401
    refused = client.post(f"/acceptance/{uuid.uuid4().hex}", json={"decision": "accepted"})
    assert_too_many_requests(refused, "link requests")


def test_survey_links_are_limited_the_same_way(make_app):
    guesses, refused = guess_links(make_app("feedback").test_client(), "/surveys/by-token/{}")
    assert guesses == LINK_BUDGET
    assert_too_many_requests(refused, "link requests")


def test_a_guesser_does_not_spend_another_addresss_budget(delivery):
    guess_links(delivery.test_client(), environ_base=GUESSER)
    neighbour, refused = guess_links(delivery.test_client(), environ_base=NEIGHBOUR)
    assert neighbour == LINK_BUDGET
    assert refused.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(make_app):
    client = make_app("delivery", trusted_proxies=1).test_client()
    first = {"headers": {"X-Forwarded-For": "127.0.1.1"}}
    second = {"headers": {"X-Forwarded-For": "127.0.1.2"}}
    assert guess_links(client, **first)[0] == LINK_BUDGET
    assert guess_links(client, **second)[0] == LINK_BUDGET


def test_a_guesser_is_still_served_on_endpoints_that_are_not_links(delivery):
    client = delivery.test_client()
    guess_links(client)
    for _ in range(3 * LINK_BUDGET):
        assert client.get("/deliveries", headers=auth("sales")).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_bad_tokens_end_in_429_even_where_they_would_be_401(delivery):
    client = delivery.test_client()
    bad = {"Authorization": "Bearer not-a-token"}
    for _ in range(AUTH_FAILURE_BUDGET):
        assert client.get("/deliveries", headers=bad, environ_base=GUESSER).status_code == 401
    refused = client.get("/deliveries", headers=bad, environ_base=GUESSER)
    assert_too_many_requests(refused, "failed authentications")
    missing = client.get("/deliveries", environ_base=GUESSER)
    assert missing.status_code == 429
    # A right token from the same address would tell the guesser which guess was right.
    good = client.get("/deliveries", headers=auth("sales"), environ_base=GUESSER)
    assert good.status_code == 429
    neighbour = client.get("/deliveries", headers=auth("sales"), environ_base=NEIGHBOUR)
    assert neighbour.status_code == 200


def test_successful_authentications_are_not_counted(delivery):
    client = delivery.test_client()
    for _ in range(2 * AUTH_FAILURE_BUDGET):
        assert client.get("/deliveries", headers=auth("sales")).status_code == 200
    bad = {"Authorization": "Bearer not-a-token"}
    statuses = [client.get("/deliveries", headers=bad).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]


def test_limits_are_settings(make_app):
    client = make_app("delivery", link_rate_limit="3 per hour").test_client()
    guesses, refused = guess_links(client)
    assert guesses == 3
    assert 60 < int(refused.headers["Retry-After"]) <= 3600


def test_an_unreadable_limit_is_refused_at_start_naming_the_variable(make_app):
    with pytest.raises(ValueError, match="ORDO_LINK_RATE_LIMIT"):
        make_app("delivery", link_rate_limit="lots")

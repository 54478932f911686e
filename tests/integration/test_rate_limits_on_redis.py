"""Rate limits kept in Redis: replicas of a service share one budget per client address."""

import os
import uuid

import pytest
from limits import parse

from shared.config import Settings
from tests.conftest import reachable
from tests.helpers import auth, problem

REDIS_URL = os.environ.get("ORDO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LINK_BUDGET = parse(Settings.link_rate_limit).amount
AUTH_FAILURE_BUDGET = parse(Settings.auth_failure_rate_limit).amount

pytestmark = pytest.mark.skipif(
    os.environ.get("CI") != "true" and not reachable("127.0.0.1", 6379),
    reason="Redis is not reachable on 127.0.0.1:6379 (required under CI=true)",
)


@pytest.fixture
def replicas(make_app):
    """Two instances of the delivery service, as two gunicorn workers or pods would be."""
    shared = {"rate_limit_storage": REDIS_URL, "namespace": f"t{uuid.uuid4().hex[:8]}"}
    return make_app("delivery", **shared).test_client(), make_app(
        "delivery", **shared
    ).test_client()


def test_two_instances_share_the_link_budget_in_redis(replicas):
    first, second = replicas
    answers = []
    for guess in range(LINK_BUDGET + 1):
        client = first if guess % 2 else second
        answers.append(client.get(f"/acceptance/{uuid.uuid4().hex}").status_code)
    assert answers == [401] * LINK_BUDGET + [429]
    refused = first.get(f"/acceptance/{uuid.uuid4().hex}")
    assert refused.status_code == 429 and problem(refused)["status"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_two_instances_share_the_failed_authentication_budget_in_redis(replicas):
    first, second = replicas
    bad = {"Authorization": "Bearer not-a-token"}
    for guess in range(AUTH_FAILURE_BUDGET):
        client = first if guess % 2 else second
        assert client.get("/deliveries", headers=bad).status_code == 401
    assert second.get("/deliveries", headers=auth("sales")).status_code == 429
    assert first.get("/deliveries", headers=bad).status_code == 429


def test_an_unreachable_storage_falls_back_to_counting_in_the_process(make_app):
    # Nothing listens on port 1 of the loopback: every request would fail without the fallback.
    client = make_app("delivery", rate_limit_storage="redis://127.0.0.1:1/0").test_client()
    assert client.get("/deliveries", headers=auth("sales")).status_code == 200
    answers = [client.get(f"/acceptance/{uuid.uuid4().hex}").status_code for _ in range(25)]
    assert answers.count(401) == LINK_BUDGET and answers[-1] == 429

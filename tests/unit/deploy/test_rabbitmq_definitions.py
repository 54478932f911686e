"""The broker definitions declare the catalog's topology: quorum queues, bindings per consumer."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from shared.asyncapi import DEAD_LETTERS, rabbitmq_definitions, routed_to, topic_matches
from shared.config import SERVICES
from shared.events.broker import bindings_for
from shared.events.contracts import CATALOG
from tests.unit.deploy.support import K8S, ROOT

COMPOSE_DEFINITIONS = json.loads((ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text())
K8S_DEFINITIONS = json.loads(
    yaml.safe_load((K8S / "rabbitmq-definitions.yaml").read_text())["data"]["definitions.json"]
)


@pytest.mark.parametrize("definitions", [COMPOSE_DEFINITIONS, K8S_DEFINITIONS])
def test_every_service_queue_is_a_durable_quorum_queue(definitions):
    queues = {queue["name"]: queue for queue in definitions["queues"]}
    assert set(queues) == {f"ordo.{service}" for service in SERVICES} | {DEAD_LETTERS}
    for queue in queues.values():
        assert queue["durable"] is True
        assert queue["auto_delete"] is False
        assert queue["arguments"] == {"x-queue-type": "quorum"}


@pytest.mark.parametrize("definitions", [COMPOSE_DEFINITIONS, K8S_DEFINITIONS])
def test_bindings_are_the_catalog_consumers_of_each_service(definitions):
    exchanges = {exchange["name"]: exchange for exchange in definitions["exchanges"]}
    exchange = exchanges["ordo.events"]
    assert (exchange["type"], exchange["durable"]) == ("topic", True)
    for service in SERVICES:
        keys = sorted(
            binding["routing_key"]
            for binding in definitions["bindings"]
            if binding["destination"] == f"ordo.{service}"
        )
        assert keys == bindings_for(service)
    assert {binding["source"] for binding in definitions["bindings"]} == {
        "ordo.events",
        DEAD_LETTERS,
    }


@pytest.mark.parametrize("definitions", [COMPOSE_DEFINITIONS, K8S_DEFINITIONS])
def test_messages_over_the_delivery_limit_are_dead_lettered_not_dropped(definitions):
    [policy] = definitions["policies"]
    assert policy["definition"]["dead-letter-exchange"] == DEAD_LETTERS
    assert policy["definition"]["dead-letter-strategy"] == "at-least-once"
    for service in SERVICES:
        assert re.fullmatch(policy["pattern"], f"ordo.{service}")
    assert not re.fullmatch(policy["pattern"], DEAD_LETTERS)
    [binding] = [b for b in definitions["bindings"] if b["source"] == DEAD_LETTERS]
    assert binding["destination"] == DEAD_LETTERS


def test_every_consumed_event_reaches_its_consumers_queue():
    for type, contract in CATALOG.items():
        for consumer in contract.consumers:
            assert type in routed_to(consumer)
    assert routed_to("orders") == sorted(CATALOG)


def test_the_compose_broker_has_a_development_user_and_the_cluster_one_has_none():
    assert [user["name"] for user in COMPOSE_DEFINITIONS["users"]] == ["ordo"]
    assert COMPOSE_DEFINITIONS["permissions"][0]["vhost"] == "/"
    assert "users" not in K8S_DEFINITIONS
    assert rabbitmq_definitions() == K8S_DEFINITIONS


@pytest.mark.parametrize(
    ("pattern", "key", "routed"),
    [
        ("ordo.#", "ordo.order.created", True),
        ("ordo.delivery.*", "ordo.delivery.accepted", True),
        ("ordo.delivery.*", "ordo.order.created", False),
        ("ordo.*", "ordo.order.created", False),
        ("#", "ordo.order.created", True),
        ("ordo.order.created", "ordo.order.created", True),
        ("ordo.order.created", "ordo.order.closed", False),
        ("ordo.#.created", "ordo.order.created", True),
    ],
)
def test_topic_patterns_route_like_rabbitmq(pattern, key, routed):
    assert topic_matches(pattern, key) is routed

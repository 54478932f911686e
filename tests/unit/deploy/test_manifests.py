"""The Kubernetes and Compose files run each service as web, worker and migration alike."""

from __future__ import annotations

import re

import pytest
import yaml

from shared.config import DEFAULT_PORTS, SERVICES
from tests.unit.deploy.support import K8S, ROOT, load_yaml_documents

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
PROCESSES = ("migrate", "web", "worker")


def k8s_resources(service: str) -> dict[tuple[str, str], dict]:
    return {
        (document["kind"], document["metadata"]["name"]): document
        for document in load_yaml_documents(K8S / f"{service}.yaml")
    }


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_manifest_is_the_orders_one_with_its_name_and_port(service):
    orders = (K8S / "orders.yaml").read_text()
    expected = (
        orders.replace("orders", service)
        .replace("ORDERS", service.upper())
        .replace(str(DEFAULT_PORTS["orders"]), str(DEFAULT_PORTS[service]))
    )
    assert (K8S / f"{service}.yaml").read_text() == expected


def test_web_deployment_probes_readiness_and_liveness_and_requests_resources():
    resources = k8s_resources("orders")
    (web,) = resources["Deployment", "orders-web"]["spec"]["template"]["spec"]["containers"]
    assert web["args"] == ["orders", "web"]
    assert web["ports"] == [{"name": "http", "containerPort": 8001}]
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert {"cpu", "memory"} <= web["resources"]["requests"].keys()
    (worker,) = resources["Deployment", "orders-worker"]["spec"]["template"]["spec"]["containers"]
    assert worker["args"] == ["orders", "worker"]
    assert {"cpu", "memory"} <= worker["resources"]["requests"].keys()
    # A worker is ready while its consumer holds a broker connection; alive while it beats.
    assert worker["ports"] == [{"name": "metrics", "containerPort": 9464}]
    assert worker["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    assert "ordo-worker.alive" in " ".join(worker["livenessProbe"]["exec"]["command"])
    (migrate,) = resources["Job", "orders-migrate"]["spec"]["template"]["spec"]["containers"]
    assert migrate["args"] == ["orders", "migrate"]


def test_service_and_autoscaler_point_at_the_web_deployment():
    resources = k8s_resources("orders")
    web = resources["Deployment", "orders-web"]
    service = resources["Service", "orders"]
    assert service["spec"]["selector"] == web["spec"]["selector"]["matchLabels"]
    target = resources["HorizontalPodAutoscaler", "orders-web"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "orders-web")


def test_pods_read_only_their_own_database_url_from_the_secret():
    secret = secret_keys()
    for service in SERVICES:
        for (kind, _name), resource in k8s_resources(service).items():
            if kind not in ("Deployment", "Job"):
                continue
            for container in resource["spec"]["template"]["spec"]["containers"]:
                keys = [
                    item["valueFrom"]["secretKeyRef"]["key"]
                    for item in container["env"]
                    if "valueFrom" in item
                ]
                assert set(keys) <= secret
                databases = [key for key in keys if key.endswith("_DATABASE_URL")]
                assert databases == [f"ORDO_{service.upper()}_DATABASE_URL"]


def test_cluster_queues_are_quorum_queues():
    config = load_yaml_documents(K8S / "config.yaml")[0]["data"]
    assert config["ORDO_QUEUE_TYPE"] == "quorum"


@pytest.mark.parametrize("service", SERVICES)
def test_compose_runs_migration_then_web_and_worker_for_each_service(service):
    services = COMPOSE["services"]
    migrate, web, worker = (services[f"{service}-{process}"] for process in PROCESSES)
    assert migrate["command"] == [service, "migrate"]
    assert web["command"] == [service, "web"]
    assert worker["command"] == [service, "worker"]
    for process in (web, worker):
        # Only the migration: it waits for both backends (so deploy/compose.host.yml can drop
        # them by resetting the migration's dependencies alone).
        assert process["depends_on"] == {
            f"{service}-migrate": {"condition": "service_completed_successfully"}
        }
        assert "healthcheck" in process
    assert migrate["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "rabbitmq": {"condition": "service_healthy"},
    }
    port = DEFAULT_PORTS[service]
    assert web["ports"] == [f"${{ORDO_{service.upper()}_PORT:-{port}}}:{port}"]
    assert f"{port}/readyz" in " ".join(web["healthcheck"]["test"])


@pytest.mark.parametrize("service", SERVICES)
def test_compose_database_urls_use_the_user_the_init_script_creates(service):
    url = COMPOSE["services"][f"{service}-web"]["environment"][
        f"ORDO_{service.upper()}_DATABASE_URL"
    ]
    user, password, database = re.fullmatch(
        r"postgresql://(\w+):(\w+)@postgres:5432/(\w+)", url
    ).groups()
    assert user == database == f"ordo_{service}"
    postgres = COMPOSE["services"]["postgres"]
    assert postgres["environment"]["ORDO_DB_PASSWORD"] == password
    script = (ROOT / "deploy" / "postgres" / "init-databases.sh").read_text()
    assert 'role="ordo_$service"' in script
    assert service in re.search(r"for service in ([\w ]+); do", script).group(1).split()


def test_compose_broker_loads_the_generated_definitions_and_has_a_health_check():
    rabbitmq = COMPOSE["services"]["rabbitmq"]
    assert any("deploy/rabbitmq/definitions.json" in volume for volume in rabbitmq["volumes"])
    assert "healthcheck" in rabbitmq
    broker_url = COMPOSE["services"]["orders-web"]["environment"]["ORDO_BROKER_URL"]
    assert broker_url == "amqp://ordo:ordo@rabbitmq:5672//"


def secret_keys() -> set[str]:
    """The keys of the Secret kustomize generates from the operator's secrets.env."""
    lines = (K8S / "secrets.env.example").read_text().splitlines()
    return {line.partition("=")[0] for line in lines if line and not line.startswith("#")}


def test_no_usable_secret_is_committed_for_the_cluster():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert kustomization["secretGenerator"] == [{"name": "ordo-secrets", "envs": ["secrets.env"]}]
    assert "deploy/k8s/secrets.env" in (ROOT / ".gitignore").read_text().splitlines()
    example = dict(
        line.partition("=")[::2]
        for line in (K8S / "secrets.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    secrets = ("ORDO_JWT_SECRET", "ORDO_PORTAL_SECRET")
    assert all(example[key] == "" for key in secrets)
    assert all("<password>" in value for key, value in example.items() if key not in secrets)


def test_compose_requires_the_jwt_secret_as_input():
    environment = COMPOSE["x-ordo-environment"]
    assert environment["ORDO_JWT_SECRET"].startswith("${ORDO_JWT_SECRET:?")
    assert environment["ORDO_PORTAL_SECRET"].startswith("${ORDO_PORTAL_SECRET:?")

"""`podman kube play` of what podman runs of deploy/k8s: the ConfigMap, a Secret like the one
kustomize makes, each service's Deployments (web and worker) and its migration Job's pod spec,
run as a Pod, against the machine's PostgreSQL and RabbitMQ, reaching ready.

What podman cannot run stays validated statically (tests/unit/deploy): the Services and the
Ingress (no cluster network; the pods use the host's), the HorizontalPodAutoscalers, the Jobs
as Jobs (their pod spec runs here as a Pod), the kustomization itself, and the readiness probes
(podman 4 ignores them; this test polls /readyz instead).
"""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
from collections.abc import Iterator

import pytest
import yaml

from shared.config import SERVICES
from tests.containers.deployment import site
from tests.containers.podman import FIGURES, IMAGE, ROOT, Container, podman, wait_ready

pytestmark = pytest.mark.skipif(
    os.environ.get("ORDO_IMAGE_TEST_ALL") != "1", reason="`make image-test` plays deploy/k8s"
)

WEB_PORTS = dict(zip(SERVICES, range(9761, 9765), strict=True))
WORKER_PORTS = dict(zip(SERVICES, range(9771, 9775), strict=True))
SMTP_PORT = 9780
CONF = {**os.environ, "CONTAINERS_CONF": str(ROOT / "deploy" / "podman" / "containers.conf")}


def kube(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["podman", "kube", *args], env=CONF, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def manifests(environment: dict[str, str]) -> tuple[list[dict], list[dict], dict]:
    """(the migration pods, the ConfigMap and Deployments, the Secret) from deploy/k8s, pointed
    at here. podman 4 reads a Secret from its own secret store, as the Secret's JSON."""
    k8s = ROOT / "deploy" / "k8s"
    config = yaml.safe_load((k8s / "config.yaml").read_text())
    secret_keys = [
        line.split("=", 1)[0]
        for line in (k8s / "secrets.env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    ]
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "ordo-secrets"},
        "data": {
            key: base64.b64encode(environment[key].encode()).decode()
            for key in secret_keys
            if key in environment
        },
    }
    config["data"] |= {
        key: value
        for key, value in environment.items()
        if key not in secret["data"] and key != "ORDO_VAR_DIR"
    }
    config["data"].pop("ORDO_WORKER_METRICS_PORT", None)  # one port per worker on one host
    migrations, deployments = [], []
    for service in SERVICES:
        for manifest in yaml.safe_load_all((k8s / f"{service}.yaml").read_text()):
            if manifest["kind"] not in ("Deployment", "Job"):
                continue
            pod = copy.deepcopy(manifest["spec"]["template"])
            pod["spec"]["hostNetwork"] = True
            for container in pod["spec"]["containers"]:
                container["image"] = IMAGE
                container.pop("readinessProbe", None)
                # The host's network: no port mappings, the probe on the port itself.
                container.pop("ports", None)
                if "httpGet" in container.get("livenessProbe", {}):
                    container["livenessProbe"]["httpGet"]["port"] = WEB_PORTS[service]
                if container["name"] == "worker":
                    port = WORKER_PORTS[service]
                    container["env"].append(
                        {"name": "ORDO_WORKER_METRICS_PORT", "value": str(port)}
                    )
            if manifest["kind"] == "Job":
                pod = {"apiVersion": "v1", "kind": "Pod", **pod}
                pod["metadata"]["name"] = manifest["metadata"]["name"]
                migrations.append(pod)
            else:
                manifest["spec"]["replicas"] = 1  # one per host port
                manifest["spec"]["template"] = pod
                deployments.append(manifest)
    return migrations, [config, *deployments], secret


@pytest.fixture(scope="module")
def played(image, tmp_path_factory) -> Iterator[dict[str, Container]]:
    root = tmp_path_factory.mktemp("kube")
    with site(root, SMTP_PORT) as where:
        environment = where.environment(WEB_PORTS) | {"ORDO_BROKER_URL": where.backend.broker_url}
        migrations, rest, secret = manifests(environment)
        (root / "migrate.yaml").write_text(yaml.safe_dump_all([rest[0], *migrations]))
        (root / "ordo.yaml").write_text(yaml.safe_dump_all(rest))
        (root / "secret.json").write_text(json.dumps(secret["data"]))
        subprocess.run(["podman", "secret", "rm", "ordo-secrets"], capture_output=True)
        try:
            podman("secret", "create", "ordo-secrets", str(root / "secret.json"))
            kube("play", str(root / "migrate.yaml"))
            for pod in migrations:
                name = f"{pod['metadata']['name']}-migrate"
                waited = subprocess.run(["podman", "wait", name], capture_output=True, text=True)
                assert waited.stdout.strip() == "0", name
            podman("pod", "rm", "--force", *(f"{s}-migrate" for s in SERVICES))
            kube("play", str(root / "ordo.yaml"))
            ports = {"web": WEB_PORTS, "worker": WORKER_PORTS}
            containers = {
                f"{service}-{component}": Container(
                    f"{service}-{component}-pod-0-{component}",
                    f"http://127.0.0.1:{ports[component][service]}",
                )
                for service in SERVICES
                for component in ("web", "worker")
            }
            wait_ready(containers, 120)
            yield containers
        finally:
            pods = [f"{s}-{c}-pod-0" for s in SERVICES for c in ("web", "worker")]
            podman("pod", "rm", "--force", "--ignore", *pods, *(f"{s}-migrate" for s in SERVICES))
            podman("secret", "rm", "ordo-secrets", check=False)


def test_the_deployments_reach_ready_under_podman_kube_play(played):
    for key, container in played.items():
        FIGURES[f"kube play ready: {key}"] = f"{container.ready_after:.1f} s"
        assert container.exec("id", "-u").stdout.strip() == "10001", key
        assert "Read-only" in container.exec("touch", "/app/x").stderr, key

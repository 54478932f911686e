"""The container and cluster files pass the same validators CI runs, all offline."""

from __future__ import annotations

from tests.unit.deploy.support import K8S, ROOT, kustomization_resources, run, tool


def test_compose_file_follows_the_compose_specification():
    result = run(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.compose-spec",
        str(ROOT / "docker-compose.yml"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_passes_hadolint():
    result = run(tool("hadolint"), "--no-color", str(ROOT / "deploy" / "Dockerfile"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_kubernetes_resource_is_valid_against_the_api_schemas():
    resources = kustomization_resources()
    result = run(tool("kubernetes-validate"), "--strict", *map(str, resources))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed for resource") >= len(resources)


def test_kustomization_lists_every_manifest_in_the_folder():
    manifests = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert {path.name for path in kustomization_resources()} == manifests

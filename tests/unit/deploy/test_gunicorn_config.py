"""deploy/gunicorn.conf.py takes its sizes and timeouts from the environment."""

from __future__ import annotations

import json
import runpy

import pytest
import yaml

from tests.unit.deploy.support import ROOT

CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


@pytest.fixture(autouse=True)
def metrics_directory_of_this_test(monkeypatch, tmp_path):
    """The config sets PROMETHEUS_MULTIPROC_DIR when it is unset; run in-process, that would
    turn later tests' /metrics into an empty multiprocess collection."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))


def test_workers_threads_and_timeouts_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ORDO_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("ORDO_WEB_WORKERS", "3")
    monkeypatch.setenv("ORDO_WEB_THREADS", "6")
    monkeypatch.setenv("ORDO_WEB_GRACEFUL_TIMEOUT", "12")
    settings = runpy.run_path(str(CONFIG))
    assert (settings["bind"], settings["workers"], settings["threads"]) == ("127.0.0.1:9001", 3, 6)
    assert settings["graceful_timeout"] == 12
    assert settings["control_socket_disable"] is True


def test_access_log_lines_are_json():
    settings = runpy.run_path(str(CONFIG))
    atoms = {"t": "[26/Nov/2026:21:00:00 +0000]", "h": "10.0.0.1", "m": "GET", "U": "/orders"}
    atoms |= {"s": "200", "B": "512", "M": "7", "{x-request-id}o": "abc"}
    line = settings["access_log_format"] % atoms
    assert json.loads(line)["path"] == "/orders"


def test_access_log_lines_mask_the_token_of_a_customers_link():
    from types import SimpleNamespace

    from gunicorn.config import Config

    settings = runpy.run_path(str(CONFIG))
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    logger = settings["logger_class"](Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/acceptance/{token}",
        "PATH_INFO": f"/acceptance/{token}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "",
        "HTTP_REFERER": f"https://ordo.example/surveys/by-token/{token}",
    }
    response = SimpleNamespace(status="201 CREATED", headers=[("X-Request-Id", "abc")], sent=2)
    elapsed = SimpleNamespace(seconds=0, microseconds=7000)
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, elapsed)
    line = settings["access_log_format"] % atoms
    assert json.loads(line)["path"] == "/acceptance/[redacted]"
    assert token not in line
    assert not any(token in str(value) for value in atoms.values())


def test_a_web_stop_fits_the_grace_period_of_kubernetes_and_compose():
    """preStop's pause and gunicorn's graceful stop end before the kubelet's SIGKILL; compose
    (no preStop) gives at least as long."""
    graceful = runpy.run_path(str(CONFIG))["graceful_timeout"]
    for service in ("orders", "planning", "delivery", "feedback"):
        for manifest in yaml.safe_load_all(
            (ROOT / "deploy" / "k8s" / f"{service}.yaml").read_text()
        ):
            if manifest["kind"] == "Deployment" and manifest["metadata"]["name"].endswith("-web"):
                pod = manifest["spec"]["template"]["spec"]
                pause = int(pod["containers"][0]["lifecycle"]["preStop"]["exec"]["command"][-1])
                assert pause + graceful < pod["terminationGracePeriodSeconds"], service
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grace = compose["x-ordo-process"]["stop_grace_period"]
    assert graceful < int(grace.rstrip("s")), grace


def test_a_worker_moves_its_built_app_out_of_the_collectors_sight():
    import gc

    settings = runpy.run_path(str(CONFIG))
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

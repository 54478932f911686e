"""deploy/prometheus/alerts.yaml and deploy/grafana/ordo-dashboard.json: well formed, and every
metric they query is one a worker or a web process exposes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from prometheus_client import REGISTRY

import shared.events.telemetry  # noqa: F401  (registers the worker's event metrics)
import shared.http.operations  # noqa: F401  (registers the web process's metrics)
from shared.db import Database, infrastructure_tables
from shared.worker_metrics import TableCollector

ROOT = Path(__file__).resolve().parents[3]
ALERTS = ROOT / "deploy/prometheus/alerts.yaml"
DASHBOARD = ROOT / "deploy/grafana/ordo-dashboard.json"
METRIC = re.compile(r"\bordo_[a-z0-9_]+")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


@pytest.fixture(scope="module")
def exposed(tmp_path_factory) -> set[str]:
    """The sample names a worker's /metrics and a web process's /metrics can hold."""
    metadata = sa.MetaData()
    infrastructure_tables(metadata)
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('metrics')}/w.db", metadata, "orders")
    db.create_all()
    families = [*REGISTRY.collect(), *TableCollector(db, "orders", lambda: True).collect()]
    db.dispose()
    return {
        family.name + suffix for family in families for suffix in SUFFIXES.get(family.type, ("",))
    }


def queries() -> list[str]:
    rules = [
        rule["expr"]
        for group in yaml.safe_load(ALERTS.read_text())["groups"]
        for rule in group["rules"]
    ]
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return rules + [target["expr"] for panel in panels for target in panel["targets"]]


def test_every_metric_the_alerts_and_the_dashboard_query_exists(exposed):
    used = {name for expr in queries() for name in METRIC.findall(expr)}
    assert used, "no Ordo metric is queried"
    assert used <= exposed, sorted(used - exposed)


def test_the_alerts_cover_dead_events_a_stuck_outbox_and_a_consumer_that_is_down():
    rules = {
        rule["alert"]: rule for rule in yaml.safe_load(ALERTS.read_text())["groups"][0]["rules"]
    }
    assert "ordo_inbox_dead_events" in rules["OrdoDeadEvents"]["expr"]
    assert rules["OrdoDeadEvents"]["expr"].endswith("> 0")
    assert re.search(
        r"ordo_outbox_oldest_age_seconds\)\s*>\s*60$", rules["OrdoOutboxStuck"]["expr"]
    )
    assert "ordo_consumer_up" in rules["OrdoConsumerDown"]["expr"]
    for rule in rules.values():
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        assert re.fullmatch(r"\d+[smh]", rule["for"])


def test_the_dashboard_is_grafana_json_with_one_query_per_panel():
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["title"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)) >= 10
    for panel in dashboard["panels"]:
        assert panel["targets"] and all(target["expr"].strip() for target in panel["targets"])
        assert panel["datasource"]["type"] == "prometheus"


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool is not installed")
def test_promtool_accepts_the_alert_rules():
    result = subprocess.run(
        ["promtool", "check", "rules", str(ALERTS)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


PROMETHEUS = ROOT / "deploy/prometheus/prometheus.yml"


def test_the_scrape_config_loads_the_rules_and_scrapes_every_web_process_and_worker():
    config = yaml.safe_load(PROMETHEUS.read_text())
    assert config["rule_files"] == ["alerts.yaml"]  # beside it
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    targets = {
        name: [target for group in job["static_configs"] for target in group["targets"]]
        for name, job in jobs.items()
    }
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    worker_port = compose["x-ordo-environment"]["ORDO_WORKER_METRICS_PORT"]
    for service, port in (
        ("orders", 8001),
        ("planning", 8002),
        ("delivery", 8003),
        ("feedback", 8004),
    ):
        assert f"{service}-web:{port}" in targets["ordo-web"]
        assert f"{service}-worker:{worker_port}" in targets["ordo-worker"]
        assert (
            f"{service}-web" in compose["services"] and f"{service}-worker" in compose["services"]
        )
    # The alert on a failing worker scrape names this job.
    assert 'job="ordo-worker"' in ALERTS.read_text()


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool is not installed")
def test_promtool_accepts_the_scrape_config():
    result = subprocess.run(
        ["promtool", "check", "config", "--syntax-only", str(PROMETHEUS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr

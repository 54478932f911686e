"""`ordo demo --agile` on real backends: three increments, the second rejected once and
reworked, the order accepted only after the third, then the survey and the retrospective."""

import json

import pytest

from shared.agile_demo import AgileDemo
from shared.demo import report
from tests.backends import provide_backend
from tests.conftest import REAL_BACKENDS
from tests.helpers import JWT_SECRET
from tests.suite import running_suite


@pytest.fixture
def real_suite(tmp_path, monkeypatch):
    if not REAL_BACKENDS:
        pytest.skip("PostgreSQL and RabbitMQ are not reachable here")
    # Twelve processes start on a shared machine: give them more than the suite's default.
    monkeypatch.setattr("tests.suite.STARTUP_SECONDS", 600)
    for backend in provide_backend(True, tmp_path, monkeypatch):
        with running_suite(backend, ORDO_WEB_WORKERS="1") as suite:
            yield suite


def test_three_increments_one_rejected_once_then_final_acceptance_closes_the_order(real_suite):
    demo = AgileDemo(
        real_suite.urls, JWT_SECRET, timeout=30, say=print, mail_dir=real_suite.mail_dir
    )
    result = demo.run()
    print(report(result))

    assert result.statuses["order"] == "closed"
    assert result.statuses["plan"] == "completed"
    assert result.statuses["deliverables"] == ["accepted"] * 3
    assert sorted(result.statuses["deliveries"]) == ["accepted"] * 3 + ["rejected"]
    assert result.statuses["pulse_surveys_answered"] == 2
    assert result.statuses["surveys_answered"] == 1
    assert result.statuses["retrospective"] == "completed"
    assert result.statuses["close_refused"] == 409
    assert [r["standing"] for r in demo.refused_close["unfinished_requirements"]] == [
        "rejected",
        "outstanding",
    ]

    types = [entry["type"] for entry in result.timeline]
    assert types.count("ordo.increment.planned") >= 3
    assert types.count("ordo.increment.completed") == 3
    assert types.count("ordo.delivery.accepted") == 3
    assert types.count("ordo.delivery.rejected") == 1
    # The order was accepted once, by the third increment's acceptance: the survey came after.
    accepted = [i for i, t in enumerate(types) if t == "ordo.delivery.accepted"]
    assert types.index("ordo.survey.sent") > accepted[-1]
    assert types.index("ordo.retrospective.completed") > types.index("ordo.survey.sent")
    partial = [e["summary"] for e in result.timeline if "partial delivery" in e["summary"]]
    assert partial, json.dumps(result.timeline, indent=1)
    assert result.traceability["delivery_progress"]["accepted"] == 3

    assert result.kpis["package_first_pass_rate"] == 75.0  # 3 of 4 decided packages
    assert result.kpis["velocity_hours"] is not None
    assert result.kpis["increments_on_time_rate"] == 100.0
    assert result.kpis["accepted_count"] == 1

"""`ordo demo` drives one order from draft to closed across the running suite, in both modes."""

import json
import re
from pathlib import Path

from shared.demo import Demo, report
from tests.helpers import JWT_SECRET

# The story's milestones, in the order they must appear on the order's timeline.
KEY_EVENTS = [
    "ordo.order.created",
    "ordo.order.confirmed",
    "ordo.plan.created",
    "ordo.plan.activated",
    "ordo.meeting.scheduled",
    "ordo.meeting.minutes_published",
    "ordo.status_report.published",
    "ordo.quality_check.failed",
    "ordo.delivery.submitted",
    "ordo.delivery.accepted",
    "ordo.survey.sent",
    "ordo.feedback.received",
    "ordo.retrospective.completed",
    "ordo.order.closed",
]


def test_one_order_goes_from_draft_to_closed_with_a_reworked_check_and_every_criterion_met(
    suite,
):
    result = Demo(suite.urls, JWT_SECRET, timeout=30, say=print, mail_dir=suite.mail_dir).run()
    print(report(result))

    assert result.statuses["order"] == "closed"
    assert result.statuses["plan"] == "completed"
    assert result.statuses["deliverables"] == ["accepted", "accepted"]
    assert result.statuses["deliveries"] == ["accepted"]
    assert result.statuses["surveys_answered"] == 1
    assert result.statuses["retrospective"] == "completed"

    # The links reached the customer by mail only: the timeline staff read holds none.
    timeline = json.dumps(result.timeline)
    assert "/acceptance/" not in timeline and "/surveys/by-token/" not in timeline

    types = [entry["type"] for entry in result.timeline]
    assert [key for key in KEY_EVENTS if key not in types] == [], types
    assert [types.index(key) for key in KEY_EVENTS] == sorted(
        types.index(key) for key in KEY_EVENTS
    ), types
    assert types.count("ordo.plan.completed") == 2  # once, and again after the rework

    requirements = result.traceability["requirements"]
    assert len(requirements) == 2
    for requirement in requirements:
        assert requirement["task_ids"]
        assert requirement["deliverable"]["quality_status"] == "passed"
        assert {criterion["acceptance"] for criterion in requirement["criteria"]} == {"met"}
    assert sum(len(requirement["criteria"]) for requirement in requirements) == 3

    assert result.kpis["order_count"] == 1
    assert result.kpis["orders_by_status"]["closed"] == 1
    assert result.kpis["accepted_count"] == 1
    assert result.kpis["feedback_count"] == 1
    assert result.kpis["first_pass_acceptance_rate"] == 100.0
    assert result.kpis["csat"] == 100.0 and result.kpis["nps"] == 100.0

    assert_no_secret_in(suite.log)


# What no log line may hold: a token (links' and bearer tokens are JWTs), a customer's link with
# its token, a bearer credential, a password in a URL (kombu prints its own as **).
LEAKS = {
    "a token": re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "a link": re.compile(
        r"/(?:acceptance|surveys/by-token|portal/sign-in)/(?!\[redacted\])[^\s\"'?/]+"
    ),
    "a bearer credential": re.compile(r"Bearer (?!\[redacted\])[^\s\"]+"),
    "a URL password": re.compile(r"://[^/\s:@\"]+:(?!\[redacted\]|\*\*)[^@\s\"/]+@"),
}


def assert_no_secret_in(log: Path) -> None:
    """Every process's log of the whole run: JSON lines with ids, and no secret or link."""
    text = log.read_text()
    lines = [line for line in text.splitlines() if line.startswith("{")]
    assert len(lines) > 50, text[-2000:]  # the run was logged
    records = [record for line in lines if (record := _json(line)) is not None]
    assert any(record.get("request_id") for record in records)
    assert JWT_SECRET not in text
    for what, pattern in LEAKS.items():
        found = pattern.findall(text)
        assert not found, f"{what} in the logs: {found[:3]}"


def _json(line: str) -> dict | None:
    try:
        return json.loads(line)
    except ValueError:
        return None

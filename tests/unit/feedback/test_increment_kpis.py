"""KPIs of iterative delivery: first pass per package, velocity, increments on time, and an
order accepted only by its final acceptance."""

from datetime import UTC, datetime, timedelta

from services.feedback.domain.kpis import apply_event, compute_kpis

T0 = datetime(2027, 1, 4, 9, tzinfo=UTC)
ORDER = "00000000-0000-4000-8000-000000000017"


def fold(events):
    facts = {}
    for offset, (event_type, data) in enumerate(events):
        apply_event(facts, event_type, {"order_id": ORDER, **data}, T0 + timedelta(days=offset))
    return facts


def agile_case():
    return fold(
        [
            ("ordo.order.created", {"due_date": "2027-03-01"}),
            (
                "ordo.increment.completed",
                {"increment_id": "i1", "on_time": True, "effort_hours": 40},
            ),
            ("ordo.delivery.submitted", {"package_version": 1, "final": False}),
            (
                "ordo.delivery.accepted",
                {
                    "package_version": 1,
                    "final": False,
                    "decision": "accepted",
                    "increment_id": "i1",
                },
            ),
            (
                "ordo.increment.completed",
                {"increment_id": "i2", "on_time": False, "effort_hours": 24},
            ),
            ("ordo.delivery.submitted", {"package_version": 2, "final": False}),
            ("ordo.delivery.rejected", {"package_version": 2, "final": False}),
            ("ordo.delivery.submitted", {"package_version": 3, "final": False}),
            (
                "ordo.delivery.accepted",
                {"package_version": 3, "final": False, "decision": "conditionally_accepted"},
            ),
            (
                "ordo.increment.completed",
                {"increment_id": "i3", "on_time": True, "effort_hours": 32},
            ),
            ("ordo.delivery.submitted", {"package_version": 4, "final": True}),
            (
                "ordo.delivery.accepted",
                {"package_version": 4, "final": True, "decision": "accepted"},
            ),
        ]
    )


def test_conditional_and_rejected_packages_are_not_first_pass():
    kpis = compute_kpis(agile_case())
    assert kpis.package_first_pass_rate == 50.0  # v1 and v4 of four decided packages


def test_velocity_and_increments_on_time_come_from_completed_increments():
    kpis = compute_kpis(agile_case())
    assert kpis.velocity_hours == 32.0
    assert kpis.increments_on_time_rate == 66.7


def test_an_order_is_accepted_only_by_its_final_acceptance():
    facts = agile_case()[ORDER]
    assert facts.accepted_at == T0 + timedelta(days=11)
    assert facts.delivered_at == T0 + timedelta(days=10)
    assert facts.accepted_increments == {"i1"}
    partial = fold([("ordo.delivery.accepted", {"package_version": 1, "final": False})])
    assert partial[ORDER].accepted_at is None and partial[ORDER].status == "draft"

"""KPIs from a scripted stream with duplicates and late arrivals, checked against hand figures."""

import random
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest

from tests.helpers import api_path, auth, deliver, event, link_in, mailed
from tests.services.feedback.feedback_scenario import (
    accepted,
    confirmed,
    rejected,
    stamp,
    submitted,
)

ACME = "4d2c1a4e-0000-4000-8000-00000000000a"
OTHER = "4d2c1a4e-0000-4000-8000-00000000000b"
A = "0a000000-0000-4000-8000-00000000000a"
B = "0b000000-0000-4000-8000-00000000000b"
C = "0c000000-0000-4000-8000-00000000000c"
NUMBERS = {A: "ORD-2026-00001", B: "ORD-2026-00002", C: "ORD-2026-00003"}
CUSTOMER = {A: ACME, B: OTHER, C: ACME}
CR1 = "c1000000-0000-4000-8000-000000000001"


def at(month: int, day: int, hour: int = 9) -> str:
    return stamp(datetime(2026, month, day, hour, tzinfo=UTC))


def created(order, due=None):
    return {
        "order_id": order,
        "version": 1,
        "number": NUMBERS[order],
        "customer_id": CUSTOMER[order],
        "title": "Retrofit",
        "priority": "normal",
        "due_date": due,
    }


def plan(order, **data):
    return {"order_id": order, "plan_id": order, **data}


def change(order, new_due):
    return {
        "order_id": order,
        "change_request_id": CR1,
        "changes": [],
        "schedule_impact_days": 10,
        "cost_impact": {"amount": "0.00", "currency": "EUR"},
        "new_due_date": new_due,
        "reason": "More belts",
    }


def rebaselined(order, slip):
    return plan(
        order,
        baseline_number=2,
        finish_date="2026-02-20",
        previous_finish_date="2026-02-10",
        slip_days=slip,
        reason="Rework",
    )


def customer(customer_id, name):
    contact = {"customer_id": customer_id, "name": name, "email": "buyer@customer.example"}
    return event("ordo.customer.registered", contact)


def script():
    """The stream as the broker hands it over; the comments say what is unusual."""
    change_once = event("ordo.order.change_approved", change(A, "2026-02-25"), time=at(1, 20))
    rejection = event("ordo.delivery.rejected", rejected(B), time=at(2, 7))
    return [
        customer(ACME, "Acme GmbH"),
        customer(OTHER, "Other AG"),
        # A: due date moved by a change request; accepted on time at the first attempt.
        event("ordo.order.created", created(A, "2026-02-20"), time=at(1, 5)),
        event("ordo.order.confirmed", confirmed(A, ACME, NUMBERS[A], "2026-02-15"), time=at(1, 7)),
        event(
            "ordo.plan.activated",
            plan(A, baseline_number=1, start_date="2026-01-09", finish_date="2026-02-15"),
            time=at(1, 9),
        ),
        change_once,
        change_once,  # redelivered: the inbox drops it
        event("ordo.order.change_approved", change(A, "2026-02-25"), time=at(1, 20)),  # re-sent
        event("ordo.delivery.accepted", accepted(A), time=at(2, 23)),  # before its submission
        event("ordo.delivery.submitted", submitted(A), time=at(2, 19)),
        # B: rejected once, accepted late; an older rebaseline arrives after a newer one.
        event("ordo.order.created", created(B), time=at(1, 12)),
        event(
            "ordo.order.confirmed", confirmed(B, OTHER, NUMBERS[B], "2026-02-10"), time=at(1, 14)
        ),
        event(
            "ordo.plan.activated",
            plan(B, baseline_number=1, start_date="2026-01-15", finish_date="2026-02-10"),
            time=at(1, 15),
        ),
        event("ordo.delivery.submitted", submitted(B), time=at(2, 5)),
        rejection,
        rejection,
        event("ordo.plan.rebaselined", rebaselined(B, 4), time=at(2, 8)),
        event("ordo.plan.rebaselined", rebaselined(B, 2), time=at(2, 6)),
        event("ordo.delivery.submitted", submitted(B, 2), time=at(2, 12)),
        event("ordo.delivery.accepted", accepted(B, 2), time=at(2, 14)),
        # C: created in February, cancelled.
        event("ordo.order.created", created(C), time=at(2, 3)),
        event("ordo.order.confirmed", confirmed(C, ACME, NUMBERS[C]), time=at(2, 4)),
        event(
            "ordo.order.cancelled",
            {"order_id": C, "reason": "Budget", "previous_status": "confirmed"},
            time=at(2, 10),
        ),
    ]


ANSWERS = {A: {"csat": 5, "nps": 10}, B: {"csat": 2, "nps": 6}}


def run(app, stream):
    for envelope in stream:
        deliver(app, envelope)
    client = app.test_client()
    for mail in mailed(app, "survey"):
        path = api_path(link_in(mail.text_body))
        assert client.post(path, json=ANSWERS[str(mail.order_id)]).status_code == 201
    return client.get("/kpis", headers=auth("manager")).get_json()


@pytest.fixture
def report(make_app):
    return run(make_app("feedback"), script())


def test_the_overall_kpis_match_the_hand_computed_figures(report):
    assert report["overall"] == {
        "order_count": 3,
        "orders_by_status": {
            "draft": 0,
            "confirmed": 0,
            "in_progress": 0,
            "delivered": 0,
            "accepted": 2,
            "closed": 0,
            "cancelled": 1,
        },
        "accepted_count": 2,
        "on_time_rate": 50.0,  # A on 23 Feb by the moved 25 Feb; B on 14 Feb, due 10 Feb
        "first_pass_acceptance_rate": 50.0,  # B was rejected once
        "change_requests_per_order": 0.3,  # one change request (sent three times) over 3
        "mean_stage_days": {
            "created_to_confirmed": 1.7,  # (2 + 2 + 1) / 3
            "confirmed_to_activated": 1.5,  # (2 + 1) / 2
            "activated_to_delivered": 31.0,  # (41 + 21) / 2, B's first submission
            "delivered_to_accepted": 6.5,  # (4 + 9) / 2
            "accepted_to_closed": None,
        },
        "mean_schedule_slip_days": 2.0,  # A 0, B 4 (the newer rebaseline wins)
        "feedback_count": 2,
        "csat": 50.0,  # one of two answers is 4-5
        "nps": 0.0,  # one promoter, one detractor
        "package_first_pass_rate": 66.7,  # A's package and B's second of three decided
        "velocity_hours": None,  # no increments
        "increments_on_time_rate": None,
    }


def test_kpis_by_month_count_orders_in_their_creation_month(report):
    months = {row["month"]: row["kpis"] for row in report["by_month"]}
    assert set(months) == {"2026-01", "2026-02"}
    assert months["2026-01"]["order_count"] == 2
    assert months["2026-01"]["on_time_rate"] == 50.0
    february = months["2026-02"]
    assert february["orders_by_status"]["cancelled"] == 1
    # No answers means no score, not zero.
    assert (february["csat"], february["nps"], february["on_time_rate"]) == (None, None, None)


def test_kpis_by_customer_name_the_customer(report):
    customers = {row["customer_name"]: row["kpis"] for row in report["by_customer"]}
    assert customers["Acme GmbH"]["order_count"] == 2
    assert customers["Acme GmbH"]["change_requests_per_order"] == 0.5
    assert (customers["Acme GmbH"]["csat"], customers["Acme GmbH"]["nps"]) == (100.0, 100.0)
    assert (customers["Other AG"]["csat"], customers["Other AG"]["nps"]) == (0.0, -100.0)
    assert customers["Other AG"]["on_time_rate"] == 0.0


def test_the_same_events_in_another_order_give_the_same_kpis(make_app, tmp_path, report):
    shuffled = script()
    random.Random(7).shuffle(shuffled)
    for name, stream in (("shuffled", shuffled), ("reversed", list(reversed(script())))):
        # make_app gives one database per service; each run needs its own.
        app = make_app("feedback", database_url=f"sqlite:///{tmp_path / name}.db")
        assert run(app, stream) == report


def test_the_read_model_keeps_the_status_history_whatever_the_arrival_order(make_app):
    app = make_app("feedback")
    for envelope in reversed(script()):
        deliver(app, envelope)

    order = app.test_client().get(f"/orders/{B}", headers=auth("planner")).get_json()

    assert [change["status"] for change in order["status_history"]] == [
        "draft",
        "confirmed",
        "in_progress",
        "delivered",
        "in_progress",
        "delivered",
        "accepted",
    ]
    assert order["due_date"] == "2026-02-10"
    assert order["customer_name"] == "Other AG"
    assert order["schedule_slip_days"] == 4


def test_kpis_can_be_limited_to_a_customer_and_months(make_app):
    app = make_app("feedback")
    for envelope in script():
        deliver(app, envelope)
    client = app.test_client()

    february = client.get("/kpis?from_month=2026-02&to_month=2026-02", headers=auth("manager"))
    acme = client.get(f"/kpis?customer_id={ACME}", headers=auth("manager"))

    assert february.get_json()["overall"]["order_count"] == 1
    assert acme.get_json()["overall"]["order_count"] == 2
    assert client.get("/kpis?from_month=2026-13", headers=auth("manager")).status_code == 422
    assert client.get("/kpis", headers=auth("customer", customer_id=ACME)).status_code == 403


def test_the_trend_and_the_chart_cover_the_recent_months(make_app):
    app = make_app("feedback")
    deliver(app, customer(ACME, "Acme GmbH"))
    deliver(app, event("ordo.order.created", created(A)))
    client = app.test_client()

    trend = client.get("/kpis/trend?months=6", headers=auth("manager")).get_json()
    chart = client.get(f"/kpis/chart.svg?customer_id={ACME}", headers=auth("manager"))

    assert len(trend) == 6
    assert trend[-1]["month"] == datetime.now(UTC).strftime("%Y-%m")
    assert trend[-1]["kpis"]["order_count"] == 1
    assert chart.mimetype == "image/svg+xml"
    svg = ElementTree.fromstring(chart.data)
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "Delivery performance: Acme GmbH"

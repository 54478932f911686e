"""Communication KPIs folded from the planning service's events: meetings held vs planned,
action items closed on time, status reports per active order-week; redeliveries count once."""

import uuid
from datetime import UTC, date, datetime, timedelta

from tests.helpers import auth, deliver, event
from tests.services.feedback.feedback_scenario import confirmed, send

ORDER = str(uuid.uuid4())
CUSTOMER = str(uuid.uuid4())
PLAN = str(uuid.uuid4())


def about(**data):
    return {"order_id": ORDER, "plan_id": PLAN, "version": 2, **data}


def test_communication_kpis_count_each_meeting_item_and_report_once(make_app):
    app = make_app("feedback")
    now = datetime.now(UTC)
    today = date.today()
    weeks_ago = now - timedelta(weeks=4)
    send(app, "ordo.order.confirmed", confirmed(ORDER, CUSTOMER), at=weeks_ago)
    send(
        app,
        "ordo.plan.activated",
        about(
            baseline_number=1,
            start_date=str(weeks_ago.date()),
            finish_date=str(today + timedelta(days=30)),
        ),
        at=weeks_ago,
    )
    meetings = [str(uuid.uuid4()) for _ in range(3)]
    starts = [now - timedelta(days=14), now - timedelta(days=7), now + timedelta(days=7)]
    scheduled = event(
        "ordo.meeting.scheduled",
        about(
            meeting_id=meetings[0],
            kind="status",
            title="Weekly status",
            starts_at=starts[0].isoformat(),
            recurrence="FREQ=WEEKLY;COUNT=3",
            occurrences=[
                {"meeting_id": m, "starts_at": s.isoformat()}
                for m, s in zip(meetings, starts, strict=True)
            ],
            staff_attendees=2,
            customer_attendees=1,
        ),
    )
    items = [str(uuid.uuid4()) for _ in range(3)]
    due = [today - timedelta(days=10), today - timedelta(days=3), today + timedelta(days=5)]
    minutes = event(
        "ordo.meeting.minutes_published",
        about(
            meeting_id=meetings[0],
            kind="status",
            title="Weekly status",
            held_at=starts[0].isoformat(),
            decisions=[],
            action_items=[
                {
                    "action_item_id": item,
                    "title": f"Item {n}",
                    "owner": "bob",
                    "due_date": str(day),
                    "internal": False,
                }
                for n, (item, day) in enumerate(zip(items, due, strict=True))
            ],
        ),
    )
    closed = event(
        "ordo.action_item.closed",
        about(
            action_item_id=items[0],
            meeting_id=meetings[0],
            title="Item 0",
            due_date=str(due[0]),
            status="done",
            closed_on=str(due[0] - timedelta(days=1)),
            on_time=True,
        ),
    )
    overdue = event(
        "ordo.action_item.overdue",
        about(
            action_item_id=items[1],
            meeting_id=meetings[0],
            title="Item 1",
            due_date=str(due[1]),
            owner="bob",
        ),
    )
    reports = [
        event(
            "ordo.status_report.published",
            about(
                status_report_id=str(uuid.uuid4()),
                number=n,
                status_date=str(today - timedelta(days=7 * (2 - n))),
                rag="green",
                reasons=[],
                percent_complete=10.0 * n,
                open_issues=0,
                open_action_items=1,
                mailed_to=1,
            ),
        )
        for n in (1, 2)
    ]
    for envelope in (scheduled, minutes, closed, overdue, *reports):
        assert deliver(app, envelope) == "processed"
    for envelope in (scheduled, minutes, *reports):  # redelivered: nothing counts twice
        assert deliver(app, envelope) != "failed"
    kpis = app.test_client().get("/kpis/communication", headers=auth("manager")).json
    assert kpis["meetings_planned"] == 2 and kpis["meetings_held"] == 1
    assert kpis["meetings_held_pct"] == 50.0
    assert kpis["action_items_due"] == 2 and kpis["action_items_closed_on_time"] == 1
    assert kpis["action_items_on_time_pct"] == 50.0 and kpis["action_items_overdue_open"] == 1
    assert kpis["status_reports_published"] == 2
    assert 3.9 <= kpis["active_order_weeks"] <= 4.1
    assert kpis["status_reports_per_order_week"] == 0.5
    only_other = (
        app.test_client()
        .get(f"/kpis/communication?customer_id={uuid.uuid4()}", headers=auth("manager"))
        .json
    )
    assert (
        only_other["meetings_planned"] == 0 and only_other["status_reports_per_order_week"] is None
    )
    refused = app.test_client().get("/kpis/communication", headers=auth("customer", CUSTOMER))
    assert refused.status_code == 403


def test_a_cancelled_meeting_is_no_longer_planned_however_often_or_early_it_is_heard(make_app):
    app = make_app("feedback")
    now = datetime.now(UTC)
    send(app, "ordo.order.confirmed", confirmed(ORDER, CUSTOMER), at=now - timedelta(weeks=3))
    meetings = [str(uuid.uuid4()) for _ in range(3)]
    starts = [now - timedelta(days=14), now - timedelta(days=7), now - timedelta(days=1)]
    occurrences = [
        {"meeting_id": m, "starts_at": s.isoformat()} for m, s in zip(meetings, starts, strict=True)
    ]
    meeting = about(meeting_id=meetings[0], kind="status", title="Weekly status")
    scheduled = event(
        "ordo.meeting.scheduled",
        {
            **meeting,
            "starts_at": starts[0].isoformat(),
            "recurrence": "FREQ=WEEKLY;COUNT=3",
            "occurrences": occurrences,
            "staff_attendees": 1,
            "customer_attendees": 1,
        },
    )
    cancelled = event(
        "ordo.meeting.cancelled",
        {**meeting, "meeting_id": meetings[1], "series_id": None, "occurrences": occurrences[1:]},
    )
    # The cancellation overtakes the scheduling, and both are delivered twice.
    for envelope in (cancelled, scheduled, cancelled, scheduled):
        assert deliver(app, envelope) != "failed"
    kpis = app.test_client().get("/kpis/communication", headers=auth("manager")).json
    assert kpis["meetings_planned"] == 1 and kpis["meetings_held"] == 0

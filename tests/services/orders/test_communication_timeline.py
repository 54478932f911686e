"""Meetings (scheduled and cancelled), minutes, overdue action items and status reports reach
the order's timeline, in words, with nothing internal: the customer reads the same timeline."""

import uuid

from tests.helpers import auth, deliver

PLAN_ID = str(uuid.uuid4())
MEETING_ID = str(uuid.uuid4())


def test_communication_events_are_summarised_on_the_order_timeline(flow, app):
    order = flow.confirmed()
    about = {"order_id": order["id"], "plan_id": PLAN_ID, "version": 3}
    heard = [
        (
            "ordo.meeting.scheduled",
            {
                "meeting_id": MEETING_ID,
                "kind": "status",
                "title": "Weekly status",
                "starts_at": "2027-01-05T09:00:00+00:00",
                "recurrence": "FREQ=WEEKLY;COUNT=4",
                "occurrences": [
                    {"meeting_id": str(uuid.uuid4()), "starts_at": f"2027-01-{day}T09:00:00+00:00"}
                    for day in ("05", "12", "19", "26")
                ],
                "staff_attendees": 2,
                "customer_attendees": 1,
            },
        ),
        (
            "ordo.meeting.cancelled",
            {
                "meeting_id": MEETING_ID,
                "kind": "status",
                "title": "Weekly status",
                "series_id": str(uuid.uuid4()),
                "occurrences": [
                    {"meeting_id": str(uuid.uuid4()), "starts_at": f"2027-01-{day}T09:00:00+00:00"}
                    for day in ("19", "26")
                ],
            },
        ),
        (
            "ordo.meeting.minutes_published",
            {
                "meeting_id": MEETING_ID,
                "kind": "status",
                "title": "Weekly status",
                "held_at": "2027-01-05T09:00:00+00:00",
                "decisions": [{"text": "Go ahead", "internal": False}],
                "action_items": [
                    {
                        "action_item_id": str(uuid.uuid4()),
                        "title": "Send drawings",
                        "owner": "bob",
                        "due_date": "2027-01-08",
                        "internal": False,
                    }
                ],
            },
        ),
        (
            "ordo.action_item.overdue",
            {
                "action_item_id": str(uuid.uuid4()),
                "meeting_id": MEETING_ID,
                "title": "Send drawings",
                "due_date": "2027-01-08",
                "owner": "bob",
            },
        ),
        (
            "ordo.status_report.published",
            {
                "status_report_id": str(uuid.uuid4()),
                "number": 1,
                "status_date": "2027-01-08",
                "rag": "amber",
                "reasons": ["1 action item overdue"],
                "percent_complete": 20.0,
                "spi": 0.9,
                "cpi": 1.0,
                "open_issues": 1,
                "open_action_items": 1,
                "mailed_to": 1,
            },
        ),
    ]
    for type, data in heard:
        assert deliver(app, type, {**about, **data}) == "processed"
    timeline = flow.client.get(
        f"/orders/{order['id']}/timeline", headers=auth("customer", order["customer_id"])
    ).json
    summaries = {entry["type"]: entry["summary"] for entry in timeline}
    assert summaries["ordo.meeting.scheduled"] == (
        "Meeting scheduled: Weekly status on 2027-01-05, weekly x4"
    )
    assert summaries["ordo.meeting.cancelled"] == (
        "Meeting cancelled: Weekly status on 2027-01-19 and 1 later occurrence"
    )
    assert summaries["ordo.meeting.minutes_published"] == (
        "Minutes of Weekly status published: 1 decision, 1 action item"
    )
    assert summaries["ordo.action_item.overdue"] == (
        "Action item overdue: Send drawings (due 2027-01-08)"
    )
    assert summaries["ordo.status_report.published"] == (
        "Status report 1 as of 2027-01-08 published: AMBER: 1 action item overdue"
    )

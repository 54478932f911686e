"""Meetings, minutes, action items, the issue log and status reports through the planning API:
every endpoint, the customer's safe views, role checks, and bad input refused as problem+json
with nothing written. A meeting cancelled (one, or a series from an occurrence on) mails its
attendees the reason with an iCalendar CANCEL their calendars act on."""

import base64
import uuid
from datetime import date

import pytest
from icalendar import Calendar

from services.planning.worker import publish_overdue_action_items
from tests.helpers import auth, deliver, mailed, problem
from tests.pdf_text import pdf_text
from tests.services.planning.conftest import confirmed, requirement

CUSTOMER_MAIL = "li.wei@example.com"
ALICE = {"kind": "staff", "user_id": "alice", "role": "manager", "email": "alice@ordo.example"}
BOB = {"kind": "staff", "user_id": "bob", "role": "engineer"}
LI = {"kind": "customer", "name": "Li Wei", "email": CUSTOMER_MAIL, "locale": "zh-CN"}


@pytest.fixture
def app(make_app):
    # The PDF loads the CJK font (tens of MB) on first use: on a crowded test machine that may
    # pass the 30 s request deadline.
    return make_app("planning", request_timeout_seconds=300)


@pytest.fixture
def order(planning):
    """An order confirmed with its customer contact, its plan activated."""
    data = confirmed([requirement("Frame", 5)])
    data |= {"customer_email": CUSTOMER_MAIL, "contact_name": "Li Wei", "customer_locale": "zh-CN"}
    assert deliver(planning.app, "ordo.order.confirmed", data) == "processed"
    plan = planning.plan_of(data["order_id"])
    planning.activate(plan["id"])
    return data, planning.plan(plan["id"])


def kick_off(planning, plan_id, **overrides):
    body = {
        "kind": "kick_off",
        "title": "Kick-off",
        "starts_at": "2027-01-05T09:00:00+00:00",
        "duration_minutes": 90,
        "call_url": "https://meet.example.com/kick-off-4711",
        "attendees": [ALICE, BOB, LI],
        "agenda": ["Scope", "Plan", "Risks"],
        **overrides,
    }
    return planning.post(f"/plans/{plan_id}/meetings", body)


def customer(data):
    return auth("customer", customer_id=data["customer_id"])


def minutes_with(planning, meeting, **body):
    return planning.client.put(
        f"/meetings/{meeting['id']}/minutes",
        json={
            "minutes": "Scope agreed.",
            "decisions": [
                {"text": "Weekly status on Tuesdays"},
                {"text": "Margin stays at 12 %", "internal": True},
            ],
            "action_items": [
                {"title": "Send the drawings", "owner": CUSTOMER_MAIL, "due_date": "2027-01-08"},
                {"title": "Check supplier price", "owner": "bob", "internal": True},
            ],
            **body,
        },
        headers={**auth("planner"), "If-Match": f'"{meeting["version"]}"'},
    )


def test_a_kick_off_is_scheduled_announced_and_mailed_with_its_invitation(planning, order):
    data, plan = order
    created = kick_off(planning, plan["id"])
    assert created.status_code == 201, created.json
    meeting = created.json
    assert meeting["status"] == "scheduled" and meeting["agenda"] == ["Scope", "Plan", "Risks"]
    [event] = planning.events("ordo.meeting.scheduled")
    assert event.data["customer_attendees"] == 1 and event.data["staff_attendees"] == 2
    assert "meet.example.com" not in event.to_json()  # no call link in events
    mails = mailed(planning.app, "meeting_invitation")
    assert sorted(mail.to_address for mail in mails) == ["alice@ordo.example", CUSTOMER_MAIL]
    chinese = next(mail for mail in mails if mail.to_address == CUSTOMER_MAIL)
    assert chinese.locale == "zh-CN" and "会议邀请" in chinese.subject
    assert "BEGIN:VCALENDAR" not in chinese.text_body and "invitation.ics" in chinese.text_body
    [attachment] = chinese.attachments
    assert attachment["filename"] == "invitation.ics"
    assert attachment["content_type"] == "text/calendar"
    [attached] = Calendar.from_ical(base64.b64decode(attachment["content"])).walk("VEVENT")
    assert str(attached["summary"]) == "Kick-off"
    ics = planning.get(f"/meetings/{meeting['id']}/invitation.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    [vevent] = Calendar.from_ical(ics.data).walk("VEVENT")
    assert str(vevent["summary"]) == "Kick-off"
    assert vevent.decoded("dtstart").isoformat() == "2027-01-05T09:00:00+00:00"


def test_a_weekly_status_meeting_recurs_one_meeting_per_occurrence(planning, order):
    _, plan = order
    created = kick_off(
        planning, plan["id"], kind="status", title="Weekly status", recurrence="FREQ=WEEKLY;COUNT=4"
    )
    assert created.status_code == 201, created.json
    meetings = planning.get(f"/plans/{plan['id']}/meetings").json
    assert [meeting["starts_at"][:10] for meeting in meetings] == [
        "2027-01-05",
        "2027-01-12",
        "2027-01-19",
        "2027-01-26",
    ]
    assert len({meeting["series_id"] for meeting in meetings}) == 1
    [event] = planning.events("ordo.meeting.scheduled")
    assert len(event.data["occurrences"]) == 4
    ics = planning.get(f"/meetings/{meetings[2]['id']}/invitation.ics")
    [vevent] = Calendar.from_ical(ics.data).walk("VEVENT")
    assert vevent["rrule"]["COUNT"] == [4] and vevent.decoded("dtstart").day == 5


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"recurrence": "FREQ=DAILY;COUNT=3"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=60"}, "recurrence"),
        ({"attendees": []}, "attendees"),
        ({"attendees": [{"kind": "customer", "name": "No mail"}]}, "attendees.0"),
        ({"attendees": [ALICE, ALICE]}, "attendees.1"),
        ({"kind": "party"}, "kind"),
        ({"starts_at": "2027-01-05T09:00:00"}, "starts_at"),
    ],
)
def test_a_bad_meeting_is_refused_naming_its_field_with_nothing_written(
    planning, order, overrides, field
):
    _, plan = order
    refused = kick_off(planning, plan["id"], **overrides)
    assert refused.status_code == 422, refused.json
    assert field in str(problem(refused)), refused.json
    assert planning.get(f"/plans/{plan['id']}/meetings").json == []
    assert planning.events("ordo.meeting.scheduled") == []
    assert mailed(planning.app) == []


def test_a_cancelled_order_holds_no_meetings(planning, order):
    data, plan = order
    deliver(
        planning.app,
        "ordo.order.cancelled",
        {
            "order_id": data["order_id"],
            "version": 5,
            "reason": "Budget cut",
            "previous_status": "confirmed",
        },
    )
    refused = kick_off(planning, plan["id"])
    assert refused.status_code == 409, refused.json
    assert "cancelled" in problem(refused)["detail"]
    assert planning.get(f"/plans/{plan['id']}/meetings").json == []


def test_minutes_are_published_with_decisions_and_action_items_then_frozen(planning, order):
    data, plan = order
    meeting = kick_off(planning, plan["id"]).json
    drafted = minutes_with(planning, meeting)
    assert drafted.status_code == 200, drafted.json
    published_minutes = planning.post(f"/meetings/{meeting['id']}/minutes/publish")
    assert published_minutes.status_code == 200, published_minutes.json
    held = published_minutes.json
    assert held["status"] == "held" and len(held["action_items"]) == 2
    [event] = planning.events("ordo.meeting.minutes_published")
    assert [d["text"] for d in event.data["decisions"]][0] == "Weekly status on Tuesdays"
    assert [d["text"] for d in event.data["decisions"]] == ["Weekly status on Tuesdays"]
    assert {item["title"] for item in event.data["action_items"]} == {
        "Send the drawings",
        "(internal action item)",
    }
    assert "supplier price" not in event.to_json() and "Margin" not in event.to_json()
    mails = {mail.to_address: mail for mail in mailed(planning.app, "meeting_minutes")}
    assert "Margin stays" in mails["alice@ordo.example"].text_body
    assert "Margin stays" not in mails[CUSTOMER_MAIL].text_body
    assert "supplier price" not in mails[CUSTOMER_MAIL].text_body
    assert "Send the drawings" in mails[CUSTOMER_MAIL].text_body
    # Published minutes never change.
    again = minutes_with(planning, held, minutes="Rewritten")
    assert again.status_code == 409 and problem(again)["status"] == 409
    assert planning.post(f"/meetings/{meeting['id']}/minutes/publish").status_code == 409
    assert planning.get(f"/meetings/{meeting['id']}").json["minutes"] == "Scope agreed."


def test_an_action_item_of_another_order_is_refused_naming_the_field(planning, order):
    _, plan = order
    other_data = confirmed([requirement("Other", 3)])
    deliver(planning.app, "ordo.order.confirmed", other_data)
    other_plan = planning.plan_of(other_data["order_id"])
    foreign_task = planning.tasks(other_plan["id"])[0]["id"]
    meeting = kick_off(planning, plan["id"]).json
    for item, field in (
        ({"title": "x", "owner": "mallory"}, "action_items.0.owner"),
        ({"title": "x", "owner": "bob", "task_id": foreign_task}, "action_items.0.task_id"),
        ({"title": "x", "owner": "bob", "issue_id": str(uuid.uuid4())}, "action_items.0.issue_id"),
    ):
        refused = minutes_with(planning, meeting, action_items=[item])
        assert refused.status_code == 422, refused.json
        assert field in problem(refused)["errors"], refused.json
    assert planning.get(f"/meetings/{meeting['id']}").json["minutes"] == ""
    empty = planning.post(f"/meetings/{meeting['id']}/minutes/publish")
    assert empty.status_code == 422 and "minutes" in problem(empty)["errors"]


def test_action_items_close_once_and_go_overdue_once(planning, order):
    _, plan = order
    meeting = kick_off(planning, plan["id"]).json
    minutes_with(planning, meeting)
    planning.post(f"/meetings/{meeting['id']}/minutes/publish")
    items = planning.get(f"/plans/{plan['id']}/action-items?status=open").json["items"]
    drawings = next(item for item in items if item["title"] == "Send the drawings")
    db = planning.app.extensions["ordo"].db
    assert publish_overdue_action_items(db, date(2027, 1, 8)) == 0  # due that day: not yet
    assert publish_overdue_action_items(db, date(2027, 1, 9)) == 1
    assert publish_overdue_action_items(db, date(2027, 1, 10)) == 0  # said once per item
    [overdue] = planning.events("ordo.action_item.overdue")
    assert overdue.data["action_item_id"] == drawings["id"]
    done = planning.patch(f"/action-items/{drawings['id']}", {"status": "done"}, role="engineer")
    assert done.status_code == 200, done.json
    assert done.json["closed_on"] == "2027-02-01"
    [closed] = planning.events("ordo.action_item.closed")
    assert closed.data["on_time"] is False and closed.data["status"] == "done"
    bad = planning.patch(f"/action-items/{drawings['id']}", {"status": "cancelled"})
    assert bad.status_code == 409
    bad_owner = planning.patch(f"/action-items/{drawings['id']}", {"owner": "mallory"})
    assert bad_owner.status_code == 422 and "owner" in problem(bad_owner)["errors"]


def test_the_issue_log_raises_assigns_and_resolves_with_a_resolution(planning, order):
    _, plan = order
    raised = planning.post(
        f"/plans/{plan['id']}/issues",
        {"title": "Steel delivery late", "severity": "high", "due_date": "2027-01-20"},
        role="engineer",
    )
    assert raised.status_code == 201, raised.json
    issue = raised.json
    assert issue["status"] == "open" and issue["raised_by"] == "engineer-user"
    unresolved = planning.patch(f"/issues/{issue['id']}", {"status": "resolved"}, issue["version"])
    assert unresolved.status_code == 422 and "resolution" in problem(unresolved)["errors"]
    assigned = planning.patch(f"/issues/{issue['id']}", {"assignee": "bob"}, issue["version"])
    resolved = planning.patch(
        f"/issues/{issue['id']}",
        {"status": "resolved", "resolution": "Second supplier"},
        assigned.json["version"],
    )
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["resolved_on"] == "2027-02-01" and resolved.json["assignee"] == "bob"
    listed = planning.get(f"/plans/{plan['id']}/issues?status=resolved").json["items"]
    assert [row["id"] for row in listed] == [issue["id"]]
    assert (
        planning.post(
            f"/plans/{plan['id']}/issues", {"title": "x", "severity": "low"}, role="sales"
        ).status_code
        == 403
    )


def test_a_risk_that_occurred_becomes_a_linked_issue_once(planning, order):
    _, plan = order
    risk = planning.post(
        f"/plans/{plan['id']}/risks",
        {"title": "Supplier fails", "probability": 3, "impact": 4, "response": "mitigate"},
    ).json
    made = planning.post(f"/risks/{risk['id']}/issue", {"severity": "critical"})
    assert made.status_code == 201, made.json
    assert made.json["risk_id"] == risk["id"] and made.json["title"] == "Supplier fails"
    assert planning.get(f"/risks/{risk['id']}").json["status"] == "occurred"
    assert planning.post(f"/risks/{risk['id']}/issue", {"severity": "high"}).status_code == 409


def draft_report(planning, plan_id, status_date="2027-01-08"):
    return planning.post(f"/plans/{plan_id}/status-reports", {"status_date": status_date})


def test_a_status_report_is_drafted_judged_published_and_mailed(planning, order):
    data, plan = order
    meeting = kick_off(planning, plan["id"]).json
    minutes_with(planning, meeting)
    planning.post(f"/meetings/{meeting['id']}/minutes/publish")
    planning.post(f"/plans/{plan['id']}/issues", {"title": "Crane broken", "severity": "critical"})
    drafted = draft_report(planning, plan["id"], "2027-01-11")
    assert drafted.status_code == 201, drafted.json
    report = drafted.json
    assert report["status"] == "draft" and report["number"] == 1
    assert report["rag"] == "red"
    assert any("critical" in reason for reason in report["reasons"])
    assert any("action item" in reason and "overdue" in reason for reason in report["reasons"])
    content = report["content"]
    assert content["summary"]["open_issues"] == 1 and content["changes"] == []
    assert {"bac", "ev", "spi", "cpi"} <= set(content["earned_value"])
    # No narrative, no publishing; nothing written.
    refused = planning.post(f"/status-reports/{report['id']}/publish", role="manager")
    assert refused.status_code == 422 and "narrative" in problem(refused)["errors"]
    assert planning.events("ordo.status_report.published") == []
    assert mailed(planning.app, "status_report") == []
    # Only the manager writes the narrative and publishes.
    assert (
        planning.patch(
            f"/status-reports/{report['id']}", {"narrative": "x"}, role="planner"
        ).status_code
        == 403
    )
    written = planning.patch(
        f"/status-reports/{report['id']}",
        {"narrative": "吊车故障，正在维修。"},
        report["version"],
        role="manager",
    )
    assert written.status_code == 200, written.json
    done = planning.post(f"/status-reports/{report['id']}/publish", role="manager")
    assert done.status_code == 200, done.json
    assert done.json["status"] == "published"
    [event] = planning.events("ordo.status_report.published")
    assert event.data["rag"] == "red" and event.data["mailed_to"] == 1
    [mail] = mailed(planning.app, "status_report")
    assert mail.to_address == CUSTOMER_MAIL and mail.locale == "zh-CN"
    assert "吊车故障" in mail.text_body and "状态报告" in mail.subject
    assert "supplier price" not in mail.text_body
    [attachment] = mail.attachments
    assert attachment["filename"] == "status-report-1.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert base64.b64decode(attachment["content"]).startswith(b"%PDF")
    # Published reports never change.
    edit = planning.patch(
        f"/status-reports/{report['id']}", {"narrative": "x"}, done.json["version"], role="manager"
    )
    assert edit.status_code == 409
    assert (
        planning.post(f"/status-reports/{report['id']}/publish", role="manager").status_code == 409
    )
    # The next report shows what changed since.
    planning.finish_all(plan["id"], date(2027, 1, 13), names=["Requirements analysis"])
    second = draft_report(planning, plan["id"], "2027-01-13").json
    assert second["number"] == 2 and second["content"]["previous_report"] == 1
    changed = {change["figure"] for change in second["content"]["changes"]}
    assert "percent_complete" in changed


def test_a_status_report_renders_as_html_and_as_a_chinese_pdf(planning, order):
    _, plan = order
    report = draft_report(planning, plan["id"]).json
    html = planning.get(f"/status-reports/{report['id']}/report.html?locale=zh-CN")
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert "第 1 期状态报告" in html.get_data(as_text=True)
    pdf = planning.get(f"/status-reports/{report['id']}/report.pdf?locale=zh-CN")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = pdf_text(pdf.data)
    assert "第 1 期状态报告" in text and "草稿" in text and "ORD-2027-0001" in text


def test_bad_status_reports_are_refused(planning, order):
    data, plan = order
    assert draft_report(planning, plan["id"], "2026-12-01").status_code == 422  # before start
    assert draft_report(planning, plan["id"], "2027-03-01").status_code == 422  # future
    assert draft_report(planning, plan["id"]).status_code == 201
    draft_data = confirmed([requirement()])
    deliver(planning.app, "ordo.order.confirmed", draft_data)
    draft_plan = planning.plan_of(draft_data["order_id"])
    assert draft_report(planning, draft_plan["id"]).status_code == 409  # no baseline yet
    assert (
        planning.post(
            f"/plans/{plan['id']}/status-reports", {"status_date": "2027-01-08"}, role="engineer"
        ).status_code
        == 403
    )


def test_the_customer_sees_attended_meetings_published_minutes_and_reports_only(planning, order):
    data, plan = order
    attended = kick_off(planning, plan["id"]).json
    internal = kick_off(planning, plan["id"], title="Internal review", attendees=[ALICE, BOB]).json
    minutes_with(planning, attended)
    headers = customer(data)
    # Draft minutes are not shown to the customer.
    before = planning.client.get(f"/meetings/{attended['id']}", headers=headers).json
    assert "minutes" not in before and "decisions" not in before
    planning.post(f"/meetings/{attended['id']}/minutes/publish")
    seen = planning.client.get(f"/plans/{plan['id']}/meetings", headers=headers).json
    assert [meeting["id"] for meeting in seen] == [attended["id"]]
    [meeting] = seen
    assert [d["text"] for d in meeting["decisions"]] == ["Weekly status on Tuesdays"]
    assert [a["title"] for a in meeting["action_items"]] == ["Send the drawings"]
    assert all("user_id" not in person and "email" not in person for person in meeting["attendees"])
    hidden = planning.client.get(f"/meetings/{internal['id']}", headers=headers)
    assert hidden.status_code == 404
    report = draft_report(planning, plan["id"]).json
    assert (
        planning.client.get(f"/status-reports/{report['id']}", headers=headers).status_code == 404
    )
    assert planning.client.get(f"/plans/{plan['id']}/status-reports", headers=headers).json == []
    planning.patch(
        f"/status-reports/{report['id']}",
        {"narrative": "On plan."},
        report["version"],
        role="manager",
    )
    planning.post(f"/status-reports/{report['id']}/publish", role="manager")
    [listed] = planning.client.get(f"/plans/{plan['id']}/status-reports", headers=headers).json
    assert listed["narrative"] == "On plan."
    assert all(not item.get("internal") for item in listed["content"]["open_action_items"])
    pdf = planning.client.get(f"/status-reports/{report['id']}/report.pdf", headers=headers)
    assert pdf.status_code == 200
    # Nothing internal: issues, action items; another customer sees nothing.
    assert planning.client.get(f"/plans/{plan['id']}/issues", headers=headers).status_code == 403
    assert (
        planning.client.get(f"/plans/{plan['id']}/action-items", headers=headers).status_code == 403
    )
    stranger = auth("customer", customer_id=uuid.uuid4())
    assert planning.client.get(f"/plans/{plan['id']}/meetings", headers=stranger).status_code == 403
    assert planning.client.get(f"/meetings/{attended['id']}", headers=stranger).status_code == 404
    assert (
        planning.client.get(f"/status-reports/{report['id']}", headers=stranger).status_code == 404
    )


def test_only_planners_and_managers_schedule_and_minute_meetings(planning, order):
    _, plan = order
    refused = planning.post(f"/plans/{plan['id']}/meetings", {"kind": "other"}, role="engineer")
    assert refused.status_code == 403
    meeting = kick_off(planning, plan["id"]).json
    publish = planning.post(f"/meetings/{meeting['id']}/minutes/publish", role="engineer")
    assert publish.status_code == 403
    assert planning.client.get(f"/plans/{plan['id']}/meetings").status_code == 401


# --- cancelling meetings -------------------------------------------------------------------

REASON = "The plant is closed for the holiday week"


def cancel(planning, meeting, role="planner", **body):
    headers = {**auth(role), "If-Match": f'"{meeting["version"]}"'}
    return planning.client.post(
        f"/meetings/{meeting['id']}/cancel", json={"reason": REASON, **body}, headers=headers
    )


def attached_calendar(mail) -> Calendar:
    [attachment] = mail.attachments
    assert attachment["filename"] == "cancellation.ics"
    assert attachment["content_type"] == "text/calendar"
    return Calendar.from_ical(base64.b64decode(attachment["content"]))


def weekly(planning, plan_id, count=4):
    created = kick_off(
        planning,
        plan_id,
        kind="status",
        title="Weekly status",
        recurrence=f"FREQ=WEEKLY;COUNT={count}",
    )
    assert created.status_code == 201, created.json
    return planning.get(f"/plans/{plan_id}/meetings").json


def test_a_cancelled_meeting_says_why_and_its_attendees_get_a_calendar_cancel(planning, order):
    data, plan = order
    meeting = kick_off(planning, plan["id"]).json
    [invited] = Calendar.from_ical(
        planning.get(f"/meetings/{meeting['id']}/invitation.ics").data
    ).walk("VEVENT")

    cancelled = cancel(planning, meeting)

    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["cancellation_reason"] == REASON
    assert cancelled.json["cancelled_at"] is not None
    assert cancelled.headers["ETag"] == f'"{cancelled.json["version"]}"'
    seen = planning.client.get(f"/meetings/{meeting['id']}", headers=customer(data)).json
    assert seen["status"] == "cancelled" and seen["cancellation_reason"] == REASON
    [event] = planning.events("ordo.meeting.cancelled")
    assert event.data["meeting_id"] == meeting["id"] and event.data["series_id"] is None
    assert [o["meeting_id"] for o in event.data["occurrences"]] == [meeting["id"]]
    assert event.data["title"] == "Kick-off" and event.data["kind"] == "kick_off"
    assert REASON not in event.to_json()
    mails = {mail.to_address: mail for mail in mailed(planning.app, "meeting_cancellation")}
    assert sorted(mails) == ["alice@ordo.example", CUSTOMER_MAIL]
    assert REASON in mails["alice@ordo.example"].text_body
    assert "Cancelled: Kick-off" in mails["alice@ordo.example"].subject
    chinese = mails[CUSTOMER_MAIL]
    assert chinese.locale == "zh-CN" and "会议取消" in chinese.subject
    assert REASON in chinese.text_body and "cancellation.ics" in chinese.text_body
    calendar = attached_calendar(chinese)
    assert str(calendar["method"]) == "CANCEL"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == str(invited["uid"])
    assert vevent["sequence"] > invited["sequence"]
    assert vevent.decoded("dtstamp").isoformat()[:19] == cancelled.json["cancelled_at"][:19]
    assert str(vevent["status"]) == "CANCELLED" and "recurrence-id" not in vevent
    [after] = Calendar.from_ical(
        planning.get(f"/meetings/{meeting['id']}/invitation.ics").data
    ).walk("VEVENT")
    assert str(after["status"]) == "CANCELLED" and after["sequence"] == vevent["sequence"]


def test_a_series_is_cancelled_from_an_occurrence_on_and_calendars_drop_exactly_those(
    planning, order
):
    _, plan = order
    first, second, third, fourth = weekly(planning, plan["id"])
    assert cancel(planning, fourth).status_code == 200
    mailed_before = len(mailed(planning.app, "meeting_cancellation"))

    cancelled = cancel(planning, second, following=True)

    assert cancelled.status_code == 200, cancelled.json
    statuses = [m["status"] for m in planning.get(f"/plans/{plan['id']}/meetings").json]
    assert statuses == ["scheduled", "cancelled", "cancelled", "cancelled"]
    single, from_second = planning.events("ordo.meeting.cancelled")
    assert [o["meeting_id"] for o in single.data["occurrences"]] == [fourth["id"]]
    assert [o["meeting_id"] for o in from_second.data["occurrences"]] == [second["id"], third["id"]]
    assert from_second.data["series_id"] == first["series_id"]
    mails = mailed(planning.app, "meeting_cancellation")[mailed_before:]
    assert sorted(mail.to_address for mail in mails) == ["alice@ordo.example", CUSTOMER_MAIL]
    english = next(mail for mail in mails if mail.to_address != CUSTOMER_MAIL)
    assert "2027-01-12 09:00 UTC" in english.text_body
    assert "2027-01-19 09:00 UTC" in english.text_body
    assert "2027-01-26" not in english.text_body
    calendar = attached_calendar(english)
    assert str(calendar["method"]) == "CANCEL"
    vevents = calendar.walk("VEVENT")
    assert [v.decoded("recurrence-id").isoformat() for v in vevents] == [
        "2027-01-12T09:00:00+00:00",
        "2027-01-19T09:00:00+00:00",
    ]
    assert {str(v["uid"]) for v in vevents} == {f"{first['series_id']}@ordo"}
    assert {v["sequence"] for v in vevents} == {2}  # the series' second cancellation
    assert all(str(v["status"]) == "CANCELLED" for v in vevents)
    master, *dropped = Calendar.from_ical(
        planning.get(f"/meetings/{first['id']}/invitation.ics").data
    ).walk("VEVENT")
    assert "status" not in master and master["rrule"]["COUNT"] == [4]
    assert [v.decoded("recurrence-id").day for v in dropped] == [12, 19, 26]
    assert all(str(v["status"]) == "CANCELLED" for v in dropped)


def test_following_leaves_a_held_occurrence_as_it_was(planning, order):
    _, plan = order
    first, second, third = weekly(planning, plan["id"], count=3)
    minutes_with(planning, third, decisions=[], action_items=[])
    assert planning.post(f"/meetings/{third['id']}/minutes/publish").status_code == 200

    assert cancel(planning, first, following=True).status_code == 200

    statuses = [m["status"] for m in planning.get(f"/plans/{plan['id']}/meetings").json]
    assert statuses == ["cancelled", "cancelled", "held"]


def test_a_held_or_cancelled_meeting_cannot_be_cancelled_and_nothing_is_written(planning, order):
    _, plan = order
    held = kick_off(planning, plan["id"]).json
    minutes_with(planning, held)
    held = planning.post(f"/meetings/{held['id']}/minutes/publish").json
    other = kick_off(planning, plan["id"], title="Design review", kind="design_review").json
    other = cancel(planning, other).json
    mails_before = mailed(planning.app)

    for meeting in (held, other):
        refused = cancel(planning, meeting, reason="Once more")
        assert refused.status_code == 409, refused.json
        assert problem(refused)["status"] == 409

    assert planning.get(f"/meetings/{held['id']}").json["status"] == "held"
    again = planning.get(f"/meetings/{other['id']}").json
    assert again["cancellation_reason"] == REASON and again["version"] == other["version"]
    assert len(planning.events("ordo.meeting.cancelled")) == 1
    assert mailed(planning.app) == mails_before


def test_a_cancelled_meeting_takes_no_minutes(planning, order):
    _, plan = order
    meeting = cancel(planning, kick_off(planning, plan["id"]).json).json
    assert minutes_with(planning, meeting).status_code == 409
    assert planning.post(f"/meetings/{meeting['id']}/minutes/publish").status_code == 409
    assert planning.get(f"/meetings/{meeting['id']}").json["minutes"] == ""


@pytest.mark.parametrize(
    "body, field",
    [
        ({"reason": None}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 201}, "reason"),
        ({"following": "sometimes"}, "following"),
    ],
)
def test_a_bad_cancellation_is_refused_naming_its_field_with_nothing_written(
    planning, order, body, field
):
    _, plan = order
    meeting = kick_off(planning, plan["id"]).json
    headers = {**auth("planner"), "If-Match": f'"{meeting["version"]}"'}
    sent = {"reason": REASON, **body}
    if sent["reason"] is None:
        del sent["reason"]
    refused = planning.client.post(f"/meetings/{meeting['id']}/cancel", json=sent, headers=headers)
    assert refused.status_code == 422, refused.json
    assert field in str(problem(refused)), refused.json
    assert planning.get(f"/meetings/{meeting['id']}").json["status"] == "scheduled"
    assert planning.events("ordo.meeting.cancelled") == []
    assert mailed(planning.app, "meeting_cancellation") == []


def test_a_stale_version_or_a_reader_cannot_cancel(planning, order):
    _, plan = order
    meeting = kick_off(planning, plan["id"]).json
    stale = cancel(planning, {**meeting, "version": meeting["version"] + 1})
    assert stale.status_code == 412, stale.json
    assert cancel(planning, meeting, role="engineer").status_code == 403
    without_if_match = planning.post(f"/meetings/{meeting['id']}/cancel", {"reason": REASON})
    assert without_if_match.status_code == 200, without_if_match.json
    assert len(planning.events("ordo.meeting.cancelled")) == 1


def test_an_order_cancelled_cancels_its_meetings_to_come_once(planning, order):
    data, plan = order
    kick_off(planning, plan["id"])
    weekly(planning, plan["id"], count=3)
    cancelled_order = {
        "order_id": data["order_id"],
        "version": 5,
        "reason": "Budget cut",
        "previous_status": "confirmed",
    }

    for _ in range(2):  # heard again: nothing left to cancel
        assert deliver(planning.app, "ordo.order.cancelled", cancelled_order) == "processed"

    meetings = planning.get(f"/plans/{plan['id']}/meetings").json
    assert {m["status"] for m in meetings} == {"cancelled"}
    assert {m["cancellation_reason"] for m in meetings} == {"The order was cancelled."}
    events = planning.events("ordo.meeting.cancelled")
    assert sorted(len(e.data["occurrences"]) for e in events) == [1, 3]
    mails = mailed(planning.app, "meeting_cancellation")
    assert len(mails) == 4  # two attendees with an address, the kick-off and the series
    chinese = next(mail for mail in mails if mail.to_address == CUSTOMER_MAIL)
    assert "订单已取消" in chinese.text_body and "Budget cut" not in chinese.text_body

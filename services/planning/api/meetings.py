"""Meetings of an order: scheduling (weekly series too), the invitation, cancelling, minutes and
their action items; a customer reads the meetings its contacts attend, without internal items."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api import support
from services.planning.api.support import EDITORS, READERS, REPORTERS, versioned
from services.planning.schemas import (
    ActionItemQueryArgsSchema,
    ActionItemSchema,
    ActionItemUpdateSchema,
    MeetingCancelSchema,
    MeetingCreateSchema,
    MeetingSchema,
    MinutesSchema,
)
from services.planning.usecases.meetings import (
    cancel_meeting,
    change_action_item,
    invitation_of,
    plan_action_items,
    plan_meetings,
    publish_minutes,
    read_action_item,
    read_meeting,
    schedule_meeting,
    write_minutes,
)
from shared.http.auth import current_principal, roles_required
from shared.http.contract import if_match_optional
from shared.http.idempotency import idempotent
from shared.http.requests import db_session, etag, if_match, page_of, paginate

blp = Blueprint("meetings", __name__, description="Meetings, minutes and action items")

CUSTOMER_READERS = (*READERS, "customer")


def _with_etag(view: dict, **headers: str):
    return view, {"ETag": etag(view["version"]), **headers}


@blp.route("/plans/<uuid:plan_id>/meetings")
class PlanMeetings(MethodView):
    @roles_required(*CUSTOMER_READERS)
    @blp.response(200, MeetingSchema(many=True))
    def get(self, plan_id):
        """The order's meetings by start (a customer: those its contacts attend)"""
        return plan_meetings(db_session(), plan_id, current_principal())

    @roles_required(*EDITORS)
    @idempotent
    @blp.arguments(MeetingCreateSchema())
    @blp.response(201, MeetingSchema)
    def post(self, data, plan_id):
        """Schedule a meeting, or a weekly series by RRULE; attendees are mailed the invitation"""
        meeting = schedule_meeting(db_session(), plan_id, data)
        view = read_meeting(db_session(), meeting.id)
        return _with_etag(view, Location=f"/meetings/{meeting.id}")


@blp.route("/meetings/<uuid:meeting_id>")
class MeetingsById(MethodView):
    @roles_required(*CUSTOMER_READERS)
    @blp.response(200, MeetingSchema)
    def get(self, meeting_id):
        """Read a meeting (a customer: one its contacts attend, without internal items)"""
        view = read_meeting(db_session(), meeting_id, current_principal())
        return view if "version" not in view else _with_etag(view)


@blp.route("/meetings/<uuid:meeting_id>/invitation.ics")
class MeetingInvitation(MethodView):
    @roles_required(*CUSTOMER_READERS)
    @blp.response(200, content_type="text/calendar")
    @blp.doc(operationId="meetings.invitation")
    def get(self, meeting_id):
        """The iCalendar invitation (a weekly series with its RRULE)"""
        ics = invitation_of(db_session(), meeting_id, current_principal())
        return Response(
            ics,
            mimetype="text/calendar",
            headers={"Content-Disposition": f'attachment; filename="meeting-{meeting_id}.ics"'},
        )


@blp.route("/meetings/<uuid:meeting_id>/cancel")
class MeetingCancel(MethodView):
    @roles_required(*EDITORS)
    @if_match_optional
    @blp.arguments(MeetingCancelSchema())
    @blp.response(200, MeetingSchema)
    @blp.doc(operationId="meetings.cancel")
    def post(self, data, meeting_id):
        """Cancel a meeting (or it and the later occurrences of its series); attendees are mailed"""
        meeting = cancel_meeting(db_session(), meeting_id, data, if_match(required=False))
        return _with_etag(read_meeting(db_session(), meeting.id))


@blp.route("/meetings/<uuid:meeting_id>/minutes")
class MeetingMinutes(MethodView):
    @roles_required(*EDITORS)
    @blp.arguments(MinutesSchema())
    @blp.response(200, MeetingSchema)
    @blp.doc(operationId="meetings.writeMinutes")
    def put(self, data, meeting_id):
        """Draft the minutes, decisions and action items (If-Match); 409 once published"""
        meeting = write_minutes(db_session(), meeting_id, data, if_match())
        return _with_etag(read_meeting(db_session(), meeting.id))


@blp.route("/meetings/<uuid:meeting_id>/minutes/publish")
class MeetingMinutesPublish(MethodView):
    @roles_required(*EDITORS)
    @if_match_optional
    @blp.response(200, MeetingSchema)
    @blp.doc(operationId="meetings.publishMinutes")
    def post(self, meeting_id):
        """Publish the minutes: action items are made and attendees mailed; no edits after"""
        return _with_etag(publish_minutes(db_session(), meeting_id, if_match(required=False)))


@blp.route("/plans/<uuid:plan_id>/action-items")
class PlanActionItems(MethodView):
    @roles_required(*READERS)
    @blp.arguments(ActionItemQueryArgsSchema(), location="query")
    @blp.response(200, page_of(ActionItemSchema))
    @blp.doc(operationId="actionItems.list")
    def get(self, args, plan_id):
        """The order's action items, earliest due first"""
        session = db_session()
        return paginate(session, plan_action_items(session, plan_id, args.get("status")), args)


@blp.route("/action-items/<uuid:item_id>")
class ActionItemsById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, ActionItemSchema)
    def get(self, item_id):
        """Read an action item"""
        return versioned(read_action_item(db_session(), item_id))

    @roles_required(*REPORTERS)
    @blp.arguments(ActionItemUpdateSchema())
    @blp.response(200, ActionItemSchema)
    def patch(self, data, item_id):
        """Mark an action item done or cancelled (or reopen it), move its due day or owner"""
        item = change_action_item(db_session(), item_id, data, support.today(), if_match())
        return versioned(item)

"""Survey reminders on demand (the worker also sends them on a timer)."""

from datetime import UTC, datetime

from flask.views import MethodView
from flask_smorest import Blueprint

from services.feedback.schemas import ReminderRunSchema
from services.feedback.usecases.surveys import send_due_reminders
from shared.http.auth import roles_required
from shared.http.requests import db_session

blp = Blueprint(
    "reminders", __name__, url_prefix="/admin/reminders", description="Survey reminders"
)


@blp.route("/run")
class ReminderRun(MethodView):
    @roles_required("admin")
    @blp.response(200, ReminderRunSchema)
    def post(self):
        """Send the survey reminders that are due now"""
        return {"reminded": send_due_reminders(db_session(), datetime.now(UTC))}

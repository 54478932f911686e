"""The planning API blueprints."""

from services.planning.api.dependencies import blp as dependencies
from services.planning.api.increments import blp as increments
from services.planning.api.issues import blp as issues
from services.planning.api.meetings import blp as meetings
from services.planning.api.plans import blp as plans
from services.planning.api.reports import blp as reports
from services.planning.api.resources import blp as resources
from services.planning.api.risks import blp as risks
from services.planning.api.status_reports import blp as status_reports
from services.planning.api.tasks import blp as tasks

blueprints = (
    plans,
    tasks,
    dependencies,
    resources,
    risks,
    reports,
    increments,
    meetings,
    issues,
    status_reports,
)

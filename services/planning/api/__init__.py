"""The planning API blueprints."""

from services.planning.api.dependencies import blp as dependencies
from services.planning.api.plans import blp as plans
from services.planning.api.reports import blp as reports
from services.planning.api.resources import blp as resources
from services.planning.api.risks import blp as risks
from services.planning.api.tasks import blp as tasks

blueprints = (plans, tasks, dependencies, resources, risks, reports)

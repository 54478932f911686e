"""The feedback API blueprints."""

from services.feedback.api.communication import blp as communication_kpis
from services.feedback.api.follow_ups import blp as follow_ups
from services.feedback.api.improvement_actions import blp as improvement_actions
from services.feedback.api.knowledge import blp as knowledge
from services.feedback.api.kpis import blp as kpis
from services.feedback.api.orders import blp as orders
from services.feedback.api.pulse_surveys import blp as pulse_surveys
from services.feedback.api.reminders import blp as reminders
from services.feedback.api.retrospectives import blp as retrospectives
from services.feedback.api.surveys import blp as surveys

blueprints = (
    surveys,
    follow_ups,
    retrospectives,
    improvement_actions,
    knowledge,
    kpis,
    communication_kpis,
    orders,
    reminders,
    pulse_surveys,
)

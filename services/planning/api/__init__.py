"""The planning API blueprints."""

from services.planning.api.plans import blp as plans

blueprints = (plans,)

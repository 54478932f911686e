"""Alembic environment of the feedback service (`ordo migrate`)."""

from services.feedback.models import Base
from shared.db import run_alembic_env

run_alembic_env(Base.metadata)

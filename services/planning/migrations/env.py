"""Alembic environment of the planning service (`ordo migrate`)."""

from services.planning.models import Base
from shared.db import run_alembic_env

run_alembic_env(Base.metadata)

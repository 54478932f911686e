"""Alembic environment of the delivery service (`ordo migrate`)."""

from services.delivery.models import Base
from shared.db import run_alembic_env

run_alembic_env(Base.metadata)

"""Alembic environment of the orders service (`ordo migrate`)."""

from services.orders.models import Base
from shared.db import run_alembic_env

run_alembic_env(Base.metadata)

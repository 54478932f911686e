import pytest
from alembic import command

from shared.cli import migrations_dir
from shared.config import SERVICES
from shared.db import alembic_config, migrate


@pytest.mark.parametrize("service", SERVICES)
def test_the_migrations_build_exactly_the_schema_the_models_describe(service, tmp_path):
    url = f"sqlite:///{tmp_path}/{service}.db"
    migrate(migrations_dir(service), url)
    command.check(alembic_config(migrations_dir(service), url))  # raises on any difference


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_one_migration_head_for_the_next_revision_to_build_on(service):
    from alembic.script import ScriptDirectory

    config = alembic_config(migrations_dir(service), "sqlite://")
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1

"""Knowledge search on PostgreSQL: the migrated schema, web-search syntax, rank, GIN index."""

import uuid

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.dialects import postgresql

from services.feedback.app import create_app
from services.feedback.models import KnowledgeEntry
from services.feedback.usecases.knowledge import full_text
from shared.cli import migrations_dir
from shared.db import alembic_config, migrate
from tests.helpers import SECRETS, auth

ENTRIES = [
    ("Motor overheated at peak load", "The drive motor tripped twice at full load.", ["motors"]),
    ("Motor supplier late", "Deliveries of motors slipped three weeks.", ["motors", "supply"]),
    ("Weekly demos kept the buyer informed", "Fewer surprises at acceptance.", ["communication"]),
]


@pytest.fixture
def knowledge_client(backend):
    if not backend.real:
        pytest.skip("full-text search is PostgreSQL's; SQLite's substring search is in services")
    url = backend.database_url("feedback")
    migrate(migrations_dir("feedback"), url)
    app = create_app({"database_url": url, "broker_url": backend.broker_url, **SECRETS})
    db = app.extensions["ordo"].db
    with db.transaction() as session:
        for title, body, tags in ENTRIES:
            session.add(
                KnowledgeEntry(
                    id=uuid.uuid4(),
                    entry_type="lesson",
                    order_id=uuid.uuid4(),
                    title=title,
                    body=body,
                    tags=tags,
                    tag_words=" " + " ".join(tags) + " ",
                )
            )
    yield app.test_client(), db, url
    db.dispose()


def test_the_migrations_build_the_models_schema_on_postgresql_too(knowledge_client):
    _, _, url = knowledge_client
    command.check(alembic_config(migrations_dir("feedback"), url))  # raises on any difference


def test_search_takes_web_search_syntax_stems_words_and_ranks(knowledge_client):
    client, _, _ = knowledge_client

    def titles(query: str) -> list[str]:
        response = client.get(f"/knowledge?q={query}", headers=auth("sales"))
        assert response.status_code == 200, response.get_json()
        return [entry["title"] for entry in response.get_json()["items"]]

    assert set(titles("motors")) == {"Motor overheated at peak load", "Motor supplier late"}
    assert titles('"peak load"') == ["Motor overheated at peak load"]
    assert titles("motor -supplier") == ["Motor overheated at peak load"]
    assert titles("communication") == ["Weekly demos kept the buyer informed"]
    assert titles("gearbox") == []


def test_the_search_can_use_the_gin_index(knowledge_client):
    _, db, _ = knowledge_client
    query = full_text(sa.select(KnowledgeEntry.id), "motor")
    sql = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    with db.engine.connect() as connection:
        connection.execute(sa.text("SET enable_seqscan = off"))  # three rows: force the choice
        plan = "\n".join(connection.execute(sa.text(f"EXPLAIN {sql}")).scalars())
    assert "ix_knowledge_entries_search" in plan, plan

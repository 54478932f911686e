"""Upgrading takes the links earlier versions published out of what the databases kept."""

import json
from datetime import UTC, datetime

import sqlalchemy as sa

from shared.cli import migrations_dir
from shared.db import make_engine, migrate

NOW = datetime(2026, 11, 30, tzinfo=UTC)
LINK = "https://ordo.example/acceptance/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"


def envelope(type: str, **data) -> str:
    return json.dumps({"id": f"e-{type}", "type": type, "data": {"order_id": "o-1", **data}})


def test_the_orders_timeline_and_stored_events_lose_their_links(tmp_path):
    url = f"sqlite:///{tmp_path}/orders.db"
    migrate(migrations_dir("orders"), url, "0002")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO timeline_entries (event_id, order_id, type, source, occurred_at,"
                " summary, data) VALUES ('e-1', :order, 'ordo.delivery.submitted',"
                " '/ordo/delivery', :now, 'submitted', :data)"
            ),
            {
                "order": "0" * 32,
                "now": NOW,
                "data": json.dumps({"acceptance_url": LINK, "package_version": 1}),
            },
        )
        connection.execute(
            sa.text(
                "INSERT INTO inbox (id, type, status, attempts, body, received_at)"
                " VALUES ('e-2', 'ordo.survey.sent', 'processed', 1, :body, :now)"
            ),
            {"body": envelope("ordo.survey.sent", survey_url=LINK).encode(), "now": NOW},
        )

    migrate(migrations_dir("orders"), url)

    with engine.connect() as connection:
        data = connection.scalar(sa.text("SELECT data FROM timeline_entries"))
        body = connection.scalar(sa.text("SELECT body FROM inbox"))
    engine.dispose()
    assert json.loads(data) == {"package_version": 1}
    assert LINK not in body.decode() and json.loads(body)["data"] == {"order_id": "o-1"}


def test_delivery_forgets_every_published_link_and_scrubs_its_outbox(tmp_path):
    url = f"sqlite:///{tmp_path}/delivery.db"
    migrate(migrations_dir("delivery"), url, "0003")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO outbox (id, type, body, created_at)"
                " VALUES ('e-3', 'ordo.delivery.submitted', :body, :now)"
            ),
            {"body": envelope("ordo.delivery.submitted", acceptance_url=LINK), "now": NOW},
        )

    migrate(migrations_dir("delivery"), url)

    with engine.connect() as connection:
        body = connection.scalar(sa.text("SELECT body FROM outbox"))
    engine.dispose()
    assert LINK not in body

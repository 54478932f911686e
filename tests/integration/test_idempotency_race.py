"""Two requests with the same Idempotency-Key at the same moment: one create, one answer."""

import threading
import time
import uuid

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from shared.db import infrastructure_tables
from shared.http.app import create_service_app
from shared.http.auth import roles_required
from shared.http.idempotency import idempotent
from shared.http.requests import db_session
from tests.helpers import JWT_SECRET, auth
from tests.integration.conftest import create_schema

metadata = sa.MetaData()
infrastructure_tables(metadata)
widgets = sa.Table(
    "widgets",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(50)),
)
blp = Blueprint("widgets", __name__, url_prefix="/widgets")


class WidgetSchema(Schema):
    id = fields.String(dump_only=True)
    name = fields.String(required=True)


@blp.route("")
class Widgets(MethodView):
    @roles_required("sales")
    @idempotent
    @blp.arguments(WidgetSchema)
    @blp.response(201, WidgetSchema)
    def post(self, data):
        row = {"id": str(uuid.uuid4()), "name": data["name"]}
        db_session().execute(sa.insert(widgets).values(**row))
        time.sleep(0.3)  # a create that takes a moment: the other request arrives meanwhile
        return row


def test_the_same_key_twice_at_once_creates_once_and_answers_both_alike(backend):
    url = create_schema(backend, "orders", metadata)
    app = create_service_app(
        "orders",
        metadata=metadata,
        blueprints=[blp],
        handle=lambda event, session: None,
        config={"database_url": url, "broker_url": backend.broker_url, "jwt_secret": JWT_SECRET},
        title="Widgets",
    )
    headers = {**auth("sales"), "Idempotency-Key": "widget-1"}
    answers = []

    def create():
        response = app.test_client().post("/widgets", json={"name": "w"}, headers=headers)
        answers.append((response.status_code, response.get_json()))

    requests = [threading.Thread(target=create) for _ in range(2)]
    for request in requests:
        request.start()
    for request in requests:
        request.join()
    assert [status for status, _ in answers] == [201, 201]
    assert answers[0][1] == answers[1][1]
    with app.extensions["ordo"].db.sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(widgets)) == 1
    app.extensions["ordo"].db.dispose()

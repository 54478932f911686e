"""No request holds a web worker past ORDO_REQUEST_TIMEOUT_S: Python loops and database
statements alike are stopped, the caller gets a 503 problem and the worker serves on."""

import threading
import time

import pytest
import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.db import infrastructure_tables
from shared.http.app import create_service_app
from shared.http.auth import roles_required
from shared.http.requests import db_session
from tests.helpers import JWT_SECRET, auth
from tests.integration.conftest import create_schema

LIMIT = 0.5
metadata = sa.MetaData()
infrastructure_tables(metadata)
notes = sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True))
blp = Blueprint("slow", __name__, url_prefix="/slow")
LONG_STATEMENT = {
    "postgresql": "SELECT pg_sleep(30)",
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) "
    "FROM n",
}


@blp.route("/python")
class PythonLoop(MethodView):
    @roles_required("planner")
    @blp.response(200)
    def post(self):
        """Write, then compute forever"""
        db_session().execute(sa.insert(notes).values(id=1))
        while True:
            pass


@blp.route("/database")
class DatabaseWait(MethodView):
    @roles_required("planner")
    @blp.response(200)
    def post(self):
        """Write, then run a statement that never ends"""
        session = db_session()
        session.execute(sa.insert(notes).values(id=2))
        session.execute(sa.text(LONG_STATEMENT[session.get_bind().dialect.name]))


@blp.route("/count")
class Count(MethodView):
    @roles_required("planner")
    @blp.response(200)
    def get(self):
        """How many notes were written"""
        return {"notes": db_session().scalar(sa.select(sa.func.count()).select_from(notes))}


@pytest.fixture
def app(backend):
    url = create_schema(backend, "planning", metadata)
    app = create_service_app(
        "planning",
        metadata=metadata,
        blueprints=[blp],
        handle=lambda event, session: None,
        config={
            "database_url": url,
            "broker_url": backend.broker_url,
            "jwt_secret": JWT_SECRET,
            "request_timeout_seconds": LIMIT,
        },
        title="Slow",
    )
    yield app
    app.extensions["ordo"].db.dispose()


@pytest.mark.parametrize("work", ["python", "database"])
def test_a_request_past_its_time_is_stopped_with_a_503_problem_and_writes_nothing(app, work):
    client = app.test_client()
    began = time.monotonic()
    response = client.post(f"/slow/{work}", headers=auth("planner"))
    took = time.monotonic() - began
    assert response.status_code == 503 and response.content_type == "application/problem+json"
    assert response.headers["Retry-After"] and "stopped" in response.json["detail"]
    assert LIMIT <= took < LIMIT + 1.5
    assert client.get("/slow/count", headers=auth("planner")).json == {"notes": 0}


def test_stopped_requests_leave_the_other_threads_and_the_connections_serving(app):
    answers = []

    def spin():
        answers.append(app.test_client().post("/slow/python", headers=auth("planner")))

    spinning = [threading.Thread(target=spin) for _ in range(4)]
    for thread in spinning:
        thread.start()
    served = app.test_client().get("/slow/count", headers=auth("planner"))
    for thread in spinning:
        thread.join(timeout=10)
    assert served.status_code == 200
    assert [answer.status_code for answer in answers] == [503] * 4
    for _ in range(12):  # more than the pool holds: no connection was lost to the stops
        assert app.test_client().get("/slow/count", headers=auth("planner")).status_code == 200

"""Levelling jobs on PostgreSQL: requests racing for a plan, the worker's claim and progress."""

import threading

from services.planning.app import create_app
from services.planning.models import Base
from services.planning.worker import run_levelling_jobs
from tests.integration.conftest import create_schema
from tests.services.planning.conftest import Planning
from tests.services.planning.test_planning_resources import side_by_side_plan


def planning_on(backend) -> Planning:
    create_schema(backend, "planning", Base.metadata)
    app = create_app(backend.config("planning"))
    return Planning(app, app.test_client())


def test_two_levellings_asked_at_once_make_one_job_and_a_409_naming_it(backend):
    planning = planning_on(backend)
    plan, _ = side_by_side_plan(planning)
    answers = []

    def ask():
        client = planning.app.test_client()
        answers.append(Planning(planning.app, client).post(f"/plans/{plan['id']}/level"))

    racing = [threading.Thread(target=ask) for _ in range(2)]
    for thread in racing:
        thread.start()
    for thread in racing:
        thread.join()
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [202, 409]
    accepted = next(answer for answer in answers if answer.status_code == 202)
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert refused.json["job"] == accepted.headers["Location"]
    assert run_levelling_jobs(planning.app.extensions["ordo"].db) == 1
    job = planning.get(accepted.headers["Location"]).json
    assert job["status"] == "succeeded" and job["progress"] == 1.0
    assert job["result"]["unresolved"] and job["result"]["complete"] is True
    assert run_levelling_jobs(planning.app.extensions["ordo"].db) == 0  # nothing left queued

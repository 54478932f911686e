"""The health review's kept baselines and SQL sums give the figures that earned value and late
work computed straight from every row give, and what is kept is never served for a changed
calendar or a new baseline."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.planning.domain.earned_value import EarnedValueTask, earned_value
from services.planning.domain.variance import LateTask, plan_health
from services.planning.models import Plan, Task
from services.planning.usecases.network import calendar_of, plan_rows, tasks_of
from services.planning.usecases.plans import (
    baseline_numbered,
    baseline_tasks,
    forecast_as_of,
    late_work,
    plan_earned_value,
    plan_health_of,
    review_health,
    take_baseline,
)
from tests.helpers import auth
from tests.services.planning.conftest import requirement

START = date(2027, 1, 4)  # the plans' start (conftest's CONFIRMED_AT), a Monday


def straight_earned_value(session, plan, as_of):
    """Earned value as it was computed before anything was kept: every baseline leaf matched
    to its task, planned value worked out leaf by leaf."""
    current = {task.id: task for task in tasks_of(session, plan)}
    items = []
    for planned in baseline_tasks(session, baseline_numbered(session, plan, None)):
        if planned.summary:
            continue
        task = current.get(planned.task_id)
        items.append(
            EarnedValueTask(
                planned.start_date,
                planned.finish_date,
                planned.cost,
                task.percent_complete if task else 0.0,
                task.actual_cost if task else Decimal(0),
            )
        )
    return earned_value(items, as_of, calendar_of(plan))


def straight_health(session, plan, figures):
    """The plan's health as it was judged before: every task's lateness, then its leaves'."""
    tasks = tasks_of(session, plan)
    calendar = calendar_of(plan)
    finishes, finish = forecast_as_of(session, plan, tasks, figures.as_of)
    baseline = baseline_numbered(session, plan, None)
    variance = calendar.to_index(finish) - calendar.to_index(baseline.finish_date)
    lateness = late_work(session, plan, tasks, finishes)
    late = [
        LateTask(task.wbs_code, task.name, lateness[task.id][0])
        for task in tasks
        if not task.summary and lateness[task.id][1]
    ]
    return plan_health(figures.spi, figures.cpi, variance, late)


@pytest.fixture
def plan_id(planning):
    """An active plan of some twenty tasks, six work packages of different lengths."""
    requirements = [requirement(f"Package {n}", 1 + n % 4) for n in range(6)]
    _, plan = planning.confirm(requirements)
    planning.activate(plan["id"])
    return uuid.UUID(plan["id"])


percents = st.integers(0, 10_000).map(lambda hundredths: hundredths / 100)
progress = st.tuples(
    percents,
    st.decimals(0, 100_000, places=2),  # actual cost
    st.integers(-3, 12),  # days the stored finish moved from the baseline finish
    st.decimals(0, 50_000, places=2),  # cost, for a new baseline
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    progress=st.lists(progress, min_size=30, max_size=30),
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    holidays=st.sets(st.integers(0, 60).map(lambda n: START + timedelta(days=n)), max_size=4),
    as_of=st.integers(-5, 70).map(lambda n: START + timedelta(days=n)),
    status_date=st.one_of(st.none(), st.integers(0, 70).map(lambda n: START + timedelta(n))),
    rebaseline=st.booleans(),
)
def test_kept_and_summed_figures_equal_the_straight_computation(
    app, plan_id, progress, weekdays, holidays, as_of, status_date, rebaseline
):
    with app.extensions["ordo"].db.sessions() as session:
        plan = session.get(Plan, plan_id)
        plan.working_weekdays = sorted(weekdays)
        plan.holidays = sorted(day.isoformat() for day in holidays)
        plan.status_date = status_date
        leaves = [task for task in tasks_of(session, plan) if not task.summary]
        for task, (percent, actual_cost, moved, cost) in zip(leaves, progress, strict=False):
            task.percent_complete, task.actual_cost = percent, actual_cost
            task.finish_date = task.finish_date + timedelta(days=moved)
            if rebaseline:
                task.cost = cost
        if rebaseline:
            take_baseline(session, plan, "A new baseline", as_of)
        session.flush()

        expected = straight_earned_value(session, plan, as_of)
        assert plan_earned_value(session, plan, as_of) == expected
        assert plan_earned_value(session, plan, as_of, tasks=plan_rows(session, plan)) == expected
        assert plan_earned_value(session, plan, as_of, tasks=tasks_of(session, plan)) == expected

        health = straight_health(session, plan, expected)
        assert plan_health_of(session, plan, expected) == health
        assert plan_health_of(session, plan, expected, plan_rows(session, plan)) == health

        other = "off_track" if health.status == "on_track" else "on_track"
        for tasks in (None, plan_rows(session, plan)):
            plan.health = other
            review_health(session, plan, as_of, tasks)
            assert plan.health == str(health.status)
            review_health(session, plan, as_of, tasks)
            assert plan.health == str(health.status)
        session.rollback()


def earned_value_of(planning, plan_id, as_of):
    response = planning.get(f"/plans/{plan_id}/earned-value?as_of={as_of.isoformat()}")
    assert response.status_code == 200, response.json
    return response.json


def straight_figures(app, plan_id, as_of):
    with app.extensions["ordo"].db.sessions() as session:
        return straight_earned_value(session, session.get(Plan, plan_id), as_of)


def test_a_holiday_set_after_the_figures_were_kept_changes_the_planned_value(
    app, planning, plan_id
):
    # Requirements analysis is planned Mon 4 - Wed 6 Jan: by Tuesday, 2 of its 3 days.
    as_of = date(2027, 1, 5)
    before = earned_value_of(planning, plan_id, as_of)
    calendar = planning.get(f"/plans/{plan_id}/calendar")
    response = planning.client.put(
        f"/plans/{plan_id}/calendar",
        json={"working_weekdays": [0, 1, 2, 3, 4], "holidays": ["2027-01-05"]},
        headers={**auth("planner"), "If-Match": calendar.headers["ETag"]},
    )
    assert response.status_code == 200, response.json
    after = earned_value_of(planning, plan_id, as_of)
    expected = straight_figures(app, plan_id, as_of)
    assert Decimal(after["pv"]) == expected.pv != Decimal(before["pv"])


def test_a_new_baseline_is_judged_against_instead_of_the_kept_one(app, planning, plan_id):
    as_of = date(2027, 1, 12)
    before = earned_value_of(planning, plan_id, as_of)
    with app.extensions["ordo"].db.transaction() as session:
        [analysis] = [
            task
            for task in tasks_of(session, session.get(Plan, plan_id))
            if task.name == "Requirements analysis"
        ]
        analysis.cost += Decimal("1000.00")
    response = planning.post(f"/plans/{plan_id}/baselines", {"reason": "Scope grew"})
    assert response.status_code == 201, response.json
    after = earned_value_of(planning, plan_id, as_of)
    expected = straight_figures(app, plan_id, as_of)
    assert after["baseline_number"] == 2
    assert Decimal(after["bac"]) == expected.bac == Decimal(before["bac"]) + 1000
    assert Decimal(after["pv"]) == expected.pv


def test_summed_progress_counts_only_the_baseline_leaves_of_tasks_still_there(
    app, planning, plan_id
):
    with app.extensions["ordo"].db.transaction() as session:
        plan = session.get(Plan, plan_id)
        for task in tasks_of(session, plan):
            task.percent_complete, task.actual_cost = 40.0, Decimal("12.34")
        session.add(Task(plan_id=plan_id, name="Not in the baseline", actual_cost=Decimal("99.00")))
    as_of = date(2027, 1, 20)
    figures = earned_value_of(planning, plan_id, as_of)
    expected = straight_figures(app, plan_id, as_of)
    assert (Decimal(figures["ev"]), Decimal(figures["ac"])) == (expected.ev, expected.ac)
    assert expected.ac > 0

"""What is read off a plan: variance against a baseline, the Gantt chart, the status report."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.scheduling import schedule
from services.planning.domain.variance import Figures, is_late, roll_up_figures
from services.planning.models import Allocation, Resource, Risk, Task
from services.planning.render.gantt import GanttLink, GanttRow, render_gantt
from services.planning.usecases.network import (
    calendar_of,
    dependencies_of,
    network,
    outline_order,
    tasks_of,
)
from services.planning.usecases.plans import (
    baseline_numbered,
    baseline_tasks,
    baselines_of,
    earned_value_figures,
    late_work,
    read_plan,
    slip_days,
)
from shared.days import describe_slip

TOP_RISKS = 5


def variance(session: Session, plan_id: uuid.UUID, number: int) -> dict:
    """Every task's dates, effort and cost: baseline `number` vs forecast (the schedule now)
    vs actual, summaries rolled up from their leaves; totals for the plan. The actual cost is
    the one earned value uses (each leaf's booked cost), so the totals' cost variance is EV's
    CV against the same baseline."""
    plan = read_plan(session, plan_id)
    baseline = baseline_numbered(session, plan, number)
    calendar = calendar_of(plan)
    planned = {row.task_id: row for row in baseline_tasks(session, baseline)}
    tasks = outline_order(tasks_of(session, plan))
    built = network(session, plan, tasks, [])
    leaf_figures = {}
    for task in built.leaves:
        before = planned.get(task.id)
        budget = before.cost if before else Decimal(0)
        leaf_figures[task.id] = (
            Figures(
                before.effort_hours if before else 0.0,
                task.effort_hours,
                task.actual_hours,
                budget,
                task.cost,
                task.actual_cost,
            ),
            _earned(budget, task.percent_complete),
            _earned(
                Decimal(str(before.effort_hours)) if before else Decimal(0), task.percent_complete
            ),
        )
    rolled = roll_up_figures(
        {task.id: built.leaves_under(task.id) for task in tasks},
        {task_id: row[0] for task_id, row in leaf_figures.items()},
    )
    earned = {
        task.id: (
            sum((leaf_figures[leaf][1] for leaf in built.leaves_under(task.id)), Decimal(0)),
            sum((leaf_figures[leaf][2] for leaf in built.leaves_under(task.id)), Decimal(0)),
        )
        for task in tasks
    }
    rows = []
    for task in tasks:
        before = planned.pop(task.id, None)
        rows.append(task_variance(calendar, task, before, rolled[task.id], earned[task.id]))
    for before in planned.values():
        rows.append(task_variance(calendar, None, before))
    leaves = list(leaf_figures.values())
    total = Figures(
        sum(row[0].baseline_effort for row in leaves),
        sum(row[0].forecast_effort for row in leaves),
        sum(row[0].actual_effort for row in leaves),
        baseline.cost,
        sum((row[0].forecast_cost for row in leaves), Decimal(0)),
        sum((row[0].actual_cost for row in leaves), Decimal(0)),
    )
    earned_total = sum((row[1] for row in leaves), Decimal(0))
    finish_days = calendar.to_index(plan.finish_date) - calendar.to_index(baseline.finish_date)
    return {
        "baseline": baseline,
        "finish_variance_days": finish_days,
        "slip": describe_slip(finish_days),
        "totals": {
            "baseline_effort_hours": total.baseline_effort,
            "forecast_effort_hours": total.forecast_effort,
            "actual_hours": total.actual_effort,
            "baseline_cost": total.baseline_cost,
            "forecast_cost": total.forecast_cost,
            "actual_cost": total.actual_cost,
            "earned_value": _cents(earned_total),
            "cost_variance": _cents(total.forecast_cost - total.baseline_cost),
            "actual_cost_variance": _cents(earned_total - total.actual_cost),
        },
        "tasks": rows,
    }


def _earned(budget: Decimal, percent_complete: float) -> Decimal:
    return budget * Decimal(str(percent_complete)) / 100


def _cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


def task_variance(calendar: WorkCalendar, task, before, figures=None, earned=None) -> dict:
    """A task: baseline vs forecast vs actual; tasks added since, or removed since, have no
    variance. Effort and cost variance compare the forecast with the baseline; the actual
    variances compare what the work done was worth in the baseline (earned) with what it
    took (booked): negative is over budget, as EV's CV."""
    row = {
        "task_id": task.id if task else before.task_id,
        "wbs_code": (task or before).wbs_code,
        "name": (task or before).name,
        "state": "in_both" if task and before else ("added" if task else "removed"),
        "baseline_start": before.start_date if before else None,
        "baseline_finish": before.finish_date if before else None,
        "start_date": task.start_date if task else None,
        "finish_date": task.finish_date if task else None,
        "actual_start": task.actual_start if task else None,
        "actual_finish": task.actual_finish if task else None,
        "percent_complete": task.percent_complete if task else None,
        "baseline_effort_hours": before.effort_hours if before else None,
        "baseline_cost": before.cost if before else None,
    }
    if task and figures is not None:
        row.update(
            effort_hours=figures.forecast_effort,
            actual_hours=figures.actual_effort,
            cost=figures.forecast_cost,
            actual_cost=figures.actual_cost,
            earned_value=_cents(earned[0]),
            actual_cost_variance=_cents(earned[0] - figures.actual_cost),
            actual_effort_variance_hours=round(float(earned[1]) - figures.actual_effort, 2),
        )
    if task and before:
        row.update(
            start_variance_days=calendar.to_index(task.start_date)
            - calendar.to_index(before.start_date),
            finish_variance_days=calendar.to_index(task.finish_date)
            - calendar.to_index(before.finish_date),
            effort_variance_hours=task.effort_hours - before.effort_hours,
            cost_variance=task.cost - before.cost,
        )
        row["late"] = is_late(task.done, row["finish_variance_days"])
    return row


def gantt_chart(
    session: Session,
    plan_id: uuid.UUID,
    number: int | None,
    today: date,
    *,
    show_resources: bool = False,
) -> str:
    """The Gantt chart as SVG: WBS rows, progress, critical path, links, milestones, baseline
    (`number`, default the latest), actual bars, late work, today and, if asked, the resource
    names on the bars."""
    plan = read_plan(session, plan_id)
    baseline = baseline_numbered(session, plan, number)
    planned = {}
    if baseline is not None:
        planned = {row.task_id: row for row in baseline_tasks(session, baseline)}
    tasks = outline_order(tasks_of(session, plan))
    lateness = late_work(session, plan, tasks)
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    if show_resources:
        rows_of = session.execute(
            sa.select(Allocation.task_id, Resource.name)
            .join(Resource, Resource.id == Allocation.resource_id)
            .join(Task, Task.id == Allocation.task_id)
            .where(Task.plan_id == plan.id)
            .order_by(Resource.name)
        )
        for task_id, name in rows_of:
            names[task_id].append(name)
    rows = []
    for task in tasks:
        before = planned.get(task.id)
        variance_days, late = lateness.get(task.id, (None, False))
        rows.append(
            GanttRow(
                id=task.id,
                wbs_code=task.wbs_code,
                name=task.name,
                level=task.level,
                start=task.start_date,
                finish=task.finish_date,
                percent_complete=task.percent_complete,
                critical=task.critical,
                milestone=task.milestone,
                summary=task.summary,
                baseline_start=before.start_date if before else None,
                baseline_finish=before.finish_date if before else None,
                actual_start=task.actual_start,
                actual_finish=task.actual_finish,
                late=late,
                finish_variance_days=variance_days,
                resources=tuple(names.get(task.id, ())),
            )
        )
    links = [
        GanttLink(link.predecessor_id, link.successor_id, link.type)
        for link in dependencies_of(session, plan)
    ]
    title = f"{plan.order_number} · {plan.title} ({plan.status})"
    return render_gantt(
        rows,
        today=today,
        dependencies=links,
        title=title,
        status_date=plan.status_date,
        show_resources=show_resources,
    )


def status_report(session: Session, plan_id: uuid.UUID, as_of: date) -> dict:
    """Progress, earned value, critical path, top risks, milestones and slip as of a day."""
    plan = read_plan(session, plan_id)
    tasks = outline_order(tasks_of(session, plan))
    leaves = [task for task in tasks if not task.summary]
    by_id = {task.id: task for task in tasks}
    built = network(session, plan, tasks)
    critical = schedule(built.inputs, built.links).critical_path
    baselines = baselines_of(session, plan)
    first = baselines[0] if baselines else None
    planned = {}
    if baselines:
        planned = {row.task_id: row for row in baseline_tasks(session, baselines[-1])}
    top_risks = session.scalars(
        sa.select(Risk)
        .where(Risk.plan_id == plan.id, Risk.status == "open")
        .order_by(Risk.score.desc(), Risk.created_at)
        .limit(TOP_RISKS)
    ).all()
    roots = [task for task in tasks if task.parent_id is None]
    return {
        "plan": plan,
        "as_of": as_of,
        "progress": {
            "percent_complete": overall_progress(roots),
            "tasks": len(leaves),
            "tasks_done": sum(task.done for task in leaves),
            "tasks_in_progress": sum(0 < task.percent_complete < 100 for task in leaves),
        },
        "earned_value": earned_value_figures(session, plan, as_of, tasks=tasks),
        "critical_path": [by_id[task_id] for task_id in critical],
        "top_risks": top_risks,
        "milestones": [
            {
                **milestone_fields(task),
                "baseline_date": planned[task.id].finish_date if task.id in planned else None,
                "reached_on": task.actual_finish if task.done else None,
            }
            for task in leaves
            if task.milestone
        ],
        "slip": {
            "baseline_finish": first.finish_date if first else None,
            "finish_date": plan.finish_date,
            "slip_days": slip_days(plan, first) if first else None,
            "slip": describe_slip(slip_days(plan, first) if first else None),
            "due_date": plan.due_date,
            "late_tasks": sum(late for _, late in late_work(session, plan, leaves).values()),
        },
    }


def overall_progress(roots: list[Task]) -> float:
    """Percent complete of the whole plan, weighted by effort like the summary tasks."""
    effort = sum(task.effort_hours for task in roots)
    if effort > 0:
        return round(sum(task.percent_complete * task.effort_hours for task in roots) / effort, 2)
    return round(sum(task.percent_complete for task in roots) / len(roots), 2) if roots else 0.0


def milestone_fields(task: Task) -> dict:
    return {
        "id": task.id,
        "wbs_code": task.wbs_code,
        "name": task.name,
        "start_date": task.start_date,
        "finish_date": task.finish_date,
    }

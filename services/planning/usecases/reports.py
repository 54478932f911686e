"""What is read off a plan: variance against a baseline, the Gantt chart, the status report."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.calendar import WorkCalendar
from services.planning.domain.scheduling import schedule
from services.planning.models import Risk, Task
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
    read_plan,
    slip_days,
)

TOP_RISKS = 5


def variance(session: Session, plan_id: uuid.UUID, number: int) -> dict:
    """Every task's dates, effort and cost against baseline `number`."""
    plan = read_plan(session, plan_id)
    baseline = baseline_numbered(session, plan, number)
    calendar = calendar_of(plan)
    planned = {row.task_id: row for row in baseline_tasks(session, baseline)}
    rows = []
    for task in outline_order(tasks_of(session, plan)):
        before = planned.pop(task.id, None)
        rows.append(task_variance(calendar, task, before))
    for before in planned.values():
        rows.append(task_variance(calendar, None, before))
    return {
        "baseline": baseline,
        "finish_variance_days": calendar.to_index(plan.finish_date)
        - calendar.to_index(baseline.finish_date),
        "tasks": rows,
    }


def task_variance(calendar: WorkCalendar, task, before) -> dict:
    """A task against its baseline; tasks added since, or removed since, have no variance."""
    row = {
        "task_id": task.id if task else before.task_id,
        "wbs_code": (task or before).wbs_code,
        "name": (task or before).name,
        "state": "in_both" if task and before else ("added" if task else "removed"),
        "baseline_start": before.start_date if before else None,
        "baseline_finish": before.finish_date if before else None,
        "start_date": task.start_date if task else None,
        "finish_date": task.finish_date if task else None,
    }
    if task and before:
        row.update(
            start_variance_days=calendar.to_index(task.start_date)
            - calendar.to_index(before.start_date),
            finish_variance_days=calendar.to_index(task.finish_date)
            - calendar.to_index(before.finish_date),
            effort_variance_hours=task.effort_hours - before.effort_hours,
            cost_variance=task.cost - before.cost,
        )
    return row


def gantt_chart(session: Session, plan_id: uuid.UUID, number: int | None, today: date) -> str:
    """The Gantt chart as SVG: WBS rows, progress, critical path, links, milestones, baseline
    (`number`, default the latest) and today."""
    plan = read_plan(session, plan_id)
    baseline = baseline_numbered(session, plan, number)
    planned = {}
    if baseline is not None:
        planned = {row.task_id: row for row in baseline_tasks(session, baseline)}
    rows = []
    for task in outline_order(tasks_of(session, plan)):
        before = planned.get(task.id)
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
            )
        )
    links = [
        GanttLink(link.predecessor_id, link.successor_id, link.type)
        for link in dependencies_of(session, plan)
    ]
    title = f"{plan.order_number} · {plan.title} ({plan.status})"
    return render_gantt(rows, today=today, dependencies=links, title=title)


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
            "due_date": plan.due_date,
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

"""Pictures and reports of a plan: the Gantt chart and the status report."""

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning import domain, planner
from services.planning.api.plans import baseline_numbered, earned_value_body, readable_plan
from services.planning.api.support import READERS, today
from services.planning.models import Risk
from services.planning.schemas import GanttArgsSchema, ReportArgsSchema, ReportSchema
from shared.http.auth import roles_required
from shared.http.requests import db_session

blp = Blueprint("reports", __name__, url_prefix="/plans", description="Gantt chart and report")

TOP_RISKS = 5


@blp.route("/<uuid:plan_id>/gantt.svg")
class PlanGantt(MethodView):
    @roles_required(*READERS)
    @blp.arguments(GanttArgsSchema, location="query")
    @blp.response(200, content_type="image/svg+xml")
    def get(self, args, plan_id):
        """The Gantt chart: WBS rows, progress, critical path, links, milestones, baseline, today"""
        session = db_session()
        plan = readable_plan(plan_id)
        baseline = baseline_numbered(plan, args["baseline"])
        planned = {}
        if baseline is not None:
            planned = {row.task_id: row for row in planner.baseline_tasks(session, baseline)}
        rows = []
        for task in planner.outline_order(planner.tasks_of(session, plan)):
            before = planned.get(task.id)
            rows.append(
                domain.GanttRow(
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
            domain.GanttLink(link.predecessor_id, link.successor_id, link.type)
            for link in planner.dependencies_of(session, plan)
        ]
        title = f"{plan.order_number} · {plan.title} ({plan.status})"
        svg = domain.render_gantt(
            rows, today=args["today"] or today(), dependencies=links, title=title
        )
        return Response(svg, mimetype="image/svg+xml")


@blp.route("/<uuid:plan_id>/report")
class PlanReport(MethodView):
    @roles_required(*READERS)
    @blp.arguments(ReportArgsSchema, location="query")
    @blp.response(200, ReportSchema)
    def get(self, args, plan_id):
        """Progress, earned value, critical path, top risks, milestones and slip"""
        session = db_session()
        plan = readable_plan(plan_id)
        as_of = args["as_of"] or today()
        tasks = planner.outline_order(planner.tasks_of(session, plan))
        leaves = [task for task in tasks if not task.summary]
        by_id = {task.id: task for task in tasks}
        schedule = planner.network(session, plan, tasks)
        critical = domain.schedule(schedule.inputs, schedule.links).critical_path
        baselines = planner.baselines_of(session, plan)
        first = baselines[0] if baselines else None
        planned = {}
        if baselines:
            planned = {row.task_id: row for row in planner.baseline_tasks(session, baselines[-1])}
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
            "earned_value": earned_value_body(plan, as_of, tasks=tasks),
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
                "slip_days": planner.slip_days(plan, first) if first else None,
                "due_date": plan.due_date,
            },
        }


def overall_progress(roots) -> float:
    """Percent complete of the whole plan, weighted by effort like the summary tasks."""
    effort = sum(task.effort_hours for task in roots)
    if effort > 0:
        return round(sum(task.percent_complete * task.effort_hours for task in roots) / effort, 2)
    return round(sum(task.percent_complete for task in roots) / len(roots), 2) if roots else 0.0


def milestone_fields(task) -> dict:
    return {
        "id": task.id,
        "wbs_code": task.wbs_code,
        "name": task.name,
        "start_date": task.start_date,
        "finish_date": task.finish_date,
    }

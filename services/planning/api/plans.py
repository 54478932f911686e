"""Plans: one per confirmed order; activation, calendar, baselines, variance, earned value."""

from datetime import date

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning import domain, planner
from services.planning.api.support import (
    EDITORS,
    READERS,
    editable_plan,
    replanned,
    require_status,
    today,
)
from services.planning.models import Plan
from services.planning.schemas import (
    ActivateSchema,
    BaselineCreateSchema,
    BaselineSchema,
    CalendarSchema,
    EarnedValueArgsSchema,
    EarnedValueSchema,
    PlanQueryArgsSchema,
    PlanSchema,
    VarianceArgsSchema,
    VarianceSchema,
)
from shared.http.auth import roles_required
from shared.http.errors import Problem
from shared.http.requests import (
    check_if_match,
    db_session,
    etag,
    filter_by,
    get_or_404,
    page_of,
    paginate,
)

blp = Blueprint("plans", __name__, url_prefix="/plans", description="Project plans")


def readable_plan(plan_id) -> Plan:
    return get_or_404(db_session(), Plan, plan_id, "plan")


def baseline_numbered(plan: Plan, number: int | None):
    """Baseline ``number`` of the plan (404 if it has none such), or the latest (None before
    activation) when no number is given."""
    baselines = planner.baselines_of(db_session(), plan)
    if number is None:
        return baselines[-1] if baselines else None
    for baseline in baselines:
        if baseline.number == number:
            return baseline
    raise Problem(404, f"The plan has no baseline {number}.")


@blp.route("")
class Plans(MethodView):
    @roles_required(*READERS)
    @blp.arguments(PlanQueryArgsSchema, location="query")
    @blp.response(200, page_of(PlanSchema))
    def get(self, args):
        """List plans, e.g. the plan of one order"""
        query = sa.select(Plan).order_by(Plan.created_at.desc())
        query = filter_by(query, args, Plan.order_id, Plan.status)
        return paginate(db_session(), query, args)


@blp.route("/<uuid:plan_id>")
class PlansById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        """Read a plan"""
        plan = readable_plan(plan_id)
        return plan, {"ETag": etag(plan.version)}


@blp.route("/<uuid:plan_id>/activate")
class PlanActivation(MethodView):
    @roles_required(*EDITORS)
    @blp.arguments(ActivateSchema)
    @blp.response(200, PlanSchema)
    def post(self, data, plan_id):
        """Activate a draft plan: take baseline 1 and start the work"""
        session = db_session()
        plan = readable_plan(plan_id)
        require_status(plan, "draft", doing="activate")
        if data["start_date"] is not None:
            plan.start_date = data["start_date"]
        replanned(plan)
        plan.status, plan.health, plan.activated_on = "active", "on_track", today()
        baseline = planner.take_baseline(session, plan, "Activation", today())
        planner.publish(
            session,
            plan,
            "ordo.plan.activated",
            baseline_number=baseline.number,
            start_date=baseline.start_date,
            finish_date=baseline.finish_date,
        )
        return plan, {"ETag": etag(plan.version)}


@blp.route("/<uuid:plan_id>/calendar")
class PlanCalendar(MethodView):
    @roles_required(*READERS)
    @blp.response(200, CalendarSchema)
    def get(self, plan_id):
        """The plan's working weekdays (0 = Monday) and holidays"""
        plan = readable_plan(plan_id)
        return calendar_body(plan), {"ETag": etag(plan.version)}

    @roles_required(*EDITORS)
    @blp.arguments(CalendarSchema)
    @blp.response(200, CalendarSchema)
    def put(self, data, plan_id):
        """Set the working weekdays and holidays and reschedule (If-Match: the plan's ETag)"""
        plan = editable_plan(plan_id)
        check_if_match(plan.version)
        plan.working_weekdays = sorted(set(data["working_weekdays"]))
        plan.holidays = sorted({day.isoformat() for day in data["holidays"]})
        replanned(plan)
        return calendar_body(plan), {"ETag": etag(plan.version)}


def calendar_body(plan: Plan) -> dict:
    return {
        "working_weekdays": plan.working_weekdays,
        "holidays": [date.fromisoformat(day) for day in plan.holidays],
    }


@blp.route("/<uuid:plan_id>/baselines")
class PlanBaselines(MethodView):
    @roles_required(*READERS)
    @blp.response(200, BaselineSchema(many=True))
    def get(self, plan_id):
        """The plan's baselines, first to last"""
        return planner.baselines_of(db_session(), readable_plan(plan_id))

    @roles_required(*EDITORS)
    @blp.arguments(BaselineCreateSchema)
    @blp.response(201, BaselineSchema)
    def post(self, data, plan_id):
        """Take the next baseline of an active plan and publish the slip"""
        plan = readable_plan(plan_id)
        require_status(plan, "active", doing="rebaseline")
        return planner.rebaseline(db_session(), plan, data["reason"], today())


@blp.route("/<uuid:plan_id>/variance")
class PlanVariance(MethodView):
    @roles_required(*READERS)
    @blp.arguments(VarianceArgsSchema, location="query")
    @blp.response(200, VarianceSchema)
    def get(self, args, plan_id):
        """Every task's dates, effort and cost against a baseline (default 1)"""
        session = db_session()
        plan = readable_plan(plan_id)
        baseline = baseline_numbered(plan, args["baseline"])
        calendar = planner.calendar_of(plan)
        planned = {row.task_id: row for row in planner.baseline_tasks(session, baseline)}
        rows = []
        for task in planner.outline_order(planner.tasks_of(session, plan)):
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


def task_variance(calendar: domain.WorkCalendar, task, before) -> dict:
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


@blp.route("/<uuid:plan_id>/earned-value")
class PlanEarnedValue(MethodView):
    @roles_required(*READERS)
    @blp.arguments(EarnedValueArgsSchema, location="query")
    @blp.response(200, EarnedValueSchema)
    def get(self, args, plan_id):
        """PV, EV, AC, SV, CV, SPI, CPI, EAC, ETC, VAC and forecast finish as of a date"""
        plan = readable_plan(plan_id)
        if args["baseline"] is not None:
            baseline_numbered(plan, args["baseline"])
        body = earned_value_body(plan, args["as_of"] or today(), args["baseline"])
        if body is None:
            raise Problem(409, "Earned value needs a baseline: activate the plan first.")
        return body


def earned_value_body(
    plan: Plan, as_of: date, number: int | None = None, tasks: list | None = None
) -> dict | None:
    session = db_session()
    figures = planner.earned_value(session, plan, as_of, number, tasks)
    if figures is None:
        return None
    baselines = planner.baselines_of(session, plan)
    return {
        **figures.__dict__,
        "baseline_number": number or baselines[-1].number,
        "currency": plan.currency,
        "status": str(figures.status),
        "thresholds": {
            "on_track_min": float(domain.ON_TRACK_MIN),
            "off_track_below": float(domain.OFF_TRACK_BELOW),
        },
    }

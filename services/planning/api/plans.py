"""Plans: one per confirmed order; activation, calendar, baselines, variance, earned value."""

from flask.views import MethodView
from flask_smorest import Blueprint

from services.planning.api.support import READERS, today, versioned
from services.planning.domain.status import PLAN_STATUS
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
from services.planning.usecases.plans import (
    activate_plan,
    earned_value_report,
    list_plans,
    plan_baselines,
    plan_calendar,
    read_plan,
    set_calendar,
    take_next_baseline,
)
from services.planning.usecases.reports import variance
from shared.http.auth import roles_required
from shared.http.contract import if_match_optional
from shared.http.requests import db_session, if_match, page_of, paginate

blp = Blueprint("plans", __name__, url_prefix="/plans", description="Project plans")


@blp.route("")
class Plans(MethodView):
    @roles_required(*READERS)
    @blp.arguments(PlanQueryArgsSchema(), location="query")
    @blp.response(200, page_of(PlanSchema))
    def get(self, args):
        """List plans, e.g. the plan of one order"""
        query = list_plans(args.get("order_id"), args.get("status"))
        return paginate(db_session(), query, args)


@blp.route("/<uuid:plan_id>")
class PlansById(MethodView):
    @roles_required(*READERS)
    @blp.response(200, PlanSchema)
    def get(self, plan_id):
        """Read a plan"""
        return versioned(read_plan(db_session(), plan_id))


@blp.route("/<uuid:plan_id>/activate")
class PlanActivation(MethodView):
    @roles_required(*PLAN_STATUS.roles_for("activate"))
    @blp.arguments(ActivateSchema())
    @blp.response(200, PlanSchema)
    @if_match_optional
    def post(self, data, plan_id):
        """Activate a draft plan: take baseline 1 and start the work"""
        plan = activate_plan(
            db_session(), plan_id, data["start_date"], today(), if_match(required=False)
        )
        return versioned(plan)


@blp.route("/<uuid:plan_id>/calendar")
class PlanCalendar(MethodView):
    @roles_required(*READERS)
    @blp.response(200, CalendarSchema)
    def get(self, plan_id):
        """The plan's working weekdays (0 = Monday) and holidays"""
        plan = read_plan(db_session(), plan_id)
        return versioned(plan, plan_calendar(plan))

    @roles_required(*PLAN_STATUS.roles_for("edit"))
    @blp.arguments(CalendarSchema())
    @blp.response(200, CalendarSchema)
    def put(self, data, plan_id):
        """Set the working weekdays and holidays and reschedule (If-Match: the plan's ETag)"""
        plan = set_calendar(
            db_session(), plan_id, data["working_weekdays"], data["holidays"], if_match()
        )
        return versioned(plan, plan_calendar(plan))


@blp.route("/<uuid:plan_id>/baselines")
class PlanBaselines(MethodView):
    @roles_required(*READERS)
    @blp.response(200, BaselineSchema(many=True))
    def get(self, plan_id):
        """The plan's baselines, first to last"""
        return plan_baselines(db_session(), plan_id)

    @roles_required(*PLAN_STATUS.roles_for("rebaseline"))
    @blp.arguments(BaselineCreateSchema())
    @blp.response(201, BaselineSchema)
    def post(self, data, plan_id):
        """Take the next baseline of an active plan and publish the slip"""
        return take_next_baseline(db_session(), plan_id, data["reason"], today())


@blp.route("/<uuid:plan_id>/variance")
class PlanVariance(MethodView):
    @roles_required(*READERS)
    @blp.arguments(VarianceArgsSchema(), location="query")
    @blp.response(200, VarianceSchema)
    def get(self, args, plan_id):
        """Every task's dates, effort and cost against a baseline (default 1)"""
        return variance(db_session(), plan_id, args["baseline"])


@blp.route("/<uuid:plan_id>/earned-value")
class PlanEarnedValue(MethodView):
    @roles_required(*READERS)
    @blp.arguments(EarnedValueArgsSchema(), location="query")
    @blp.response(200, EarnedValueSchema)
    def get(self, args, plan_id):
        """PV, EV, AC, SV, CV, SPI, CPI, EAC, ETC, VAC and forecast finish as of a date"""
        as_of = args["as_of"] or today()
        return earned_value_report(db_session(), plan_id, as_of, args["baseline"])

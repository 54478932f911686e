"""Plans: one per confirmed order; activation, calendar, baselines, progress follow-up, health,
cancellation and acceptance."""

from __future__ import annotations

import logging
import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.planning.domain.earned_value import OFF_TRACK_BELOW, ON_TRACK_MIN, EarnedValue
from services.planning.domain.scheduling import index_span_to_dates, schedule
from services.planning.domain.status import PLAN_STATUS
from services.planning.domain.template import standard_plan
from services.planning.domain.variance import Health, LateTask, is_late, plan_health
from services.planning.models import (
    MONDAY_TO_FRIDAY,
    Baseline,
    BaselineTask,
    Dependency,
    Plan,
    Reaction,
    Task,
)
from services.planning.usecases import publish, publish_about
from services.planning.usecases.baseline_figures import (
    PlannedBaseline,
    baseline_earned_value,
    late_leaves,
    planned_baseline,
)
from services.planning.usecases.network import (
    calendar_of,
    network,
    new_task,
    plan_allowing,
    replan,
    requirement_tasks,
    schedule_refusals,
    tasks_of,
)
from services.planning.usecases.new_plan import store_new_plan
from shared.db import new_id
from shared.errors import Conflict, NotFound
from shared.events.contracts.planning import (
    MilestoneReached,
    PlanActivated,
    PlanCreated,
    PlanRebaselined,
    PlanStatusChanged,
)
from shared.usecases import ANY_VERSION, IfMatch, find

logger = logging.getLogger(__name__)


class PlanNotYetCreated(LookupError):
    """The order's confirmation has not arrived yet; the inbox retries the event later."""


class NoSuchBaseline(NotFound):
    def __init__(self, number: int) -> None:
        super().__init__("baseline", number)
        self.detail = f"The plan has no baseline {number}."


def list_plans(order_id: uuid.UUID | None = None, status: str | None = None) -> sa.Select:
    """Plans, newest first, of one order or in one status if given."""
    query = sa.select(Plan).order_by(Plan.created_at.desc())
    if order_id is not None:
        query = query.where(Plan.order_id == order_id)
    if status is not None:
        query = query.where(Plan.status == status)
    return query


def read_plan(session: Session, plan_id: uuid.UUID) -> Plan:
    return find(session, Plan, plan_id, "plan")


def plan_of_order(session: Session, order_id: uuid.UUID) -> Plan | None:
    """The order's plan to act on, or None when there is nothing to do: the plan is cancelled,
    or the order was cancelled before its confirmation arrived (so it never gets a plan)."""
    plan = session.scalar(sa.select(Plan).where(Plan.order_id == order_id))
    if plan is None:
        if Reaction.seen(session, order_id, "cancelled"):
            return None
        raise PlanNotYetCreated(f"no plan for order {order_id} yet")
    return None if plan.status == "cancelled" else plan


# Built once, of the tables (not the ORM entities): the cheapest query to run once an event.
_PLANNED_OR_CANCELLED = sa.select(
    sa.exists().where(Plan.__table__.c.order_id == sa.bindparam("order_id")),
    sa.exists().where(
        Reaction.__table__.c.order_id == sa.bindparam("order_id"),
        Reaction.__table__.c.key == "cancelled",
    ),
)


def create_plan_for_order(session: Session, order: dict) -> uuid.UUID | None:
    """Exactly one draft plan per order: analysis, a work package per requirement, QC, delivery.

    Returns the new plan's id; None if the order has a plan already or was cancelled first."""
    order_id = order["order_id"]
    planned, cancelled = session.execute(_PLANNED_OR_CANCELLED, {"order_id": order_id}).one()
    if planned:
        return None
    if cancelled:
        logger.info("order %s was cancelled before its confirmation arrived", order_id)
        return None
    start = order["confirmed_at"].date()
    plan = Plan(
        id=new_id(),
        order_id=order_id,
        order_number=order["number"],
        customer_id=order["customer_id"],
        title=order["title"],
        start_date=start,
        finish_date=start,
        due_date=order["due_date"],
        customer_email=order.get("customer_email"),
        contact_name=order.get("contact_name"),
        customer_locale=order.get("customer_locale"),
        currency=(order.get("value") or {}).get("currency", "EUR"),
        working_weekdays=list(MONDAY_TO_FRIDAY),
        holidays=[],
        criteria={
            str(criterion["criterion_id"]): criterion["text"]
            for requirement in order["requirements"]
            for criterion in requirement["acceptance_criteria"]
        },
        # Version 2, as plans were always announced: stored (1), then touched by the
        # announcement of its creation, as every planning event touches its plan.
        version=2,
    )
    template = standard_plan(order["requirements"])
    made: dict[str, Task] = {}
    for position, planned_task in enumerate(template.tasks):
        made[planned_task.key] = new_task(
            plan,
            name=planned_task.name,
            duration=planned_task.duration,
            milestone=planned_task.milestone,
            origin=planned_task.origin,
            department=planned_task.department,
            requirement_id=planned_task.requirement_id,
            parent_id=made[planned_task.parent].id if planned_task.parent else None,
            position=position,
        )
    tasks = list(made.values())
    links = [
        Dependency(
            plan_id=plan.id, predecessor_id=made[a].id, successor_id=made[b].id, type="FS", lag=0
        )
        for a, b in template.links
    ]
    # Scheduled before anything is stored, so that each row is inserted once, complete.
    replan(session, plan, tasks, links, new=True)
    store_new_plan(session, plan, tasks, links)
    publish(
        session,
        PlanCreated,
        {
            "order_id": order_id,
            "plan_id": plan.id,
            "version": plan.version,
            "start_date": plan.start_date,
            "finish_date": plan.finish_date,
            "requirement_tasks": requirement_tasks(session, plan, tasks),
        },
    )
    return plan.id


def activate_plan(
    session: Session,
    plan_id: uuid.UUID,
    start_date: date | None,
    today: date,
    if_match: IfMatch = ANY_VERSION,
) -> Plan:
    """Activate a draft plan: reschedule from `start_date` if given, take baseline 1, publish."""
    plan = plan_allowing(session, plan_id, "activate")
    if_match.check(plan.version)
    if start_date is not None:
        plan.start_date = start_date
    replan(session, plan)
    plan.status = PLAN_STATUS.next_status(plan.status, "activate")
    plan.health, plan.activated_on = "on_track", today
    baseline = take_baseline(session, plan, "Activation", today)
    publish_about(
        session,
        plan,
        PlanActivated,
        baseline_number=baseline.number,
        start_date=baseline.start_date,
        finish_date=baseline.finish_date,
    )
    return plan


def plan_calendar(plan: Plan) -> dict:
    """The plan's working weekdays (0 = Monday) and holidays."""
    return {
        "working_weekdays": plan.working_weekdays,
        "holidays": [date.fromisoformat(day) for day in plan.holidays],
    }


def set_calendar(
    session: Session,
    plan_id: uuid.UUID,
    working_weekdays: list[int],
    holidays: list[date],
    if_match: IfMatch = ANY_VERSION,
) -> Plan:
    """Set the working weekdays and holidays and reschedule."""
    plan = plan_allowing(session, plan_id)
    if_match.check(plan.version)
    plan.working_weekdays = sorted(set(working_weekdays))
    plan.holidays = sorted({day.isoformat() for day in holidays})
    replan(session, plan)
    return plan


def cancel_plan(session: Session, order_id: uuid.UUID, reason: str) -> None:
    """Stop the order's plan; an order cancelled before its confirmation gets no plan."""
    if not Reaction.once(session, order_id, "cancelled"):
        return
    plan = session.scalar(sa.select(Plan).where(Plan.order_id == order_id))
    if plan is not None:
        plan.status = PLAN_STATUS.next_status(plan.status, "cancel")
        plan.cancelled_reason = reason


# Baselines ----------------------------------------------------------------------------------


# Built once: every task response reads it (building a statement cost more than running it).
_BASELINES_OF = (
    sa.select(Baseline).where(Baseline.plan_id == sa.bindparam("plan_id")).order_by(Baseline.number)
)


def baselines_of(session: Session, plan: Plan) -> list[Baseline]:
    return list(session.scalars(_BASELINES_OF, {"plan_id": plan.id}))


def plan_baselines(session: Session, plan_id: uuid.UUID) -> list[Baseline]:
    """The plan's baselines, first to last."""
    return baselines_of(session, read_plan(session, plan_id))


def baseline_tasks(session: Session, baseline: Baseline) -> list[sa.Row]:
    """The baseline's rows as plain rows with the columns as attributes (read-only facts: an
    ORM object each would cost more than the reports that read them). A baseline never
    changes, so its rows are read once a session."""
    read = session.info.setdefault("baseline_rows", {})
    if baseline.id not in read:
        table = BaselineTask.__table__
        read[baseline.id] = list(
            session.execute(sa.select(*table.c).where(table.c.baseline_id == baseline.id))
        )
    return read[baseline.id]


def baseline_numbered(session: Session, plan: Plan, number: int | None) -> Baseline | None:
    """Baseline `number` of the plan (NotFound if it has none such), or the latest (None before
    activation) when no number is given."""
    baselines = baselines_of(session, plan)
    if number is None:
        return baselines[-1] if baselines else None
    for baseline in baselines:
        if baseline.number == number:
            return baseline
    raise NoSuchBaseline(number)


def take_baseline(session: Session, plan: Plan, reason: str, today: date) -> Baseline:
    tasks = tasks_of(session, plan)
    leaves = [task for task in tasks if not task.summary]
    baseline = Baseline(
        plan_id=plan.id,
        number=len(baselines_of(session, plan)) + 1,
        reason=reason,
        taken_on=today,
        start_date=min((task.start_date for task in leaves), default=plan.start_date),
        finish_date=plan.finish_date,
        effort_hours=sum(task.effort_hours for task in leaves),
        cost=sum((task.cost for task in leaves), Decimal(0)),
    )
    session.add(baseline)
    session.flush()
    for task in tasks:
        session.add(
            BaselineTask(
                baseline_id=baseline.id,
                task_id=task.id,
                wbs_code=task.wbs_code,
                name=task.name,
                summary=task.summary,
                milestone=task.milestone,
                start_date=task.start_date,
                finish_date=task.finish_date,
                effort_hours=task.effort_hours,
                cost=task.cost,
            )
        )
    return baseline


def slip_days(plan: Plan, first: Baseline) -> int:
    """Working days the plan's finish lies after baseline 1's finish (negative: earlier)."""
    calendar = calendar_of(plan)
    return calendar.to_index(plan.finish_date) - calendar.to_index(first.finish_date)


def take_next_baseline(session: Session, plan_id: uuid.UUID, reason: str, today: date) -> Baseline:
    """Take the next baseline of an active plan and publish the slip."""
    plan = plan_allowing(session, plan_id, "rebaseline")
    return rebaseline(session, plan, reason, today)


def rebaseline(
    session: Session, plan: Plan, reason: str, today: date, extra: dict | None = None
) -> Baseline | None:
    """Take the next baseline and publish ``ordo.plan.rebaselined``; None before activation."""
    earlier = baselines_of(session, plan)
    if not earlier:
        return None
    baseline = take_baseline(session, plan, reason, today)
    publish_about(
        session,
        plan,
        PlanRebaselined,
        baseline_number=baseline.number,
        finish_date=plan.finish_date,
        previous_finish_date=earlier[-1].finish_date,
        slip_days=slip_days(plan, earlier[0]),
        reason=reason,
        **(extra or {}),
    )
    return baseline


# Earned value, progress and health ----------------------------------------------------------


def plan_earned_value(
    session: Session,
    plan: Plan,
    as_of: date,
    number: int | None = None,
    tasks: list[Task] | None = None,
) -> EarnedValue | None:
    """EV as of a date against a baseline (default the latest); None before activation.

    `tasks` are the plan's tasks (objects or rows) when the caller has them already; without
    them the stored tasks' progress is summed in SQL."""
    baseline = baseline_numbered(session, plan, number)
    if baseline is None:
        return None
    planned = planned_baseline(session, baseline, calendar_of(plan))
    return baseline_earned_value(session, planned, baseline, as_of, tasks)


def earned_value_figures(
    session: Session,
    plan: Plan,
    as_of: date,
    number: int | None = None,
    tasks: list[Task] | None = None,
) -> dict | None:
    """The earned-value read model: figures, baseline, currency, status and thresholds; None
    before activation."""
    figures = plan_earned_value(session, plan, as_of, number, tasks)
    if figures is None:
        return None
    baselines = baselines_of(session, plan)
    health = plan_health_of(session, plan, figures, tasks)
    return {
        **figures.__dict__,
        "baseline_number": number or baselines[-1].number,
        "currency": plan.currency,
        "status": str(health.status),
        "reasons": list(health.reasons),
        "thresholds": {
            "on_track_min": float(ON_TRACK_MIN),
            "off_track_below": float(OFF_TRACK_BELOW),
        },
    }


def earned_value_report(
    session: Session, plan_id: uuid.UUID, as_of: date, number: int | None = None
) -> dict:
    """PV, EV, AC, SV, CV, SPI, CPI, EAC, ETC, VAC and forecast finish as of a date; Conflict
    before activation."""
    plan = read_plan(session, plan_id)
    if number is not None:
        baseline_numbered(session, plan, number)
    body = earned_value_figures(session, plan, as_of, number)
    if body is None:
        raise Conflict("Earned value needs a baseline: activate the plan first.")
    return body


def review_health(
    session: Session, plan: Plan, as_of: date, tasks: list[Task] | None = None
) -> None:
    """Publish ``ordo.plan.status_changed`` when earned value moves the plan's health.

    `tasks` are the plan's tasks (objects or rows) when the caller has them; without them the
    stored tasks are read in SQL (flush what they must show first), and loaded only when the
    stored schedule is older than `as_of`."""
    if plan.status not in ("active", "completed"):
        return
    baseline = baseline_numbered(session, plan, None)
    if baseline is None:
        return
    planned = planned_baseline(session, baseline, calendar_of(plan))
    figures = baseline_earned_value(session, planned, baseline, as_of, tasks)
    health = _health(session, plan, baseline, planned, figures, tasks, unless=plan.health)
    if health is None:
        return
    status = str(health.status)
    previous, plan.health = plan.health, status
    publish_about(
        session,
        plan,
        PlanStatusChanged,
        status=status,
        previous_status=previous,
        spi=None if figures.spi is None else float(figures.spi),
        cpi=None if figures.cpi is None else float(figures.cpi),
        forecast_finish=figures.forecast_finish,
        reasons=list(health.reasons),
    )


def late_work(
    session: Session,
    plan: Plan,
    tasks: list[Task] | None = None,
    finishes: dict[uuid.UUID, date] | None = None,
) -> dict:
    """Each task's finish variance in working days against the latest baseline (None: not in
    it) and whether it is late, from the stored schedule or the given forecast `finishes`;
    empty before activation."""
    baseline = baseline_numbered(session, plan, None)
    if baseline is None:
        return {}
    planned = planned_baseline(session, baseline, calendar_of(plan))
    result = {}
    for task in tasks_of(session, plan) if tasks is None else tasks:
        before = planned.finishes.get(task.id.int)
        finish = (finishes or {}).get(task.id, task.finish_date)
        if before is None or finish is None:
            result[task.id] = (None, False)
            continue
        days = planned.day_index(finish) - before[1]
        result[task.id] = (days, is_late(task.done, days))
    return result


def forecast_as_of(
    session: Session, plan: Plan, tasks: list[Task] | None, as_of: date
) -> tuple[dict[uuid.UUID, date], date]:
    """The leaves' forecast finishes and the plan's, as of `as_of`: the stored schedule when
    it holds on that day (see :func:`_stored_schedule_holds`), else the network (of `tasks`,
    default the stored ones) rescheduled as of `as_of` (work not reported since is moved after
    it), without storing anything."""
    if _stored_schedule_holds(plan, as_of):
        return {}, plan.finish_date
    built = network(session, plan, tasks, status_date=as_of)
    scheduled = schedule(built.inputs, built.links)
    finishes = {
        task_id: index_span_to_dates(built.calendar, item.early_start, item.early_finish)[1]
        for task_id, item in scheduled.tasks.items()
    }
    return finishes, max(finishes.values(), default=plan.finish_date)


def _stored_schedule_holds(plan: Plan, as_of: date) -> bool:
    """True when the plan's status date is `as_of` or later: its stored schedule is then the
    forecast as of `as_of`."""
    return plan.status_date is not None and plan.status_date >= as_of


def plan_health_of(
    session: Session, plan: Plan, figures: EarnedValue, tasks: list[Task] | None = None
) -> Health:
    """The plan's RAG status and its reasons, as of the figures' day: the indices, the
    forecast finish against the latest baseline and the late leaf tasks."""
    baseline = baseline_numbered(session, plan, None)
    planned = planned_baseline(session, baseline, calendar_of(plan))
    return _health(session, plan, baseline, planned, figures, tasks)


def _health(
    session: Session,
    plan: Plan,
    baseline: Baseline,
    planned: PlannedBaseline,
    figures: EarnedValue,
    tasks: list[Task] | None,
    unless: str | None = None,
) -> Health | None:
    """:func:`plan_health_of` against the latest baseline, planned in the plan's calendar; None
    when the status is `unless`. The status tells only whether some leaf is late (see
    variance.plan_health): the late leaves are looked for only when that can change it, and
    all of them counted and named only for the reasons of a status that changed."""
    if tasks is None and not _stored_schedule_holds(plan, figures.as_of):
        tasks = tasks_of(session, plan)
    with schedule_refusals(session):
        finishes, finish = forecast_as_of(session, plan, tasks, figures.as_of)
    to_index = planned.calendar.to_index
    finish_variance = to_index(finish) - to_index(baseline.finish_date)

    def judged(late) -> Health:
        return plan_health(figures.spi, figures.cpi, finish_variance, late)

    def late(most: int | None = None) -> list[LateTask]:
        return late_leaves(session, plan, planned, baseline, tasks, finishes, most)

    if unless is not None:
        either = {str(judged(late_ones).status) for late_ones in ((), (_SOME_LATE_LEAF,))}
        if either == {unless} or (len(either) > 1 and str(judged(late(most=1)).status) == unless):
            return None
    return judged(late())


#: Stands for whichever leaf may be late, to see whether one would change a plan's status.
_SOME_LATE_LEAF = LateTask("", "", 1)


def active_plan_ids(session: Session) -> list[uuid.UUID]:
    return list(session.scalars(sa.select(Plan.id).where(Plan.status == "active")))


def review_health_of_active_plan(session: Session, plan_id: uuid.UUID, today: date) -> None:
    """Judge an active plan's health as of today (nothing if it is no longer active)."""
    plan = session.get(Plan, plan_id)
    if plan is not None and plan.status == "active":
        review_health(session, plan, today)


# Acceptance ---------------------------------------------------------------------------------


def accept_delivery(
    session: Session,
    order_id: uuid.UUID,
    package_version: int,
    signed_on: date,
) -> None:
    """The customer accepted: the delivery milestone is reached and the plan is completed."""
    plan = plan_of_order(session, order_id)
    if plan is None or plan.accepted_on is not None:
        return
    newest_decision(session, plan, package_version)
    plan.accepted_on = signed_on
    delivery = task_of_origin(session, plan, "delivery")
    if delivery is not None and not delivery.done:
        delivery.percent_complete = 100.0
        delivery.actual_start = delivery.actual_finish = signed_on
        publish_about(
            session,
            plan,
            MilestoneReached,
            task_id=delivery.id,
            name=delivery.name,
            reached_on=signed_on,
        )
    if plan.status != "completed":
        plan.status = PLAN_STATUS.next_status(plan.status, "accept_delivery")
        plan.completed_on = plan.completed_on or signed_on
    replan(session, plan)


def newest_decision(
    session: Session, plan: Plan, package_version: int, increment_id: uuid.UUID | None = None
) -> bool:
    """True if no decision about this or a later package (of the same increment, if any) has
    been seen yet; then remember it.

    The customer decides on one package after the other, so a decision about a package no
    newer than one already decided on is a duplicate or arrived late, and changes nothing.
    Packages of different increments are decided independently."""
    prefix = f"decided:{increment_id}:" if increment_id else "decided:"
    decided = [key for key in Reaction.keys(session, plan.order_id, prefix) if key.isdigit()]
    if any(int(version) >= package_version for version in decided):
        return False
    session.add(Reaction(order_id=plan.order_id, key=f"{prefix}{package_version}"))
    return True


def task_of_origin(session: Session, plan: Plan, origin: str) -> Task | None:
    """The plan's first task made for `origin` (analysis, quality_control, delivery …)."""
    query = sa.select(Task).where(Task.plan_id == plan.id, Task.origin == origin)
    return session.scalars(query.order_by(Task.created_at)).first()

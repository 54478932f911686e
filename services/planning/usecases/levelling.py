"""Levelling jobs: a planner asks for a levelling; the worker runs it within a time budget.

A job is `queued` when asked for, `running` once a worker claims it, then `succeeded` (with its
result: the moves, what stays unresolved, the finish before and after, whether it ran to the
end or stopped at its budget with the best result by then) or `failed` (with the refusal). A
plan has at most one job queued or running; a job whose worker died is claimed again once it
has been running for ABANDONED_AFTER_SECONDS (far longer than any budget).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.planning.domain.levelling import Bounds, LevellingMode
from services.planning.models import LevellingJob
from services.planning.usecases.network import plan_allowing
from services.planning.usecases.resources import level_plan
from shared.db import utcnow
from shared.errors import Conflict, DomainError
from shared.usecases import find

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
UNFINISHED = (QUEUED, RUNNING)
ABANDONED_AFTER_SECONDS = 300


def job_path(job_id: uuid.UUID) -> str:
    return f"/levelling-jobs/{job_id}"


def request_levelling(
    session: Session,
    plan_id: uuid.UUID,
    mode: LevellingMode,
    dry_run: bool,
    budget_seconds: float,
) -> LevellingJob:
    """Queue a levelling of the plan for the worker. Refused (409) for a plan whose status does
    not allow levelling, and while another levelling of the plan is queued or running (the
    problem names that job)."""
    plan = plan_allowing(session, plan_id, "level")
    _refuse_if_unfinished(session, plan.id)
    job = LevellingJob(
        plan_id=plan.id,
        mode=str(mode),
        dry_run=dry_run,
        status=QUEUED,
        progress=0.0,
        budget_seconds=budget_seconds,
    )
    try:
        with session.begin_nested():  # two requests at once: the unique index lets one in
            session.add(job)
    except IntegrityError:
        _refuse_if_unfinished(session, plan.id)
        raise
    return job


def _refuse_if_unfinished(session: Session, plan_id: uuid.UUID) -> None:
    unfinished = session.scalar(
        sa.select(LevellingJob.id).where(
            LevellingJob.plan_id == plan_id, LevellingJob.status.in_(UNFINISHED)
        )
    )
    if unfinished is not None:
        raise Conflict(
            "A levelling of this plan is already queued or running; wait for it to finish.",
            job=job_path(unfinished),
            job_id=str(unfinished),
        )


def read_levelling_job(session: Session, job_id: uuid.UUID) -> LevellingJob:
    job = find(session, LevellingJob, job_id, "levelling job")
    if job.result is not None:
        job.outcome = _from_json(job.result)  # typed again for the response schema
    return job


def claim_levelling_job(session: Session) -> uuid.UUID | None:
    """Take the oldest queued job (or one abandoned by a dead worker) and mark it running."""
    now = utcnow()
    abandoned = LevellingJob.started_at < now - timedelta(seconds=ABANDONED_AFTER_SECONDS)
    job = session.scalar(
        sa.select(LevellingJob)
        .where(
            sa.or_(
                LevellingJob.status == QUEUED,
                sa.and_(LevellingJob.status == RUNNING, abandoned),
            )
        )
        .order_by(LevellingJob.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if job is None:
        return None
    job.status, job.started_at, job.progress = RUNNING, now, 0.0
    return job.id


def run_levelling_job(
    session: Session,
    job_id: uuid.UUID,
    stop: Callable[[], bool],
    progress: Callable[[float], None],
    today: date,
) -> LevellingJob:
    """Level the job's plan as it is now, bounded by `stop`; apply the result unless a dry run
    (as POST /plans/{id}/level did: delays stored as start constraints, a moved finish
    rebaselined); record the result, or the refusal as the job's error."""
    job = session.get(LevellingJob, job_id)
    try:
        with session.begin_nested():
            result = level_plan(
                session,
                job.plan_id,
                job.dry_run,
                LevellingMode(job.mode),
                today,
                Bounds(stop, progress),
            )
    except DomainError as refused:
        job.status, job.error = FAILED, refused.detail
    else:
        job.status, job.result, job.complete = SUCCEEDED, _to_json(result), result["complete"]
        job.progress = 1.0
    job.finished_at = utcnow()
    return job


def budget_of(session: Session, job_id: uuid.UUID) -> float:
    return session.get(LevellingJob, job_id).budget_seconds


def report_progress(session: Session, job_id: uuid.UUID, done: float) -> None:
    """How far a running job got (0 to 1), written beside its own transaction."""
    session.execute(
        sa.update(LevellingJob)
        .where(LevellingJob.id == job_id, LevellingJob.status == RUNNING)
        .values(progress=round(done, 3))
    )


def fail_levelling_job(session: Session, job_id: uuid.UUID, error: str) -> None:
    """Mark a job failed that the worker could not run (the error is logged in full)."""
    job = session.get(LevellingJob, job_id)
    job.status, job.error, job.finished_at = FAILED, error[:2000], utcnow()


def _to_json(result: dict) -> dict:
    """The levelling result with its ids and dates as text, to be stored as JSON."""
    stored = {key: value for key, value in result.items() if key not in ("moves", "unresolved")}
    for key in ("original_finish_date", "finish_date"):
        stored[key] = result[key].isoformat()
    stored["moves"] = [
        {
            **move,
            "task_id": str(move["task_id"]),
            "old_start": move["old_start"].isoformat(),
            "new_start": move["new_start"].isoformat(),
        }
        for move in result["moves"]
    ]
    stored["unresolved"] = [
        {**over, "resource_id": str(over["resource_id"]), "date": over["date"].isoformat()}
        for over in result["unresolved"]
    ]
    return stored


def _from_json(stored: dict) -> dict:
    result = dict(stored)
    for key in ("original_finish_date", "finish_date"):
        result[key] = date.fromisoformat(stored[key])
    result["moves"] = [
        {
            **move,
            "task_id": uuid.UUID(move["task_id"]),
            "old_start": date.fromisoformat(move["old_start"]),
            "new_start": date.fromisoformat(move["new_start"]),
        }
        for move in stored["moves"]
    ]
    result["unresolved"] = [
        {
            **over,
            "resource_id": uuid.UUID(over["resource_id"]),
            "date": date.fromisoformat(over["date"]),
        }
        for over in stored["unresolved"]
    ]
    return result

"""Endpoints every service has: health, readiness, metrics, the inbox, outbox and mail admin API."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from shared import mail
from shared.events.broker import connect
from shared.events.inbox import DEAD, FAILED, PROCESSED
from shared.http.auth import public, roles_required
from shared.http.contract import responds
from shared.http.errors import Problem
from shared.http.headers import check_metrics_token
from shared.http.requests import PageArgsSchema, db_session, page_of, paginate

REQUESTS = Counter(
    "ordo_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
LATENCY = Histogram(
    "ordo_http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"]
)
# Counted from the database at each scrape; under several gunicorn workers the latest counts.
OUTBOX_ROWS = Gauge(
    "ordo_outbox_events",
    "Outbox events by state",
    ["service", "state"],
    multiprocess_mode="mostrecent",
)
INBOX_ROWS = Gauge(
    "ordo_inbox_events",
    "Inbox events by status",
    ["service", "status"],
    multiprocess_mode="mostrecent",
)
# The mail outbox by status (pending, sending, failed, sent, dead): sent and dead only grow,
# like counters, and are read from the table because the workers that send serve no /metrics.
MAIL_ROWS = Gauge(
    "ordo_mail_messages",
    "Mails in the mail outbox by status",
    ["service", "status"],
    multiprocess_mode="mostrecent",
)

health = Blueprint("operations", __name__, description="Health, readiness and metrics")
admin = Blueprint(
    "admin", __name__, url_prefix="/admin", description="Inbox, outbox and mail operations"
)


def start_timer() -> None:
    g.started_at = time.perf_counter()


def observe(response):
    route = request.url_rule.rule if request.url_rule else "unmatched"
    service = current_app.extensions["ordo"].settings.service
    REQUESTS.labels(service, request.method, route, response.status_code).inc()
    if "started_at" in g:
        LATENCY.labels(service, request.method, route).observe(time.perf_counter() - g.started_at)
    return response


#: 1 when the service's last broker check connected, 0 when it failed (absent before the first).
BROKER_UP = Gauge(
    "ordo_broker_up",
    "Whether the last broker check connected (checked at most every BROKER_CHECK_SECONDS)",
    ["service"],
    multiprocess_mode="mostrecent",
)
BROKER_CHECK_SECONDS = 30.0
UNKNOWN = "unknown"


class BrokerProbe:
    """The broker's last known state, for /healthz and /metrics, never on the request's path.

    The web process needs no broker to answer (the outbox keeps the events until the worker's
    relay publishes them), so the broker is not part of readiness; operators still see it. A
    call reads the last result; when it is older than `every` seconds, one background thread
    opens one connection to check again. So probes stay cheap and never wait on a broker that
    is away, and a process opens at most one broker connection per `every` seconds for this."""

    def __init__(self, settings, every: float = BROKER_CHECK_SECONDS):
        self.settings = settings
        self.every = every
        self.state = UNKNOWN
        self.checked_at: datetime | None = None
        self._due = 0.0
        self._checking = threading.Lock()

    def current(self) -> tuple[str, datetime | None]:
        now = time.monotonic()
        if now >= self._due and self._checking.acquire(blocking=False):
            self._due = now + self.every
            threading.Thread(target=self._check, name="ordo-broker-probe", daemon=True).start()
        return self.state, self.checked_at

    def _check(self) -> None:
        try:
            self.refresh()
        finally:
            self._checking.release()

    def refresh(self) -> str:
        """Connect once, now, and remember how it went."""
        try:
            with connect(self.settings) as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
            state = "ok"
        except Exception as error:  # any failure means unavailable; say which
            state = f"unavailable: {type(error).__name__}"
        self.state, self.checked_at = state, datetime.now(UTC)
        BROKER_UP.labels(self.settings.service).set(1 if state == "ok" else 0)
        return state


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "description": "Dependencies the process does not need to be alive or ready, as "
            "last seen: `broker` is ok, `unavailable: <error>` or `unknown` (not checked yet)",
            "example": {"broker": "ok"},
        },
    )
    broker_checked_at = fields.DateTime(
        allow_none=True, metadata={"description": "When the broker was last checked"}
    )


class ReadinessSchema(Schema):
    status = fields.String(metadata={"example": "ready"})
    checks = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"example": {"database": "ok"}}
    )


@health.route("/healthz")
@public
@health.doc(operationId="health.live")
@health.response(200, HealthSchema)
def healthz():
    """Alive: the process answers (liveness). The broker's last known state is in `checks`:
    it is checked in the background at most every 30 s and never makes this call fail."""
    state, checked_at = current_app.extensions["ordo"].broker.current()
    return {"status": "ok", "checks": {"broker": state}, "broker_checked_at": checked_at}


@health.route("/readyz")
@public
@responds(503)
@health.doc(operationId="health.ready")
@health.response(200, ReadinessSchema)
def readyz():
    """Ready: the database answers. A broker outage does not make the service unready: requests
    still commit their events to the outbox, which the worker publishes once the broker is back
    (see the broker's state in /healthz)."""
    ordo = current_app.extensions["ordo"]
    try:
        ordo.db.ping()
    except Exception as error:  # any failure means not ready; say which
        checks = {"database": f"unavailable: {type(error).__name__}"}
        raise Problem(
            503, "The database is unavailable.", title="Not Ready", checks=checks
        ) from None
    return {"status": "ready", "checks": {"database": "ok"}}


@health.route("/metrics")
@public
@responds(401)
@health.doc(operationId="health.metrics")
@health.response(200, content_type="text/plain", description="Prometheus text exposition")
def metrics():
    """Prometheus metrics: requests, latency, outbox backlog, inbox and mail by status.

    Open unless ORDO_METRICS_TOKEN is set; then only `Authorization: Bearer <that token>`
    reads them (401 otherwise)."""
    check_metrics_token()
    ordo = current_app.extensions["ordo"]
    ordo.broker.current()  # keeps ordo_broker_up fresh (a background check when stale)
    service = ordo.settings.service
    tables = ordo.db.tables
    with ordo.db.sessions() as session:
        published = tables.outbox.c.published_at.is_(None)
        counts = dict(
            session.execute(
                sa.select(published, sa.func.count()).select_from(tables.outbox).group_by(published)
            ).all()
        )
        inbox = dict(
            session.execute(
                sa.select(tables.inbox.c.status, sa.func.count()).group_by(tables.inbox.c.status)
            ).all()
        )
        mails = dict(
            session.execute(
                sa.select(tables.mail.c.status, sa.func.count()).group_by(tables.mail.c.status)
            ).all()
        )
    OUTBOX_ROWS.labels(service, "pending").set(counts.get(True, 0))
    OUTBOX_ROWS.labels(service, "published").set(counts.get(False, 0))
    for status in (PROCESSED, FAILED, DEAD):
        INBOX_ROWS.labels(service, status).set(inbox.get(status, 0))
    for status in mail.STATUSES:
        MAIL_ROWS.labels(service, status).set(mails.get(status, 0))
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _registry():
    """Every worker process's metrics under gunicorn (multiprocess mode), else this one's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


class InboxQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf((PROCESSED, FAILED, DEAD)))
    type = fields.String()


class InboxEventSchema(Schema):
    id = fields.String()
    type = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    received_at = fields.DateTime()
    processed_at = fields.DateTime(allow_none=True)
    body = fields.Function(lambda row: row.body.decode("utf-8", errors="replace"))


class OutboxBacklogSchema(Schema):
    pending = fields.Integer()
    oldest_pending_at = fields.DateTime(allow_none=True)
    published_retained = fields.Integer()
    last_published_at = fields.DateTime(allow_none=True)


@admin.route("/inbox")
class InboxEvents(MethodView):
    @roles_required("admin")
    @admin.doc(operationId="inbox.list")
    @admin.arguments(InboxQueryArgsSchema, location="query")
    @admin.response(200, page_of(InboxEventSchema))
    def get(self, args):
        """List received events, e.g. the dead ones"""
        table = current_app.extensions["ordo"].db.tables.inbox
        query = sa.select(table).order_by(table.c.received_at.desc())
        if "status" in args:
            query = query.where(table.c.status == args["status"])
        if "type" in args:
            query = query.where(table.c.type == args["type"])
        return paginate(db_session(), query, args, rows=True)


@admin.route("/inbox/<string:event_id>/replay")
class InboxEventReplay(MethodView):
    @roles_required("admin")
    @admin.response(200, InboxEventSchema)
    def post(self, event_id):
        """Run a dead event again now, with a fresh retry budget"""
        ordo = current_app.extensions["ordo"]
        table = ordo.db.tables.inbox
        with ordo.db.sessions() as session:
            row = session.execute(sa.select(table).where(table.c.id == event_id)).first()
        if row is None:
            raise Problem(404, f"No received event {event_id}.")
        if row.status != DEAD:
            raise Problem(409, f"Only dead events are replayed; this one is {row.status}.")
        ordo.inbox.replay(event_id)
        with ordo.db.sessions() as session:
            return session.execute(sa.select(table).where(table.c.id == event_id)).first()


@admin.route("/outbox")
class OutboxBacklog(MethodView):
    @roles_required("admin")
    @admin.doc(operationId="outbox.get")
    @admin.response(200, OutboxBacklogSchema)
    def get(self):
        """The events waiting to be published"""
        table = current_app.extensions["ordo"].db.tables.outbox
        pending = table.c.published_at.is_(None)
        session = db_session()
        return {
            "pending": session.scalar(sa.select(sa.func.count()).where(pending)),
            "oldest_pending_at": session.scalar(
                sa.select(sa.func.min(table.c.created_at)).where(pending)
            ),
            "published_retained": session.scalar(sa.select(sa.func.count()).where(~pending)),
            "last_published_at": session.scalar(sa.select(sa.func.max(table.c.published_at))),
        }


class MailQueryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(mail.STATUSES))
    kind = fields.String(validate=validate.Length(max=64))


class MailSchema(Schema):
    """A queued mail as admins see it: what, to whom and how it went, never its text (a
    customer's link may be in it)."""

    id = fields.UUID()
    kind = fields.String()
    to = fields.String(attribute="to_address")
    to_name = fields.String(allow_none=True)
    subject = fields.String()
    locale = fields.String()
    order_id = fields.UUID(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


@admin.route("/mail")
class Mails(MethodView):
    @roles_required("admin")
    @admin.doc(operationId="mail.list")
    @admin.arguments(MailQueryArgsSchema, location="query")
    @admin.response(200, page_of(MailSchema))
    def get(self, args):
        """List the mails sent and waiting, e.g. the dead ones (never their text)"""
        session = db_session()
        query = mail.mail_listing(session, args.get("status"), args.get("kind"))
        return paginate(session, query, args, rows=True)


@admin.route("/mail/<uuid:mail_id>/resend")
class MailResend(MethodView):
    @roles_required("admin")
    @admin.response(200, MailSchema)
    def post(self, mail_id):
        """Send a failed or dead mail again, with a fresh retry budget"""
        return mail.resend_mail(db_session(), mail_id)

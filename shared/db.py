"""Engines, sessions, the tables every service shares (outbox, inbox, idempotency, mail,
counters), notifications, migrations."""

from __future__ import annotations

import logging
import select
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from shared import money, tracing

logger = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def engine_url(url: str) -> str:
    """Pin PostgreSQL URLs to psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


#: How long opening a PostgreSQL connection may take (unless the URL says connect_timeout).
CONNECT_TIMEOUT_SECONDS = 5


def make_engine(url: str) -> sa.Engine:
    url = engine_url(url)
    if url.startswith("sqlite"):
        path = sa.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, open transactions so BEGIN is explicit.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    # A database that is away fails a request within seconds (503), instead of holding it.
    timeout = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    engine = sa.create_engine(url, pool_size=10, max_overflow=20, connect_args=timeout)
    event.listen(engine, "checkout", _discard_if_closed_by_server)
    return engine


def _discard_if_closed_by_server(dbapi_connection, _record, _proxy) -> None:
    """Pool checkout: a connection the server has closed while it sat in the pool (a restart,
    a failover, pg_terminate_backend, a cut proxy) is replaced before a request gets it.

    An idle pooled connection is sent nothing, so anything readable on its socket is the
    server's farewell: its last error and the end of the stream. Looking costs one poll(2)
    where a pre-ping cost a round trip with every checkout; a connection that dies after the
    look fails its statement, and SQLAlchemy then invalidates the whole pool."""
    if dbapi_connection.closed:
        raise sa.exc.DisconnectionError("the connection was closed")
    unread = select.poll()
    unread.register(dbapi_connection.fileno(), select.POLLIN)
    if unread.poll(0):
        raise sa.exc.DisconnectionError("the server closed the connection while it was pooled")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: How the services' typed models map Python types to columns: money as NUMERIC(14, 2).
TYPE_ANNOTATIONS = {
    datetime: UTCDateTime,
    Decimal: sa.Numeric(money.DIGITS, money.PLACES),
    dict: sa.JSON,
    list: sa.JSON,
}


def infrastructure_tables(metadata: sa.MetaData) -> Infrastructure:
    """Add the outbox, inbox, idempotency and mail outbox tables to a service's metadata."""
    big_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("position", big_id, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("type", sa.String(128), nullable=False),
        sa.Column("subject", sa.String(64)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("published_at", UTCDateTime, index=True),
    )
    inbox = sa.Table(
        "inbox",
        metadata,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("type", sa.String(128)),
        sa.Column("subject", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("last_error", sa.Text),
        sa.Column("next_attempt_at", UTCDateTime),
        sa.Column("body", sa.LargeBinary, nullable=False),  # exactly as received
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("processed_at", UTCDateTime),
        # The retention job's deletes (shared.retention) find old processed rows by range.
        sa.Index("ix_inbox_processed", "status", "processed_at"),
        sa.Index("ix_inbox_list", "received_at"),  # the admin list, newest first
    )
    idempotency = sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("scope", sa.String(300), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Index("ix_idempotency_keys_created_at", "created_at"),  # expired keys, by range
    )
    mail = sa.Table(
        "mail_outbox",
        metadata,
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("to_address", sa.String(320), nullable=False),
        sa.Column("to_name", sa.String(200)),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("text_body", sa.Text),  # erased once sent: a sent link stays with its reader
        sa.Column("html_body", sa.Text),
        # [{filename, content_type, content (base64)}], erased with the bodies once sent
        sa.Column("attachments", sa.JSON(none_as_null=True)),
        sa.Column("order_id", sa.Uuid, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        sa.Index("ix_mail_outbox_sent", "status", "sent_at"),  # sent mail past its retention
        sa.Index("ix_mail_outbox_list", "created_at", "id"),  # the admin list, newest first
    )
    counters = sa.Table(
        "counters",
        metadata,
        sa.Column("name", sa.String(300), primary_key=True),  # "order_number:2026"
        sa.Column("last", sa.BigInteger, nullable=False),
    )
    return Infrastructure(outbox, inbox, idempotency, mail, counters)


@dataclass(frozen=True)
class Infrastructure:
    outbox: sa.Table
    inbox: sa.Table
    idempotency: sa.Table
    mail: sa.Table
    counters: sa.Table

    @classmethod
    def of(cls, metadata: sa.MetaData) -> Infrastructure:
        tables = metadata.tables
        return cls(
            tables["outbox"],
            tables["inbox"],
            tables["idempotency_keys"],
            tables["mail_outbox"],
            tables["counters"],
        )


class Database:
    """One service's engine and session factory; build it after fork, never at import."""

    def __init__(self, url: str, metadata: sa.MetaData, service: str | None = None, settings=None):
        self.url = url
        self.service = service
        self.metadata = metadata
        self.engine = make_engine(url)
        tracing.instrument_engine(self.engine)
        self.tables = Infrastructure.of(metadata)
        self.sessions = sessionmaker(
            self.engine,
            expire_on_commit=False,
            info={"tables": self.tables, "service": service, "settings": settings},
        )

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits at the end of the block, or rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def create_all(self) -> None:
        self.metadata.create_all(self.engine)

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


#: Rows one pruning statement deletes: short transactions, locks held briefly.
PRUNE_BATCH_ROWS = 1000
#: The pause between two pruning statements, so requests and handlers get the table.
PRUNE_PAUSE_SECONDS = 0.01


def prune(
    db: Database,
    table: sa.Table,
    *conditions: sa.ColumnElement[bool],
    batch: int = PRUNE_BATCH_ROWS,
    pause: float = PRUNE_PAUSE_SECONDS,
) -> int:
    """Delete the rows of `table` matching `conditions`, `batch` rows per statement and
    transaction, until none is left; returns how many were deleted.

    Each statement picks its rows by primary key in a subquery with a LIMIT, so no transaction
    holds more than `batch` rows and a large backlog never becomes one long lock.
    """
    key = sa.tuple_(*table.primary_key.columns)
    chosen = sa.select(*table.primary_key.columns).where(*conditions).limit(batch)
    deleted = 0
    while True:
        with db.transaction() as session:
            count = session.execute(sa.delete(table).where(key.in_(chosen))).rowcount
        deleted += count
        if count < batch:
            return deleted
        time.sleep(pause)


def tables_of(session: Session) -> Infrastructure:
    return session.info["tables"]


def settings_of(session: Session):
    """The settings of the service this session belongs to (handlers sign links with them)."""
    return session.info["settings"]


def notify(session: Session, channel: str) -> None:
    """On PostgreSQL, NOTIFY `channel` when the session's transaction commits (not before,
    and not at all if it rolls back): a ChannelWaiter listening on it wakes at once."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(f"NOTIFY {channel}"))


class ChannelWaiter:
    """Sleeps until new rows may be waiting for a loop (the relay, the mail sender).

    On PostgreSQL it LISTENs on `channel`, which `notify()` signals at commit, so the loop
    wakes at once and a quiet table costs no queries (it still looks every second, in case a
    notification was missed). Elsewhere it polls every `idle_seconds`.
    """

    FALLBACK_SECONDS = 1.0

    def __init__(self, db: Database, channel: str, idle_seconds: float):
        self.channel = channel
        self.idle_seconds = idle_seconds
        self.url = (
            sa.make_url(db.engine.url).set(drivername="postgresql").render_as_string(False)
            if db.is_postgres
            else None
        )
        self._connection = None

    def wait(self, stop: threading.Event) -> None:
        if self.url is None:
            stop.wait(self.idle_seconds)
            return
        try:
            listener = self._listener()
            for _ in listener.notifies(timeout=self.FALLBACK_SECONDS, stop_after=1):
                pass
        except psycopg.Error:
            logger.warning("lost the %s notifications; polling until they return", self.channel)
            self.close()
            stop.wait(self.idle_seconds)

    def _listener(self):
        if self._connection is None:
            self._connection = psycopg.connect(self.url, autocommit=True)
            self._connection.execute(f"LISTEN {self.channel}")
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def migrate(migrations_dir: Path, url: str, revision: str = "heads") -> None:
    """Upgrade a service's database with its Alembic scripts (every head: features may branch)."""
    from alembic import command

    command.upgrade(alembic_config(migrations_dir, url), revision)


def alembic_config(migrations_dir: Path, url: str):
    from alembic.config import Config

    # The stream of now: Config's default is the sys.stdout of when alembic was first imported.
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", engine_url(url).replace("%", "%%"))
    return config


def run_alembic_env(metadata: sa.MetaData) -> None:
    """The body of every service's migrations/env.py (online mode only)."""
    from alembic import context

    url = context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    by_hand = expression_indexes(metadata)

    def compared(item, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "index" and name in by_hand)

    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=compared,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def expression_indexes(metadata: sa.MetaData) -> set[str]:
    """Indexes over expressions: their migrations are written by hand, and autogenerate leaves
    them out (it cannot compare an expression with PostgreSQL's rewriting of it)."""
    return {
        index.name
        for table in metadata.tables.values()
        for index in table.indexes
        if index.name and any(not isinstance(part, sa.Column) for part in index.expressions)
    }


class Reactions:
    """Mixin for a service's `reactions` table: what it already did about an order's events
    (a change applied, a package decided, a cancellation), keyed per order, so that a re-sent
    event (with a new id) or one overtaken by a later one changes nothing.

    A service declares `class Reaction(Reactions, Base)` with a docstring of what it keeps.
    """

    __tablename__ = "reactions"
    __table_args__ = (sa.UniqueConstraint("order_id", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    key: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def seen(cls, session: Session, order_id, key: str) -> bool:
        query = sa.select(cls.id).where(cls.order_id == order_id, cls.key == key)
        return session.scalar(query) is not None

    @classmethod
    def once(cls, session: Session, order_id, key: str) -> bool:
        """True the first time (and remember it); False if it happened already."""
        if cls.seen(session, order_id, key):
            return False
        session.add(cls(order_id=order_id, key=key))
        return True

    @classmethod
    def keys(cls, session: Session, order_id, prefix: str) -> list[str]:
        """The keys remembered for the order that start with `prefix`, without it."""
        query = sa.select(cls.key).where(cls.order_id == order_id, cls.key.startswith(prefix))
        return [key.removeprefix(prefix) for key in session.scalars(query)]


def filter_by(query: sa.Select, args: Mapping[str, Any], *columns) -> sa.Select:
    """Narrow `query` to rows equal to each argument named like one of `columns`."""
    for column in columns:
        if column.key in args:
            query = query.where(column == args[column.key])
    return query

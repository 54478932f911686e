"""Settings read from the environment (12-factor), with development defaults."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

SERVICES = ("orders", "planning", "delivery", "feedback")
DEFAULT_PORTS = {"orders": 8001, "planning": 8002, "delivery": 8003, "feedback": 8004}

#: Signs tokens and links in embedded mode only: outside it, `secret_refusal` refuses it.
DEVELOPMENT_JWT_SECRET = "ordo-embedded-mode-development-secret-do-not-deploy"
DEVELOPMENT_PORTAL_SECRET = "ordo-embedded-mode-portal-session-secret-do-not-deploy"
MIN_SECRET_BYTES = 32
EMBEDDED_BROKERS = ("filesystem", "memory")
PLACEHOLDER_MARKERS = (
    "change-me",
    "changeme",
    "change_me",
    "replace-me",
    "replaceme",
    "placeholder",
    "do-not-deploy",
    "your-secret",
)


def var_dir() -> Path:
    """Where the embedded mode keeps its SQLite files and broker folders."""
    return Path(os.environ.get("ORDO_VAR_DIR", "var")).resolve()


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _env_optional_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def _env_flag(name: str, default: bool) -> bool:
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def database_url(service: str) -> str:
    default = f"sqlite:///{var_dir() / f'{service}.db'}"
    return _env(f"ORDO_{service.upper()}_DATABASE_URL", default)


def broker_url() -> str:
    return _env("ORDO_BROKER_URL", "filesystem://")


def port(service: str) -> int:
    return _env_int(f"ORDO_{service.upper()}_PORT", DEFAULT_PORTS[service])


def public_url(service: str, settings: Settings | None = None) -> str:
    """Where customers reach `service` (ORDO_<SERVICE>_PUBLIC_URL, as `ordo up` sets it); for
    the service of `settings` (a running process's), as that process was configured."""
    if settings is not None and settings.service == service:
        return settings.public_base_url
    return _env(f"ORDO_{service.upper()}_PUBLIC_URL", f"http://127.0.0.1:{port(service)}")


@dataclass(frozen=True)
class Settings:
    """Everything one service process needs to know about its surroundings."""

    service: str
    database_url: str
    broker_url: str
    jwt_secret: str
    jwt_public_key: str | None = None
    namespace: str = ""
    queue_type: str = "classic"
    prefetch: int = 50
    inbox_max_attempts: int = 5
    inbox_retry_base_seconds: float = 1.0
    inbox_batch_size: int = 50  # messages recorded per transaction (at most the prefetch)
    inbox_batch_seconds: float = 0.05  # the longest a batch gathers before it is recorded
    levelling_budget_seconds: float = 8.0  # a levelling job stops with its best result by then
    outbox_retention_days: int = 7
    inbox_retention_days: int = 7
    mail_retention_days: int = 30
    idempotency_ttl_hours: int = 24
    relay_batch_size: int = 200
    relay_idle_seconds: float = 0.02
    confirm_timeout_seconds: float = 5.0
    max_body_bytes: int = 1024 * 1024
    request_timeout_seconds: float = 30.0  # no request holds a web worker longer
    link_ttl_hours: int = 14 * 24
    acceptance_code: bool = False
    public_base_url: str = ""
    trusted_proxies: int = 0
    rate_limit_storage: str = "memory://"
    link_rate_limit: str = "20 per minute"
    auth_failure_rate_limit: str = "30 per minute"
    heartbeat_file: str | None = None
    worker_metrics_port: int | None = None  # the worker's /metrics and /readyz (0: any free)
    smtp_url: str | None = None
    mail_from: str = "Ordo <ordo@localhost>"
    mail_max_attempts: int = 8
    mail_retry_base_seconds: float = 2.0
    mail_dir: str = "var/mail"
    hsts: bool = False
    metrics_token: str | None = None
    # The customer portal's session cookie (shared.portal): one secret for all four services.
    portal_secret: str = ""
    portal_idle_minutes: int = 30
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def exchange(self) -> str:
        return prefixed(self.namespace, "ordo.events")

    @property
    def queue(self) -> str:
        return prefixed(self.namespace, f"ordo.{self.service}")

    def with_overrides(self, overrides: dict[str, Any] | None) -> Settings:
        if not overrides:
            return self
        known = {k: v for k, v in overrides.items() if k in self.__dataclass_fields__}
        extra = {k: v for k, v in overrides.items() if k not in self.__dataclass_fields__}
        return replace(self, **known, extra={**self.extra, **extra})


def prefixed(namespace: str, name: str) -> str:
    return f"{namespace}.{name}" if namespace else name


def load_settings(service: str, overrides: dict[str, Any] | None = None) -> Settings:
    """Settings for `service` from the environment, then `overrides` (tests use these)."""
    settings = Settings(
        service=service,
        database_url=database_url(service),
        broker_url=broker_url(),
        jwt_secret=_env("ORDO_JWT_SECRET", DEVELOPMENT_JWT_SECRET),
        jwt_public_key=os.environ.get("ORDO_JWT_PUBLIC_KEY") or None,
        namespace=_env("ORDO_NAMESPACE", ""),
        queue_type=_env("ORDO_QUEUE_TYPE", "classic"),
        prefetch=_env_int("ORDO_PREFETCH", 50),
        inbox_max_attempts=_env_int("ORDO_INBOX_MAX_ATTEMPTS", 5),
        inbox_retry_base_seconds=_env_float("ORDO_INBOX_RETRY_BASE_SECONDS", 1.0),
        inbox_batch_size=_env_int("ORDO_INBOX_BATCH_SIZE", 50),
        inbox_batch_seconds=_env_float("ORDO_INBOX_BATCH_SECONDS", 0.05),
        levelling_budget_seconds=_env_float("ORDO_LEVELLING_BUDGET_SECONDS", 8.0),
        outbox_retention_days=_env_int("ORDO_OUTBOX_RETENTION_DAYS", 7),
        inbox_retention_days=_env_int("ORDO_INBOX_RETENTION_DAYS", 7),
        mail_retention_days=_env_int("ORDO_MAIL_RETENTION_DAYS", 30),
        idempotency_ttl_hours=_env_int("ORDO_IDEMPOTENCY_TTL_HOURS", 24),
        relay_batch_size=_env_int("ORDO_RELAY_BATCH_SIZE", 200),
        confirm_timeout_seconds=_env_float("ORDO_CONFIRM_TIMEOUT_SECONDS", 5.0),
        max_body_bytes=_env_int("ORDO_MAX_BODY_BYTES", 1024 * 1024),
        request_timeout_seconds=_env_float("ORDO_REQUEST_TIMEOUT_S", 30.0),
        link_ttl_hours=_env_int("ORDO_LINK_TTL_HOURS", 14 * 24),
        acceptance_code=_env_flag("ORDO_ACCEPTANCE_CODE", False),
        trusted_proxies=_env_int("ORDO_TRUSTED_PROXIES", 0),
        rate_limit_storage=_env("ORDO_RATE_LIMIT_STORAGE", "memory://"),
        link_rate_limit=_env("ORDO_LINK_RATE_LIMIT", "20 per minute"),
        auth_failure_rate_limit=_env("ORDO_AUTH_FAILURE_RATE_LIMIT", "30 per minute"),
        heartbeat_file=os.environ.get("ORDO_WORKER_HEARTBEAT_FILE") or None,
        worker_metrics_port=_env_optional_int("ORDO_WORKER_METRICS_PORT"),
        smtp_url=os.environ.get("ORDO_SMTP_URL") or None,
        mail_from=_env("ORDO_MAIL_FROM", "Ordo <ordo@localhost>"),
        mail_max_attempts=_env_int("ORDO_MAIL_MAX_ATTEMPTS", 8),
        mail_retry_base_seconds=_env_float("ORDO_MAIL_RETRY_BASE_SECONDS", 2.0),
        mail_dir=str(var_dir() / "mail"),
        hsts=_env_flag("ORDO_HSTS", False),
        metrics_token=os.environ.get("ORDO_METRICS_TOKEN") or None,
        portal_secret=_env("ORDO_PORTAL_SECRET", DEVELOPMENT_PORTAL_SECRET),
        portal_idle_minutes=_env_int("ORDO_PORTAL_IDLE_MINUTES", 30),
        public_base_url=public_url(service),
    )
    if settings.queue_type not in ("classic", "quorum"):
        raise ValueError(f"ORDO_QUEUE_TYPE must be classic or quorum, not {settings.queue_type!r}")
    if settings.jwt_public_key and not os.environ.get("ORDO_JWT_SECRET"):
        # Acceptance and survey links are signed with the secret whatever verifies the tokens;
        # the development default would let anyone forge them.
        raise ValueError("ORDO_JWT_PUBLIC_KEY needs ORDO_JWT_SECRET too: it signs the links")
    settings = settings.with_overrides(overrides)
    chosen_secret = (overrides or {}).get("jwt_secret") or os.environ.get("ORDO_JWT_SECRET")
    refusal = secret_refusal(chosen_secret, [settings.database_url], settings.broker_url)
    if refusal:
        raise ValueError(refusal)
    return settings


def portal_secret_refusal(settings: Settings) -> str | None:
    """Why the web app may not sign the portal's session cookie with ORDO_PORTAL_SECRET, or None
    (the same rules as the JWT secret; only web processes need it, so only they refuse)."""
    return secret_refusal(
        settings.portal_secret, [settings.database_url], settings.broker_url, "ORDO_PORTAL_SECRET"
    )


def is_embedded(database_urls: Iterable[str], broker_url: str) -> bool:
    """Embedded mode: every database is SQLite and the broker is a folder or memory."""
    scheme = broker_url.partition("://")[0].lower()
    return scheme in EMBEDDED_BROKERS and all(
        url.lower().startswith("sqlite") for url in database_urls
    )


def secret_refusal(
    secret: str | None,
    database_urls: Iterable[str],
    broker_url: str,
    name: str = "ORDO_JWT_SECRET",
) -> str | None:
    """Why `secret` (the variable `name`, None when unset) may not sign tokens, links or the
    portal's session cookie, or None.

    Embedded mode runs on one developer's machine and may use the development default.
    Anywhere else, whoever knows the secret mints admin tokens and forges customers' links:
    it must be set, be no known placeholder, and hold at least MIN_SECRET_BYTES bytes.
    """
    if is_embedded(database_urls, broker_url):
        return None
    outside = "outside embedded mode (SQLite and a filesystem:// or memory:// broker)"
    advice = "generate one with `openssl rand -hex 32`"
    if not secret:
        return f"{name} must be set {outside}; {advice}"
    lowered = secret.lower()
    development = (DEVELOPMENT_JWT_SECRET, DEVELOPMENT_PORTAL_SECRET)
    if secret in development or any(mark in lowered for mark in PLACEHOLDER_MARKERS):
        return f"{name} is a placeholder, refused {outside}; {advice}"
    length = len(secret.encode())
    if length < MIN_SECRET_BYTES:
        return f"{name} is {length} bytes, {outside} it needs at least {MIN_SECRET_BYTES}; {advice}"
    return None

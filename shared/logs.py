"""JSON log lines (python-json-logger) with every `extra=` field, the request, correlation and
trace ids, and no secret: links' tokens, bearer tokens, passwords in URLs and the configured
secrets are masked in the finished line, whatever field they were in. ORDO_LOG_FORMAT=text
prints the same fields as one readable line each (`ordo up` on a terminal does)."""

from __future__ import annotations

import logging
import os
import re
import sys
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from shared.context import current_cause
from shared.links import REDACTED, redact_links

#: Environment variables whose values must never appear in a log line, whatever logged them.
SECRET_VARIABLES = ("ORDO_JWT_SECRET", "ORDO_PORTAL_SECRET", "ORDO_METRICS_TOKEN")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/:@\s\"']*:)[^@\s\"'/]+@", re.IGNORECASE)
_BEARER = re.compile(r"(\bBearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: time, level, service, logger, message, then the record's
    `extra=` fields and the ids of what is being done."""

    def __init__(self, service: str, secrets: tuple[str, ...] = ()):
        super().__init__(
            "%(message)s",
            rename_fields={"exc_info": "exception", "stack_info": "stack"},
            json_ensure_ascii=False,
        )
        self.service = service
        self.secrets = tuple(secret for secret in secrets if len(secret) >= 8)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict):
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(
            timespec="milliseconds"
        )
        log_data["level"] = record.levelname.lower()
        log_data["service"] = self.service
        log_data["logger"] = record.name
        super().add_fields(log_data, record, message_dict)
        cause = current_cause()
        request_id = log_data.get("request_id") or _request_id()
        if request_id:
            log_data["request_id"] = request_id
        if cause.correlation_id and "correlation_id" not in log_data:
            log_data["correlation_id"] = cause.correlation_id
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            log_data["trace_id"] = format(span.trace_id, "032x")
            log_data["span_id"] = format(span.span_id, "016x")

    def jsonify_log_record(self, log_data) -> str:
        return redact_secrets(super().jsonify_log_record(log_data), self.secrets)


class TextFormatter(JsonFormatter):
    """The JSON line's fields, for a person at a terminal: `12:00:01.234 INFO orders
    services.orders.api: message`, then the other fields as key=value and any traceback below,
    masked alike."""

    HEAD = ("time", "level", "service", "logger", "message", "exception", "stack")

    def jsonify_log_record(self, log_data) -> str:
        line = (
            f"{log_data['time'][11:23]} {log_data['level'].upper():<7} {log_data['service']} "
            f"{log_data['logger']}: {log_data.get('message', '')}"
        )
        fields = " ".join(f"{k}={v}" for k, v in log_data.items() if k not in self.HEAD)
        text = "\n".join(
            part
            for part in (
                f"{line} {fields}" if fields else line,
                log_data.get("exception"),
                log_data.get("stack"),
            )
            if part
        )
        return redact_secrets(text, self.secrets)


def redact_secrets(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with links' and bearer tokens, URL passwords and the given secrets masked."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    text = _URL_PASSWORD.sub(rf"\g<1>{REDACTED}@", text)
    return redact_links(text)


def _request_id() -> str | None:
    try:
        from flask import g, has_request_context
    except ImportError:  # workers do not need Flask
        return None
    return g.get("request_id") if has_request_context() else None


def log_level() -> str:
    """ORDO_LOG_LEVEL (debug, info, warning, error), INFO by default."""
    level = (os.environ.get("ORDO_LOG_LEVEL") or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(f"ORDO_LOG_LEVEL must be debug, info, warning or error, not {level!r}")
    return level


def log_format() -> type[JsonFormatter]:
    """ORDO_LOG_FORMAT: json (the default: for collectors) or text (for a terminal)."""
    name = (os.environ.get("ORDO_LOG_FORMAT") or "json").lower()
    formats = {"json": JsonFormatter, "text": TextFormatter}
    if name not in formats:
        raise ValueError(f"ORDO_LOG_FORMAT must be json or text, not {name!r}")
    return formats[name]


def configure_logging(service: str, level: str | None = None) -> None:
    """Send lines to stderr at ORDO_LOG_LEVEL in ORDO_LOG_FORMAT; idempotent, so tests may
    create many apps."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    secrets = tuple(os.environ[name] for name in SECRET_VARIABLES if os.environ.get(name))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(log_format()(service, secrets))
    root.addHandler(handler)
    root.setLevel(level or log_level())

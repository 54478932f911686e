"""JSON log lines carrying the request id and correlation id."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from shared.context import current_cause
from shared.links import redact_links


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        cause = current_cause()
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": redact_links(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or _request_id()
        if request_id:
            line["request_id"] = request_id
        if cause.correlation_id:
            line["correlation_id"] = cause.correlation_id
        if record.exc_info:
            line["exception"] = redact_links(self.formatException(record.exc_info))
        return json.dumps(line, default=str)


def _request_id() -> str | None:
    try:
        from flask import g, has_request_context
    except ImportError:  # workers do not need Flask
        return None
    return g.get("request_id") if has_request_context() else None


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send JSON lines to stderr; idempotent, so tests may create many apps."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root.addHandler(handler)
    root.setLevel(level)

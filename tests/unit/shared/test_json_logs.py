"""shared.logs: one JSON object per line, every extra field kept, ids added, secrets masked."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from shared.context import caused_by
from shared.logs import JsonFormatter, TextFormatter, log_format, log_level

SECRET = "a-signing-secret-of-some-length-123"


def formatted(message: str, *args, extra: dict | None = None, exc_info=None) -> dict:
    record = logging.getLogger("ordo.test").makeRecord(
        "ordo.test", logging.WARNING, __file__, 1, message, args, exc_info, extra=extra
    )
    return json.loads(JsonFormatter("orders", (SECRET,)).format(record))


def test_a_line_keeps_every_extra_field_beside_the_usual_ones():
    line = formatted("order %s confirmed", "ORD-1", extra={"order_id": "o-1", "attempt": 2})
    assert line["message"] == "order ORD-1 confirmed"
    assert (line["level"], line["service"], line["logger"]) == ("warning", "orders", "ordo.test")
    assert (line["order_id"], line["attempt"]) == ("o-1", 2)
    assert line["time"].endswith("+00:00")


def test_a_line_carries_the_correlation_id_of_the_event_being_handled():
    with caused_by("corr-7", "event-9"):
        assert formatted("handled")["correlation_id"] == "corr-7"


def test_a_line_carries_the_trace_and_span_ids_inside_a_span():
    span = TracerProvider().get_tracer("t").start_span("work")
    with trace.use_span(span, end_on_exit=True):
        line = formatted("inside")
    context = span.get_span_context()
    assert line["trace_id"] == f"{context.trace_id:032x}"
    assert line["span_id"] == f"{context.span_id:016x}"


TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    "leak, secret",
    [
        (f"https://delivery.example/acceptance/{TOKEN}", TOKEN),
        ("/surveys/by-token/opaque-token-value", "opaque-token-value"),
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("postgresql://ordo_orders:s3cret-pass@db/ordo_orders", "s3cret-pass"),
        (f"the key is {SECRET}", SECRET),
    ],
)
def test_no_token_link_password_or_secret_survives_in_any_field(leak, secret):
    try:
        raise ValueError(leak)
    except ValueError as error:
        line = formatted("saw %s", leak, extra={"detail": leak}, exc_info=(ValueError, error, None))
    assert secret not in json.dumps(line)
    for field in ("message", "detail", "exception"):
        assert "[redacted]" in line[field]


def test_the_level_comes_from_ordo_log_level(monkeypatch):
    monkeypatch.setenv("ORDO_LOG_LEVEL", "debug")
    assert log_level() == "DEBUG"
    monkeypatch.setenv("ORDO_LOG_LEVEL", "loud")
    with pytest.raises(ValueError, match="ORDO_LOG_LEVEL"):
        log_level()


def test_the_text_format_prints_the_same_fields_on_one_readable_line_masked_alike():
    record = logging.getLogger("ordo.test").makeRecord(
        "ordo.test",
        logging.INFO,
        __file__,
        1,
        "opened %s",
        (f"https://delivery.example/acceptance/{TOKEN}",),
        None,
        extra={"order_id": "o-1", "note": f"key {SECRET}"},
    )
    line = TextFormatter("orders", (SECRET,)).format(record)
    assert " INFO    orders ordo.test: opened https://delivery.example/acceptance/" in line
    assert "order_id=o-1" in line and "\n" not in line
    assert TOKEN not in line and SECRET not in line


def test_the_log_format_is_json_unless_text_is_asked_for(monkeypatch):
    monkeypatch.delenv("ORDO_LOG_FORMAT", raising=False)
    assert log_format() is JsonFormatter
    monkeypatch.setenv("ORDO_LOG_FORMAT", "TEXT")
    assert log_format() is TextFormatter
    monkeypatch.setenv("ORDO_LOG_FORMAT", "yaml")
    with pytest.raises(ValueError, match="ORDO_LOG_FORMAT"):
        log_format()

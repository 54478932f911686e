"""The mailer's rules and rendering: addresses, locales, templates, backoff, messages."""

import base64
import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.mail import (
    DEAD,
    FAILED,
    MAX_OUTAGE_SECONDS,
    MAX_RETRY_SECONDS,
    FileTransport,
    MailTemplates,
    OutgoingMail,
    SmtpTransport,
    address_problem,
    after_outage,
    after_refusal,
    build_message,
    locale_or_default,
    outage_delay,
    retry_delay,
)

TEMPLATES = Path(__file__).parents[2] / "mail_templates"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LINK = "https://ordo.example.com/acceptance/eyJ.abc.def?x=1&y=2"


def render(locale, **overrides):
    context = {
        "to": "li.wei@example.cn",
        "to_name": "Li Wei",
        "order_id": uuid.uuid4(),
        "order_number": "ORD-2026-00042",
        "package": "Package 1",
        "link": LINK,
        "expires": "2026-12-15",
        **overrides,
    }
    return MailTemplates(TEMPLATES).mail("decision_request", locale, **context)


def test_an_english_mail_has_its_subject_from_the_first_line_and_both_parts():
    mail = render("en")
    assert mail.subject == "Order ORD-2026-00042: your decision on Package 1"
    assert mail.kind == "decision_request" and mail.locale == "en"
    assert mail.text.startswith("Dear Li Wei,")
    assert "Subject:" not in mail.text and LINK in mail.text
    assert '<html lang="en">' in mail.html
    assert "Review and decide</a>" in mail.html
    assert 'href="https://ordo.example.com/acceptance/eyJ.abc.def?x=1&amp;y=2"' in mail.html


def test_a_chinese_customer_gets_the_chinese_mail_with_the_chinese_layout():
    mail = render("zh-CN")
    assert mail.locale == "zh-CN"
    assert mail.subject == "订单 ORD-2026-00042：请对 Package 1 作出决定"
    assert "Li Wei，您好" in mail.text
    assert '<html lang="zh-CN">' in mail.html and "查看并决定</a>" in mail.html
    assert "如果按钮无法打开" in mail.html  # the shared layout speaks the mail's language


def test_a_locale_without_templates_falls_back_to_english():
    assert render("de-DE").locale == "en"
    assert render(None).locale == "en"


def test_customer_text_is_escaped_in_html_and_kept_as_written_in_text():
    mail = render("en", to_name='<script>alert("x")</script>', package="Tom & Jerry's <b>")
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert "Tom &amp; Jerry&#39;s &lt;b&gt;" in mail.html
    assert "Dear <script>" in mail.text and "Tom & Jerry's <b>" in mail.text


def test_a_line_break_in_customer_text_cannot_add_a_header_through_the_subject():
    mail = render("en", package="Package 1\nBcc: everyone@example.com")
    assert "\n" not in mail.subject


def test_a_variable_the_template_needs_but_was_not_given_is_an_error():
    templates = MailTemplates(TEMPLATES)
    with pytest.raises(jinja2.UndefinedError):
        templates.mail("decision_request", "en", to="a@example.com", order_number="ORD-1")


def test_a_text_template_without_a_subject_line_is_refused(tmp_path):
    (tmp_path / "bare.en.txt").write_text("Hello\n")
    (tmp_path / "bare.en.html").write_text('{% extends "base.html" %}')
    with pytest.raises(ValueError, match="Subject"):
        MailTemplates(tmp_path).mail("bare", "en", to="a@example.com")


def test_a_mail_without_a_call_to_action_has_no_button(tmp_path):
    (tmp_path / "note.en.txt").write_text("Subject: A note\n\nJust a note.\n")
    (tmp_path / "note.en.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>Just a note.</p>{% endblock %}'
    )
    mail = MailTemplates(tmp_path).mail("note", "en", to="a@example.com")
    assert "<a " not in mail.html and "<p>Just a note.</p>" in mail.html


@pytest.mark.parametrize(
    ("value", "locale"),
    [
        ("zh-CN", "zh-CN"),
        ("zh_cn", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh-Hans", "zh-CN"),
        ("en", "en"),
        ("en-GB", "en"),
        ("fr", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_a_locale_is_the_supported_one_it_asks_for_or_english(value, locale):
    assert locale_or_default(value) == locale


@pytest.mark.parametrize(
    "address", ["li.wei@example.cn", "a+orders@mail.example.com", "王@例子.中国"]
)
def test_an_ordinary_address_is_accepted(address):
    assert address_problem(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "",
        "no-at-sign",
        "two@@example.com",
        "a@localhost",
        "Li Wei <li@example.com>",
        "li@example.com, boss@example.com",
        "li@example.com\r\nBcc: x@example.com",
        ".li@example.com",
        "li..wei@example.com",
        "x" * 65 + "@example.com",
        "a@" + "b" * 250 + ".com",
    ],
)
def test_an_address_that_is_not_one_mailbox_is_refused(address):
    assert address_problem(address) is not None


def test_a_temporary_refusal_retries_with_doubling_delays_then_dies():
    delays, attempts = [], 0
    while True:
        after = after_refusal(attempts, permanent=False, max_attempts=8, base_seconds=2, now=NOW)
        attempts = after.attempts
        if after.status == DEAD:
            break
        assert after.status == FAILED
        delays.append((after.next_attempt_at - NOW).total_seconds())
    assert delays == [2, 4, 8, 16, 32, 64, 128]
    assert attempts == 8


def test_a_permanent_refusal_is_dead_at_once():
    after = after_refusal(0, permanent=True, max_attempts=8, base_seconds=2, now=NOW)
    assert after.status == DEAD and after.attempts == 1


def test_an_unreachable_server_spends_no_attempt_and_waits_at_most_a_minute():
    after = after_outage(3, outages=50, base_seconds=2, now=NOW)
    assert after.status == FAILED and after.attempts == 3
    assert after.next_attempt_at == NOW + timedelta(seconds=MAX_OUTAGE_SECONDS)


@given(
    attempts=st.integers(min_value=0, max_value=200),
    base=st.floats(min_value=0.01, max_value=600),
    max_attempts=st.integers(min_value=1, max_value=50),
)
def test_a_refused_mail_either_dies_or_waits_a_bounded_positive_time(attempts, base, max_attempts):
    after = after_refusal(
        attempts, permanent=False, max_attempts=max_attempts, base_seconds=base, now=NOW
    )
    assert after.attempts == attempts + 1
    assert (after.status == DEAD) == (after.attempts >= max_attempts)
    if after.status == FAILED:
        assert 0 < (after.next_attempt_at - NOW).total_seconds() <= MAX_RETRY_SECONDS


@given(st.integers(min_value=1, max_value=100), st.floats(min_value=0.01, max_value=600))
def test_delays_never_shrink_as_attempts_grow(attempts, base):
    assert retry_delay(attempts + 1, base) >= retry_delay(attempts, base)
    assert outage_delay(attempts + 1, base) >= outage_delay(attempts, base)


def row(**overrides):
    values = {
        "id": uuid.UUID("8c1f2a8e-0000-4000-8000-000000000001"),
        "kind": "decision_request",
        "to_address": "li.wei@example.cn",
        "to_name": "李伟",
        "locale": "zh-CN",
        "subject": "订单 ORD-2026-00042：请决定",
        "text_body": "请打开 " + LINK + "\n",
        "html_body": f'<p><a href="{LINK}">打开</a></p>',
        "attempts": 0,
        "attachments": None,
    }
    return SimpleNamespace(**{**values, **overrides})


def test_a_message_is_text_and_html_alternatives_in_utf8_with_a_message_id_from_the_mail():
    message = build_message(row(), "Ordo <ordo@supplier.example>", NOW)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Message-ID"] == "<8c1f2a8e-0000-4000-8000-000000000001@supplier.example>"
    assert parsed["Subject"] == "订单 ORD-2026-00042：请决定"
    assert parsed["To"].addresses[0].display_name == "李伟"
    assert parsed["From"] == "Ordo <ordo@supplier.example>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_body(("plain",)).get_content() == "请打开 " + LINK + "\n"
    assert LINK in parsed.get_body(("html",)).get_content()
    assert all(part.get_content_charset() == "utf-8" for part in parsed.iter_parts())


def test_attachments_ride_in_multipart_mixed_beside_the_text_and_html_alternatives():
    ics = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    pdf = b"%PDF-1.4 \x00\xff binary"
    stored = [
        {"filename": "invitation.ics", "content_type": "text/calendar", "content": ics},
        {"filename": "report.pdf", "content_type": "application/pdf", "content": pdf},
    ]
    for attachment in stored:
        attachment["content"] = base64.b64encode(attachment["content"]).decode()
    message = build_message(row(attachments=stored), "Ordo <ordo@supplier.example>", NOW)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed.get_body(("plain",)).get_content() == "请打开 " + LINK + "\n"
    assert LINK in parsed.get_body(("html",)).get_content()
    calendar, report = parsed.iter_attachments()
    assert calendar.get_filename() == "invitation.ics"
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_payload(decode=True) == ics
    assert report.get_filename() == "report.pdf" and report.get_content_type() == "application/pdf"
    assert report.get_payload(decode=True) == pdf


def test_a_calendar_attachment_is_sent_with_the_method_its_body_says():
    ics = b"BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"
    stored = [
        {
            "filename": "cancellation.ics",
            "content_type": "text/calendar",
            "content": base64.b64encode(ics).decode(),
        }
    ]
    message = build_message(row(attachments=stored), "Ordo <ordo@supplier.example>", NOW)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    [calendar] = parsed.iter_attachments()
    assert calendar.get_param("method") == "CANCEL"
    assert calendar.get_payload(decode=True) == ics


def test_the_embedded_transport_writes_eml_files_that_sort_by_time(tmp_path):
    transport = FileTransport(tmp_path / "mail")
    ids = [uuid.uuid4(), uuid.uuid4()]
    for mail_id in ids:
        message = build_message(row(id=mail_id), "Ordo <ordo@localhost>", NOW)
        transport.send(OutgoingMail(mail_id, "ordo@localhost", "li.wei@example.cn", message))
    files = sorted(path.name for path in (tmp_path / "mail").iterdir())
    assert [name.removesuffix(".eml").split("-", 1)[1] for name in files] == [
        str(mail_id) for mail_id in ids
    ]
    parsed = email.message_from_bytes((tmp_path / "mail" / files[0]).read_bytes())
    assert parsed["To"] is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", ("mail.example.com", 25, False, False, None, "")),
        (
            "smtp://ordo%40x:p%2Fss@mail.example.com:587?starttls=true",
            ("mail.example.com", 587, False, True, "ordo@x", "p/ss"),
        ),
        ("smtps://u:p@mail.example.com", ("mail.example.com", 465, True, False, "u", "p")),
    ],
)
def test_the_smtp_url_says_host_port_tls_and_login(url, expected):
    transport = SmtpTransport(url)
    assert (
        transport.host,
        transport.port,
        transport.implicit_tls,
        transport.starttls,
        transport.username,
        transport.password,
    ) == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example.com", "smtp://", "smtp://h?starttls=maybe", "smtp://h?tls=1"]
)
def test_a_malformed_smtp_url_is_refused_at_start(url):
    with pytest.raises(ValueError, match="ORDO_SMTP_URL"):
        SmtpTransport(url)

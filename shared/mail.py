"""Mail to customers: queued with the business change, sent by every service's worker.

Writing. A use case renders a `Mail` from its service's templates (`MailTemplates.mail`) and
passes it to `queue_mail(session, mail)`, which adds a row to the service's `mail_outbox` table
in the caller's transaction: the mail exists if and only if the change that caused it commits.
On PostgreSQL the insert NOTIFYs `ordo_mail` at commit, so the sender wakes at once.

Templates. `<name>.<locale>.txt` and `<name>.<locale>.html` in the service's directory (the
name is the mail's `kind`); a locale without them falls back to English. The text template's
first line is `Subject: …` — the subject, in the same file a translator already edits — and the
rest is the text body. The HTML template extends the shared `base.html` (shared/mail_templates:
one column readable on a phone, inline CSS, no external assets) and fills its blocks: `content`,
and `action_url` with `action_label` for the call-to-action button. HTML is autoescaped, text
is not; a variable the context lacks is an error, not an empty string.

Sending. `MailSender.run` (a loop in every worker) claims one due row at a time (`sending`,
FOR UPDATE SKIP LOCKED on PostgreSQL, so replicas never send the same mail), builds a
multipart/alternative message (text and HTML, UTF-8, a Message-ID made from the mail's id),
inside multipart/mixed with the mail's attachments when it has any (a meeting's `.ics`, a
report's PDF; stored base64 in the row's `attachments` column), and hands it to the transport:
SMTP (ORDO_SMTP_URL) or `.eml` files under `<ORDO_VAR_DIR>/mail/`. Then, in a second short
transaction, the mail is `sent` and its bodies and attachments erased (a sent link stays with
its reader), or what `after_refusal` decides:

- the server refused this mail for now (4xx): `failed`, retried after
  ORDO_MAIL_RETRY_BASE_SECONDS × 2^(attempts-1); `dead` once ORDO_MAIL_MAX_ATTEMPTS refusals;
- the server refused it for good (5xx, e.g. 550 no such mailbox): `dead` at once;
- the server could not be reached, or would not take mail from us (connection, TLS, login,
  our sender address): not the mail's fault, so no attempt is spent: the mail waits as
  `failed` and the sender backs off as a whole (at most MAX_OUTAGE_SECONDS) until it returns.

Guarantees: no mail is lost (it leaves the table's care as `sent` or `dead`, and admins list
and re-send dead ones at /admin/mail); none is sent twice except when a worker dies between the
server's acceptance and the commit of `sent` (its claim runs out after CLAIM_SECONDS and the
mail goes again, with the same Message-ID, so the receiver can drop it).
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
import tempfile
import threading
import uuid
from base64 import b64decode, b64encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db import ChannelWaiter, Database, new_id, notify, tables_of, utcnow
from shared.errors import Conflict, NotFound, RuleViolation
from shared.vocabulary import DEFAULT_LOCALE, LOCALES

logger = logging.getLogger(__name__)

#: The languages mail is written in (one list with the customers' `locale`), and the fallback.
SUPPORTED_LOCALES = LOCALES

PENDING, SENDING, FAILED, SENT, DEAD = "pending", "sending", "failed", "sent", "dead"
STATUSES = (PENDING, SENDING, FAILED, SENT, DEAD)
RESENDABLE = (FAILED, DEAD)

#: On PostgreSQL, queueing a mail NOTIFYs this channel at commit, waking the sender.
NOTIFY_CHANNEL = "ordo_mail"
SHARED_TEMPLATES = Path(__file__).parent / "mail_templates"

CLAIM_SECONDS = 300.0  # a `sending` mail older than this was claimed by a worker that died
SMTP_TIMEOUT_SECONDS = 60.0
MAX_RETRY_SECONDS = 3600.0
MAX_OUTAGE_SECONDS = 30.0
IDLE_SECONDS = 0.5  # how often an idle sender looks for due mail where nothing NOTIFYs it


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail: `invitation.ics` as text/calendar, `report.pdf`, …"""

    filename: str
    content_type: str  # "text/calendar" is sent with the method its body says (REQUEST, CANCEL)
    content: bytes


@dataclass(frozen=True)
class Mail:
    """One message to one person; `kind` names what it is for ("acceptance_request", …)."""

    to: str
    subject: str
    text: str
    html: str
    kind: str
    to_name: str | None = None
    locale: str = DEFAULT_LOCALE
    order_id: uuid.UUID | None = None
    attachments: tuple[Attachment, ...] = ()


# --- rules ---------------------------------------------------------------------------------

_FORBIDDEN_IN_ADDRESS = r"\s\"(),:;<>@\[\]\\"
_ADDRESS = re.compile(
    rf"(?P<local>[^{_FORBIDDEN_IN_ADDRESS}]+)@(?P<domain>[^{_FORBIDDEN_IN_ADDRESS}.]+"
    rf"(\.[^{_FORBIDDEN_IN_ADDRESS}.]+)+)"
)


def address_problem(address: str) -> str | None:
    """What is wrong with `address` as a customer's mailbox (name@example.com), or None.

    A plain addr-spec only: no display name, no quoted local part, no IP literal, and a domain
    with at least one dot; whatever would be one more header or recipient is refused.
    """
    if not address:
        return "is empty"
    if len(address) > 254:
        return "is longer than 254 characters"
    match = _ADDRESS.fullmatch(address) if address.isprintable() else None
    if match is None:
        return "is not an e-mail address like name@example.com"
    local = match["local"]
    if len(local) > 64 or local.startswith(".") or local.endswith(".") or ".." in local:
        return "has a local part (before the @) that no mail server accepts"
    return None


def locale_or_default(value: str | None) -> str:
    """The supported locale `value` asks for, else English.

    Case and `_` for `-` do not matter; a language without its region takes the supported
    locale of that language (`zh`, `zh-Hans` -> `zh-CN`; `en-GB` -> `en`).
    """
    if not value:
        return DEFAULT_LOCALE
    wanted = value.strip().replace("_", "-").lower()
    for locale in SUPPORTED_LOCALES:
        if locale.lower() == wanted:
            return locale
    language = wanted.split("-", 1)[0]
    for locale in SUPPORTED_LOCALES:
        if locale.lower().split("-", 1)[0] == language:
            return locale
    return DEFAULT_LOCALE


@dataclass(frozen=True)
class NextTry:
    """What becomes of a mail after a try that did not deliver it."""

    status: str
    attempts: int
    next_attempt_at: datetime


def retry_delay(attempts: int, base_seconds: float) -> float:
    """Seconds before the next try after `attempts` refusals: base × 2^(attempts-1), capped."""
    return min(base_seconds * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)


def after_refusal(
    attempts: int, *, permanent: bool, max_attempts: int, base_seconds: float, now: datetime
) -> NextTry:
    """The server refused a mail it had refused `attempts` times before: dead at once when
    the refusal is permanent or the attempts are spent, else failed until its backoff ends."""
    attempts += 1
    if permanent or attempts >= max_attempts:
        return NextTry(DEAD, attempts, now)
    return NextTry(FAILED, attempts, now + timedelta(seconds=retry_delay(attempts, base_seconds)))


def outage_delay(outages: int, base_seconds: float) -> float:
    """Seconds the sender waits after `outages` rounds in a row found the server away."""
    return min(retry_delay(outages, base_seconds), MAX_OUTAGE_SECONDS)


def after_outage(attempts: int, *, outages: int, base_seconds: float, now: datetime) -> NextTry:
    """The server could not be reached: the mail waits, its attempts untouched."""
    return NextTry(FAILED, attempts, now + timedelta(seconds=outage_delay(outages, base_seconds)))


# --- writing -------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def queue_mail(session: Session, mail: Mail) -> uuid.UUID:
    """Add `mail` to the service's mail outbox in the caller's transaction; return its id.

    Raises RuleViolation (field `to`) before anything is written if the address is refused.
    """
    if problem := address_problem(mail.to):
        raise RuleViolation({"to": problem}, "The mail cannot be sent to this address.")
    mail_id = new_id()
    now = utcnow()
    session.execute(
        sa.insert(tables_of(session).mail).values(
            id=mail_id,
            kind=mail.kind,
            to_address=mail.to,
            to_name=_one_line(mail.to_name)[:200] if mail.to_name else None,
            locale=locale_or_default(mail.locale),
            subject=_one_line(mail.subject),
            text_body=mail.text,
            html_body=mail.html or None,
            order_id=mail.order_id,
            attachments=[
                {
                    "filename": attachment.filename,
                    "content_type": attachment.content_type,
                    "content": b64encode(attachment.content).decode("ascii"),
                }
                for attachment in mail.attachments
            ]
            or None,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    notify(session, NOTIFY_CHANNEL)
    return mail_id


class MailTemplates:
    """A service's mail templates (see the module docstring), over the shared base layout."""

    def __init__(self, directory: Path):
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(directory), str(SHARED_TEMPLATES)]),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def mail(
        self,
        name: str,
        locale: str | None,
        *,
        to: str,
        to_name: str | None = None,
        order_id: uuid.UUID | None = None,
        attachments: tuple[Attachment, ...] = (),
        **context,
    ) -> Mail:
        """Render the mail `name` in `locale` (English if the locale has no templates)."""
        locale = locale_or_default(locale)
        try:
            text_template = self.environment.get_template(f"{name}.{locale}.txt")
        except jinja2.TemplateNotFound:
            locale = DEFAULT_LOCALE
            text_template = self.environment.get_template(f"{name}.{locale}.txt")
        values = {**context, "to_name": to_name, "order_id": order_id, "locale": locale}
        subject, text = _subject_and_body(text_template.render(values), text_template.name)
        html_template = self.environment.get_template(f"{name}.{locale}.html")
        html = html_template.render({**values, "subject": subject})
        return Mail(
            to=to,
            subject=subject,
            text=text,
            html=html,
            kind=name,
            to_name=to_name,
            locale=locale,
            order_id=order_id,
            attachments=attachments,
        )


def _subject_and_body(rendered: str, template: str | None) -> tuple[str, str]:
    first, _, body = rendered.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{template} must begin with a 'Subject: …' line")
    return _one_line(first.removeprefix("Subject:")), body.lstrip("\n")


# --- admin ---------------------------------------------------------------------------------


def mail_listing(session: Session, status: str | None = None, kind: str | None = None):
    """The query for the admins' list, newest first: metadata only, never the bodies."""
    table = tables_of(session).mail
    content = ("text_body", "html_body", "attachments")
    columns = [column for column in table.c if column.key not in content]
    query = sa.select(*columns).order_by(table.c.created_at.desc(), table.c.id)
    if status:
        query = query.where(table.c.status == status)
    if kind:
        query = query.where(table.c.kind == kind)
    return query


def resend_mail(session: Session, mail_id: uuid.UUID):
    """Put a failed or dead mail back in line, now, with its attempts reset; return its row.

    NotFound for an unknown id; Conflict for a mail that is waiting, being sent, or sent.
    """
    table = tables_of(session).mail
    row = session.execute(
        sa.select(table.c.status).where(table.c.id == mail_id).with_for_update()
    ).first()
    if row is None:
        raise NotFound("mail", mail_id)
    if row.status not in RESENDABLE:
        raise Conflict(
            f"Only failed or dead mails are re-sent; this one is {row.status}.",
            current_status=row.status,
        )
    session.execute(
        sa.update(table)
        .where(table.c.id == mail_id)
        .values(status=PENDING, attempts=0, next_attempt_at=utcnow(), last_error=None)
    )
    notify(session, NOTIFY_CHANNEL)
    return session.execute(mail_listing(session).where(table.c.id == mail_id)).one()


# --- sending -------------------------------------------------------------------------------


class MailRefused(Exception):
    """The server refused this one mail: for now (4xx), or for good (`permanent`, 5xx)."""

    def __init__(self, reason: str, permanent: bool):
        super().__init__(reason)
        self.permanent = permanent


class MailServerUnavailable(Exception):
    """No mail can be handed over now: the server is away or will not take mail from us."""


@dataclass(frozen=True)
class OutgoingMail:
    id: uuid.UUID
    sender: str  # the envelope sender (MAIL FROM)
    recipient: str
    message: EmailMessage


class Transport(Protocol):
    def send(self, mail: OutgoingMail) -> None:
        """Hand the mail over; raise MailRefused or MailServerUnavailable if it was not."""

    def close(self) -> None:
        """Let go of any connection (the sender calls it after each round)."""


class SmtpTransport:
    """SMTP from a URL: smtp://user:password@host:port (`?starttls=true` to upgrade the
    connection), or smtps://… for TLS from the first byte. One connection per round."""

    def __init__(self, url: str, timeout: float = SMTP_TIMEOUT_SECONDS):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("ORDO_SMTP_URL must look like smtp://user:password@host:port")
        options = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        unknown = set(options) - {"starttls"}
        if unknown or options.get("starttls", "false") not in ("true", "false", "1", "0"):
            raise ValueError("ORDO_SMTP_URL takes one option, ?starttls=true|false")
        self.implicit_tls = parts.scheme == "smtps"
        self.starttls = options.get("starttls") in ("true", "1")
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def send(self, mail: OutgoingMail) -> None:
        try:
            smtp = self._connection()
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise MailServerUnavailable(_describe(error)) from error
        try:
            smtp.send_message(mail.message, from_addr=mail.sender, to_addrs=[mail.recipient])
        except smtplib.SMTPRecipientsRefused as error:
            code, reason = next(iter(error.recipients.values()))
            if code == 421:
                self.close()
                raise MailServerUnavailable(_reply(code, reason)) from error
            raise MailRefused(_reply(code, reason), permanent=code >= 500) from error
        except smtplib.SMTPSenderRefused as error:
            self.close()
            raise MailServerUnavailable(
                f"the server refuses our sender {error.sender}: "
                + _reply(error.smtp_code, error.smtp_error)
            ) from error
        except smtplib.SMTPResponseException as error:  # DATA refused, or the server quits
            if error.smtp_code == 421 or error.smtp_code < 400:
                self.close()
                raise MailServerUnavailable(_describe(error)) from error
            permanent = error.smtp_code >= 500
            raise MailRefused(_reply(error.smtp_code, error.smtp_error), permanent) from error
        except smtplib.SMTPNotSupportedError as error:  # e.g. an address that needs SMTPUTF8
            raise MailRefused(_describe(error), permanent=True) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise MailServerUnavailable(_describe(error)) from error

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        context = ssl.create_default_context()
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def close(self) -> None:
        if self._smtp is None:
            return
        smtp, self._smtp = self._smtp, None
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _reply(code: int, reason: bytes | str) -> str:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return f"{code} {text}"


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {_reply(error.smtp_code, error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


class FileTransport:
    """The embedded default: each mail an `.eml` file a developer opens with a mail program,
    named `<UTC time sent>-<mail id>.eml` so a listing sorts by time; written atomically."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def send(self, mail: OutgoingMail) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{utcnow():%Y%m%dT%H%M%S%fZ}-{mail.id}.eml"
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(mail.message.as_bytes())
                os.replace(temporary, self.directory / name)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            raise MailServerUnavailable(_describe(error)) from error

    def close(self) -> None:
        pass


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url)
    return FileTransport(Path(settings.mail_dir))


def build_message(row, mail_from: str, now: datetime) -> EmailMessage:
    """The message of a mail_outbox row: text, then HTML (UTF-8), as multipart/alternative;
    inside multipart/mixed with the row's attachments when it has any."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "ordo.invalid"
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = mail_from
    message["To"] = Address(display_name=row.to_name or "", addr_spec=row.to_address)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{row.id}@{domain}>"  # the same on every try: repeats drop
    message["Content-Language"] = row.locale
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(row.text_body, cte="quoted-printable")
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html", cte="quoted-printable")
    for attachment in row.attachments or ():
        maintype, _, subtype = attachment["content_type"].partition("/")
        content = b64decode(attachment["content"])
        message.add_attachment(
            content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
            params=_attachment_params(attachment["content_type"], content),
        )
    return message


_CALENDAR_METHOD = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


def _attachment_params(content_type: str, content: bytes) -> dict[str, str]:
    """RFC 6047: a text/calendar part names the iTIP method of its body (an invitation's
    REQUEST, a cancellation's CANCEL), so mail clients offer the right action."""
    if content_type != "text/calendar":
        return {}
    found = _CALENDAR_METHOD.search(content)
    return {"method": found.group(1).decode() if found else "REQUEST"}


class MailSender:
    """Sends a service's due mail, one claimed row at a time (see the module docstring)."""

    def __init__(self, db: Database, settings: Settings, transport: Transport | None = None):
        if not parseaddr(settings.mail_from)[1]:
            raise ValueError("ORDO_MAIL_FROM must hold an address, e.g. 'Ordo <ordo@example.com>'")
        self.db = db
        self.settings = settings
        self.table = db.tables.mail
        self.transport = transport or transport_for(settings)
        self.sender_address = parseaddr(settings.mail_from)[1]
        self.outages = 0
        self.waiter = ChannelWaiter(db, NOTIFY_CHANNEL, IDLE_SECONDS)

    def send_due(self, limit: int = 100) -> int:
        """Send up to `limit` due mails; return how many were sent. A round ends early when
        the server is away (every other mail would fail the same way)."""
        sent = 0
        try:
            for _ in range(limit):
                row = self._claim()
                if row is None:
                    break
                status = self._send(row)
                if status is None:
                    break
                sent += status == SENT
        finally:
            self.transport.close()
        return sent

    def run(self, stop: threading.Event) -> None:
        """Send until `stop` is set, backing off while the mail server is away."""
        while not stop.is_set():
            try:
                self.send_due()
            except Exception:  # the database, most likely: the sender must outlive it
                logger.exception("mail: sending failed")
                stop.wait(1.0)
                continue
            if self.outages:
                stop.wait(outage_delay(self.outages, self.settings.mail_retry_base_seconds))
            else:
                self.waiter.wait(stop)
        self.waiter.close()

    def _claim(self):
        """Mark the next due mail `sending` in a transaction of its own, and return it."""
        now = utcnow()
        table = self.table
        with self.db.transaction() as session:
            row = session.execute(
                sa.select(table)
                .where(
                    table.c.status.in_((PENDING, FAILED, SENDING)),
                    table.c.next_attempt_at <= now,
                )
                .order_by(table.c.next_attempt_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            session.execute(
                sa.update(table)
                .where(table.c.id == row.id)
                .values(status=SENDING, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
            )
        return row

    def _send(self, row) -> str | None:
        """Try one claimed mail and record what became of it: its new status, or None if
        the server is away."""
        now = utcnow()
        settings = self.settings
        try:
            message = build_message(row, settings.mail_from, now)
        except Exception as error:  # a header no message can carry: it never will
            after = NextTry(DEAD, row.attempts, now)
            return self._record(row, after, f"the message cannot be built: {error}")
        try:
            self.transport.send(OutgoingMail(row.id, self.sender_address, row.to_address, message))
        except MailServerUnavailable as error:
            self.outages += 1
            logger.warning("mail: the mail server is unavailable (%s); %s waits", error, row.id)
            base = settings.mail_retry_base_seconds
            self._record(
                row,
                after_outage(row.attempts, outages=self.outages, base_seconds=base, now=now),
                str(error),
            )
            return None
        except MailRefused as error:
            after = after_refusal(
                row.attempts,
                permanent=error.permanent,
                max_attempts=settings.mail_max_attempts,
                base_seconds=settings.mail_retry_base_seconds,
                now=now,
            )
            return self._record(row, after, str(error))
        self.outages = 0
        with self.db.transaction() as session:
            session.execute(
                sa.update(self.table)
                .where(self.table.c.id == row.id)
                .values(
                    status=SENT,
                    attempts=row.attempts + 1,
                    sent_at=now,
                    last_error=None,
                    text_body=None,
                    html_body=None,
                    attachments=None,
                )
            )
        logger.info("mail: %s (%s) sent", row.id, row.kind)
        return SENT

    def _record(self, row, after: NextTry, error: str) -> str:
        if after.status == DEAD:
            logger.warning("mail: %s (%s) is dead: %s", row.id, row.kind, error)
        with self.db.transaction() as session:
            session.execute(
                sa.update(self.table)
                .where(self.table.c.id == row.id)
                .values(
                    status=after.status,
                    attempts=after.attempts,
                    next_attempt_at=after.next_attempt_at,
                    last_error=error[:2000],
                )
            )
        return after.status

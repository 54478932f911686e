"""The planning service's mails: meeting invitations and cancellations, published minutes and
status reports, from the templates beside this module (`<name>.<locale>.txt`, first line the
subject, and `<name>.<locale>.html`)."""

from __future__ import annotations

from pathlib import Path

from shared.mail import Mail, MailTemplates

TEMPLATES = MailTemplates(Path(__file__).parent)


def meeting_invitation(*, to: str, to_name: str | None, locale: str | None, **context) -> Mail:
    """An attendee is invited: what, when (every occurrence of a series), where, the agenda."""
    return TEMPLATES.mail("meeting_invitation", locale, to=to, to_name=to_name, **context)


def meeting_cancellation(*, to: str, to_name: str | None, locale: str | None, **context) -> Mail:
    """An attendee is told a meeting (or occurrences of a series) will not take place, and why."""
    return TEMPLATES.mail("meeting_cancellation", locale, to=to, to_name=to_name, **context)


def meeting_minutes(*, to: str, to_name: str | None, locale: str | None, **context) -> Mail:
    """An attendee gets the published minutes: summary, decisions and action items (a
    customer contact without the internal ones)."""
    return TEMPLATES.mail("meeting_minutes", locale, to=to, to_name=to_name, **context)


def status_report_mail(*, to: str, to_name: str | None, locale: str | None, **context) -> Mail:
    """The customer gets the published status report: RAG and why, progress, milestones,
    open issues, the manager's narrative."""
    return TEMPLATES.mail("status_report", locale, to=to, to_name=to_name, **context)

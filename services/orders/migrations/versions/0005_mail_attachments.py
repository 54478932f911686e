"""mail attachments

Revision ID: 0005_mail_attachments
Revises: 0003
Create Date: 2026-12-02 02:30:00

A mail in the outbox carries its attachments (shared/mail.py: a meeting's .ics, a status
report's PDF) as JSON, their content base64, erased with the bodies once the mail is sent.
The same change in every service: shared.upgrades.add_mail_attachments.
"""

from shared.upgrades import add_mail_attachments, drop_mail_attachments

revision = "0005_mail_attachments"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_mail_attachments()


def downgrade() -> None:
    drop_mail_attachments()

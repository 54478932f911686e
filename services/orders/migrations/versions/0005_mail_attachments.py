"""mail attachments

Revision ID: 0005_mail_attachments
Revises: 0003
Create Date: 2026-12-02 02:30:00

A mail in the outbox carries its attachments (shared/mail.py: a meeting's .ics, a status
report's PDF) as JSON, their content base64; erased with the bodies once the mail is sent.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_mail_attachments"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_column("attachments")

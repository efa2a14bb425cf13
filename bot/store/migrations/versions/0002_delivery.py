"""Reminder delivery state (who is sending, since when, how often) and evening check-ins.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_reminders_status_due", "reminders", ["status", "due_utc"])
    with op.batch_alter_table("runners") as batch:
        batch.add_column(
            sa.Column("checkin_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.drop_column("checkin_enabled")
    op.drop_index("ix_reminders_status_due", "reminders")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("attempts")
        batch.drop_column("claimed_by")
        batch.drop_column("claimed_at")

"""Runners and their week, session logs, reminders, drafts and conversation states.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runners",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("first_name", sa.String(), nullable=True),
        sa.Column("onboarded", sa.Boolean(), nullable=False),
        sa.Column("run_days", sa.String(), nullable=False),
        sa.Column("long_run_day", sa.Integer(), nullable=True),
        sa.Column("hard_days", sa.String(), nullable=False),
        sa.Column("experience", sa.String(), nullable=False),
        sa.Column("equipment", sa.String(), nullable=False),
        sa.Column("pull_up_bar", sa.Boolean(), nullable=False),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("reminder_time", sa.String(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("next_reminder_utc", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_runners_next_reminder_utc", "runners", ["next_reminder_utc"])
    op.create_table(
        "session_logs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("focus", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("chat_id", "local_date", name="uq_log_runner_day"),
    )
    op.create_index("ix_session_logs_chat_id", "session_logs", ["chat_id"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("focus", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("due_utc", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("chat_id", "local_date", "kind", name="uq_reminder_runner_day"),
    )
    op.create_index("ix_reminders_chat_id", "reminders", ["chat_id"])
    op.create_table(
        "onboarding_drafts",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("data", sa.String(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "conversation_states",
        sa.Column("name", sa.String(), primary_key=True),
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("state", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("conversation_states")
    op.drop_table("onboarding_drafts")
    op.drop_index("ix_reminders_chat_id", "reminders")
    op.drop_table("reminders")
    op.drop_index("ix_session_logs_chat_id", "session_logs")
    op.drop_table("session_logs")
    op.drop_index("ix_runners_next_reminder_utc", "runners")
    op.drop_table("runners")

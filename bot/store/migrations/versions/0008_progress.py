"""Consistency you can see: every pause kept after it ends, and milestones celebrated.

``pause_periods`` keeps each pause (the runner row holds only the current one), so a
streak or a chart of past weeks knows which weeks were paused; the pause a runner row
holds today is copied in. ``milestones`` holds each milestone once it was celebrated,
unique per (runner, key), so none is celebrated twice. ``plan_periods`` keeps the
runner's week as it was from each day on, so a past week is judged by the plan it had;
the week each runner row holds now is copied in as the plan since always (2000-01-01:
before any runner; what they had before is not known).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pause_periods",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("chat_id", "first_day", name="uq_pause_runner_first"),
    )
    op.create_index("ix_pause_periods_chat_id", "pause_periods", ["chat_id"])
    op.create_table(
        "milestones",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("celebrated_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("chat_id", "key", name="uq_milestone_runner_key"),
    )
    op.create_index("ix_milestones_chat_id", "milestones", ["chat_id"])
    op.create_table(
        "plan_periods",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("run_days", sa.String(), nullable=False),
        sa.Column("long_run_day", sa.Integer(), nullable=True),
        sa.Column("hard_days", sa.String(), nullable=False),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("experience", sa.String(), nullable=False),
        sa.Column("equipment", sa.String(), nullable=False),
        sa.Column("pull_up_bar", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("chat_id", "first_day", name="uq_plan_runner_first"),
    )
    op.create_index("ix_plan_periods_chat_id", "plan_periods", ["chat_id"])
    op.execute(
        "INSERT INTO plan_periods (chat_id, first_day, run_days, long_run_day, hard_days, "
        "sessions_per_week, experience, equipment, pull_up_bar, created_at) "
        "SELECT chat_id, '2000-01-01', run_days, long_run_day, hard_days, sessions_per_week, "
        "experience, equipment, pull_up_bar, updated_at FROM runners WHERE onboarded"
    )
    # The pause each runner row holds now: an open one (paused) has no last day.
    op.execute(
        "INSERT INTO pause_periods (chat_id, first_day, last_day, reason, created_at) "
        "SELECT chat_id, paused_from, CASE WHEN paused THEN NULL ELSE paused_until END, "
        "pause_reason, updated_at FROM runners WHERE paused_from IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_plan_periods_chat_id", table_name="plan_periods")
    op.drop_table("plan_periods")
    op.drop_index("ix_milestones_chat_id", table_name="milestones")
    op.drop_table("milestones")
    op.drop_index("ix_pause_periods_chat_id", table_name="pause_periods")
    op.drop_table("pause_periods")

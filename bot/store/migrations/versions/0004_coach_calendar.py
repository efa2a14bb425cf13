"""A coach's calendar: skip reasons, moved sessions, pauses with a length, exercise swaps
and the weekly preview.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_logs") as batch:
        batch.add_column(sa.Column("reason", sa.String(), nullable=True))
    with op.batch_alter_table("runners") as batch:
        batch.add_column(sa.Column("pause_reason", sa.String(), nullable=True))
        batch.add_column(sa.Column("paused_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("paused_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("swaps", sa.String(), nullable=True))
        # The weekly preview is on by default: Sunday (6) at 18:00 local.
        batch.add_column(sa.Column("preview_day", sa.Integer(), nullable=True, server_default="6"))
        batch.add_column(
            sa.Column("preview_time", sa.String(), nullable=False, server_default="18:00")
        )
        batch.add_column(sa.Column("next_preview_utc", UTCDateTime(), nullable=True))
        batch.create_index("ix_runners_next_preview_utc", ["next_preview_utc"])
    op.create_table(
        "moves",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False, index=True),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("focus", sa.String(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("chat_id", "from_date", name="uq_move_runner_day"),
    )


def downgrade() -> None:
    op.drop_table("moves")
    with op.batch_alter_table("runners") as batch:
        batch.drop_index("ix_runners_next_preview_utc")
        for column in (
            "next_preview_utc",
            "preview_time",
            "preview_day",
            "swaps",
            "paused_until",
            "paused_from",
            "pause_reason",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("session_logs") as batch:
        batch.drop_column("reason")

"""Coaching: feedback and soreness on logs; race date and time budget on runners.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_logs") as batch:
        batch.add_column(sa.Column("feedback", sa.String(), nullable=True))
        batch.add_column(sa.Column("sore", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("runners") as batch:
        batch.add_column(sa.Column("race_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("time_budget", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.drop_column("time_budget")
        batch.drop_column("race_date")
    with op.batch_alter_table("session_logs") as batch:
        batch.drop_column("sore")
        batch.drop_column("feedback")

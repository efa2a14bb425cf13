"""Coaching dose: the weights a runner used, their unit, and the race's distance.

The weights sit on the session's own log row (``session_logs.loads``, JSON {exercise id:
kilograms}): every reader of the log already has the row, so the next session's target
costs no statement more, and undoing the session takes its weights with it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.add_column(sa.Column("race_distance", sa.String(), nullable=True))
        batch.add_column(sa.Column("weight_unit", sa.String(), nullable=False, server_default="kg"))
    with op.batch_alter_table("session_logs") as batch:
        batch.add_column(sa.Column("loads", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session_logs") as batch:
        batch.drop_column("loads")
    with op.batch_alter_table("runners") as batch:
        batch.drop_column("weight_unit")
        batch.drop_column("race_distance")

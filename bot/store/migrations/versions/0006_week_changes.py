"""Weeks unlike the usual one: the runs a runner changed for one week only.

Kept on the runner row, as ``swaps`` is: every reader of the calendar (the handlers,
the reminder planner's batches, the sender) has the row in hand already, so none needs
another statement to place that week's sessions by its own runs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.add_column(sa.Column("week_changes", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.drop_column("week_changes")

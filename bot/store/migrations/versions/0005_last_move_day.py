"""The latest day a runner's moved sessions touch, kept on the runner.

Almost nobody has moved a session lately, yet every "done", /today and reminder asked
the ``moves`` table; with this date on the runner row (read anyway), they only ask when
a move can matter.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.add_column(sa.Column("last_move_day", sa.Date(), nullable=True))
    op.execute(
        "UPDATE runners SET last_move_day = ("
        " SELECT MAX(CASE WHEN moves.to_date > moves.from_date"
        " THEN moves.to_date ELSE moves.from_date END)"
        " FROM moves WHERE moves.chat_id = runners.chat_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.drop_column("last_move_day")

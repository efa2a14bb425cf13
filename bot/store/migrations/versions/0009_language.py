"""The language the coach speaks to each runner (issue 16).

Every runner so far read English: the column's default says so, for the rows there and
for any a version before this one writes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.add_column(sa.Column("language", sa.String(), nullable=False, server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.drop_column("language")

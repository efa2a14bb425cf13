"""What /export reads: every row the bot holds about one runner, in every table.

The walk goes over ``SQLModel.metadata`` as ``runners.delete_runner`` does, so a table
added later is exported (and deleted) without a change here: the export can promise to
hold what /delete removes. Only the runner's own rows are read (a test with two runners
checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table
from sqlalchemy import select as core_select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store import runners
from bot.store.common import table_of

#: One table's rows as plain dicts (column name -> value, as the driver gives it).
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class RunnerRows:
    """Every table's rows of one runner, by table name, in the metadata's order (a
    table with none has an empty list)."""

    tables: dict[str, Rows]

    def of(self, model: type[SQLModel]) -> Rows:
        return self.tables.get(table_of(model).name, [])

    @property
    def empty(self) -> bool:
        return not any(self.tables.values())


def owned_by(table: Table, chat_id: int) -> ColumnElement[bool]:
    """The condition selecting ``table``'s rows that belong to the runner of ``chat_id``:
    ``runners.runner_rows``, the rule ``runners.delete_runner`` deletes by, so /export holds
    exactly what /delete removes."""
    found: ColumnElement[bool] = runners.runner_rows(table, chat_id)
    return found


def _order(table: Table) -> list[Any]:
    """A stable order for a table's rows: by day where it has one, then the key."""
    columns = [
        table.c[name] for name in ("local_date", "first_day", "from_date") if name in table.c
    ]
    return columns + list(table.primary_key.columns)


async def runner_rows(session: AsyncSession, chat_id: int) -> RunnerRows:
    """Every row of every table that belongs to the runner, one statement per table,
    in one hop to the driver (a runner with 3,000 logs: one read of each table)."""
    tables: Sequence[Table] = SQLModel.metadata.sorted_tables
    statements = [
        (
            table.name,
            core_select(table).where(owned_by(table, chat_id)).order_by(*_order(table)),
        )
        for table in tables
    ]

    def run(sync: Session) -> dict[str, Rows]:
        connection = sync.connection()
        return {
            name: [dict(row) for row in connection.execute(statement).mappings()]
            for name, statement in statements
        }

    return RunnerRows(await session.run_sync(run))

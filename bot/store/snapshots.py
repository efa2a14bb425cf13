"""A runner and their log in one statement, for the paths every update and reminder takes.

"done", /today and each reminder need the runner row and a stretch of their log. Read
separately, that is two statements, and on this stack a statement's fixed cost
(SQLAlchemy, the driver's round trip) is most of what a read costs. Here the log comes
along as one JSON column of the runner's row, aggregated by the database
(``json_group_array`` on SQLite, ``json_agg`` on PostgreSQL).

What comes back is read-only: the runner as ``runners.read_runner`` gives it, and the log
as ``LoggedDay`` tuples.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Executable, bindparam, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import dialect_of, fetch_all, table_of
from bot.store.models import Runner, SessionLog

_runners = table_of(Runner)
_logs = table_of(SessionLog)
LOGS_LABEL = "logs_json"


class LoggedDay(NamedTuple):
    """One day of the log, with ``SessionLog``'s names."""

    local_date: date
    focus: str
    status: str
    feedback: str | None
    sore: bool
    created_at: datetime | None
    loads: str | None = None  # JSON {exercise id: kg}: session_logs.loads


# The log's columns as the aggregates select them: LoggedDay's fields, in its order.
LOG_COLUMNS = LoggedDay._fields


@cache
def _statement(dialect: str) -> Executable:
    columns = [_logs.c[name] for name in LOG_COLUMNS]
    window = (
        (_logs.c.chat_id == bindparam("chat_id"))
        & (_logs.c.local_date >= bindparam("first"))
        & (_logs.c.local_date <= bindparam("last"))
    )
    if dialect == "postgresql":
        aggregated = select(
            func.coalesce(
                func.json_agg(
                    aggregate_order_by(func.json_build_array(*columns), _logs.c.local_date)
                ),
                func.json_build_array(),
            )
        ).where(window)
    else:
        ordered = select(*columns).where(window).order_by(_logs.c.local_date).subquery()
        aggregated = select(
            func.json_group_array(func.json_array(*(ordered.c[name] for name in LOG_COLUMNS)))
        )
    return select(_runners, aggregated.scalar_subquery().label(LOGS_LABEL)).where(
        _runners.c.chat_id == bindparam("chat_id")
    )


def _when(value: Any) -> datetime | None:
    """Naive UTC as stored (SQLite: "2026-11-26 06:00:00.000000"; PostgreSQL's JSON:
    "2026-11-26T06:00:00"), handed back aware, as the models do."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _day(entry: list[Any]) -> LoggedDay:
    local_date, focus, status, feedback, sore, created_at, loads = entry
    return LoggedDay(
        date.fromisoformat(local_date),
        focus,
        status,
        feedback,
        bool(sore),
        _when(created_at),
        loads,
    )


def logged_days(logged: Any) -> list[LoggedDay]:
    """A log aggregated as JSON (text on SQLite, decoded already by psycopg, None for no
    row) as ``LoggedDay``s, in the aggregate's order."""
    entries = json.loads(logged) if isinstance(logged, str) else (logged or [])
    return [_day(entry) for entry in entries]


async def runner_with_logs(
    session: AsyncSession, chat_id: int, first: date, last: date = date.max
) -> tuple[Runner | None, list[LoggedDay]]:
    """The runner (a read-only snapshot) and their log from ``first`` to ``last`` by day."""
    rows = await fetch_all(
        session, _statement(dialect_of(session)), {"chat_id": chat_id, "first": first, "last": last}
    )
    if not rows:
        return None, []
    values = dict(rows[0]._mapping)
    logged = values.pop(LOGS_LABEL)
    return Runner.model_construct(**values), logged_days(logged)

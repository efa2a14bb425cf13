"""/history's reads: a runner's log a page at a time, by keyset (the page's edge day), not by
offset.

A page button carries the day at the page's edge, so a press reads "the n logs before
(or after) that day" with ``WHERE chat_id = ? AND local_date < ? ORDER BY local_date DESC
LIMIT n``: the unique index on (chat_id, local_date) (``uq_log_runner_day``) serves it
directly, its cost does not grow with how far back the page is (an OFFSET would read and
drop every newer row first), and a log added or undone meanwhile never shifts a page by
one row. Only the runner's own rows: every statement is keyed by ``chat_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Integer, bindparam
from sqlalchemy import select as core_select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import AnyRow, fetch_all, table_of
from bot.store.models import Move, SessionLog

_logs = table_of(SessionLog)
_moves = table_of(Move)

# Built once, as the hot reads in bot/store/logs.py are.
_BEFORE = (
    core_select(_logs)
    .where(_logs.c.chat_id == bindparam("chat_id"), _logs.c.local_date < bindparam("day"))
    .order_by(_logs.c.local_date.desc())
    .limit(bindparam("limit", type_=Integer))
)
_AFTER = (
    core_select(_logs)
    .where(_logs.c.chat_id == bindparam("chat_id"), _logs.c.local_date > bindparam("day"))
    .order_by(_logs.c.local_date.asc())
    .limit(bindparam("limit", type_=Integer))
)
_NEWEST = (
    core_select(_logs)
    .where(_logs.c.chat_id == bindparam("chat_id"))
    .order_by(_logs.c.local_date.desc())
    .limit(bindparam("limit", type_=Integer))
)
_MOVED_FROM = core_select(_moves.c.from_date, _moves.c.to_date).where(
    _moves.c.chat_id == bindparam("chat_id"),
    _moves.c.from_date.in_(bindparam("days", expanding=True)),
)


async def newest(session: AsyncSession, chat_id: int, limit: int) -> Sequence[AnyRow]:
    """The runner's ``limit`` latest logs, newest first (read-only ``SessionLog`` rows)."""
    return await fetch_all(session, _NEWEST, {"chat_id": chat_id, "limit": limit})


async def before(session: AsyncSession, chat_id: int, day: date, limit: int) -> Sequence[AnyRow]:
    """Up to ``limit`` logs of days before ``day``, newest first."""
    return await fetch_all(session, _BEFORE, {"chat_id": chat_id, "day": day, "limit": limit})


async def after(session: AsyncSession, chat_id: int, day: date, limit: int) -> Sequence[AnyRow]:
    """Up to ``limit`` logs of days after ``day``, oldest first."""
    return await fetch_all(session, _AFTER, {"chat_id": chat_id, "day": day, "limit": limit})


async def moved_to(session: AsyncSession, chat_id: int, days: Sequence[date]) -> dict[date, date]:
    """Where the sessions of ``days`` were moved to (from day -> to day), for those moved."""
    if not days:
        return {}
    rows = await fetch_all(session, _MOVED_FROM, {"chat_id": chat_id, "days": list(days)})
    return {from_day: to_day for from_day, to_day in rows}

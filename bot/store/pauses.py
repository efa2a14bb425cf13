"""Every pause a runner took: the only place that reads or writes ``pause_periods``.

The runner row holds only the current pause (``runners.paused_from``/``paused_until``);
this table keeps each one after it ends, so a streak or a chart of past weeks still knows
which weeks were paused. ``runners.set_pause`` writes it in step with the row, so no
caller of /pause or /resume can forget it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, delete
from sqlalchemy import select as core_select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.pause import PauseState
from bot.store.common import fetch_all, table_of, upsert
from bot.store.models import PausePeriod

_pauses = table_of(PausePeriod)
_PERIODS = (
    core_select(_pauses)
    .where(_pauses.c.chat_id == bindparam("chat_id"))
    .order_by(_pauses.c.first_day)
)
_DROP = delete(_pauses).where(
    _pauses.c.chat_id == bindparam("chat_id"), _pauses.c.first_day == bindparam("first_day")
)


async def periods_of(session: AsyncSession, chat_id: int) -> list[PausePeriod]:
    """The runner's pauses, earliest first (read-only: not tracked by the session).
    ``last_day`` None: still open (until /resume)."""
    rows = await fetch_all(session, _PERIODS, {"chat_id": chat_id})
    return [PausePeriod.model_construct(**row._mapping) for row in rows]


async def record(
    session: AsyncSession, chat_id: int, before: PauseState, after: PauseState, now: datetime
) -> None:
    """Keep the table in step with the runner row's pause going from ``before`` to
    ``after``: the pause ``after`` describes is written (new, or the same first day with
    its new end), and a pause that left nothing behind (a /resume on the day it began)
    is removed. An earlier pause that had ended stays as it was."""
    if before.first is not None and after.first != before.first and after.first is None:
        await drop(session, chat_id, before.first)
    if after.first is None:
        return
    values = {
        "chat_id": chat_id,
        "first_day": after.first,
        "last_day": None if after.paused else after.until,
        "reason": after.reason,
        "created_at": now,
    }
    # A pause changed or extended keeps its first day (``bot.coach.pause.start_pause``),
    # so it is the same row: its end and reason are updated.
    await upsert(
        session, PausePeriod, values, keys=["chat_id", "first_day"], update=["last_day", "reason"]
    )


async def drop(session: AsyncSession, chat_id: int, first_day: date) -> None:
    await fetch_all(session, _DROP, {"chat_id": chat_id, "first_day": first_day})

"""The runner's milestones (``milestones``): each written once, in the transaction of the
reply that celebrates it (or holds it for a later day), so the unique (runner, key) makes
a second celebration impossible across restarts, double taps and instances."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import bindparam, func
from sqlalchemy import select as core_select
from sqlalchemy import update as core_update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.status import LogStatus
from bot.store.common import AnyRow, fetch_all, insert_ignore, table_of
from bot.store.models import Milestone, SessionLog

_milestones = table_of(Milestone)
_logs = table_of(SessionLog)

# Built once: read on every "done" (a handful of rows per runner).
_OF_RUNNER = core_select(
    _milestones.c.key, _milestones.c.local_date, _milestones.c.celebrated_at
).where(_milestones.c.chat_id == bindparam("chat_id"))
_DONE_COUNT = core_select(func.count()).where(
    _logs.c.chat_id == bindparam("chat_id"), _logs.c.status == LogStatus.DONE.value
)
_CELEBRATE_HELD = (
    core_update(_milestones)
    .where(
        _milestones.c.chat_id == bindparam("runner"),
        _milestones.c.key == bindparam("milestone"),
        _milestones.c.celebrated_at.is_(None),
    )
    .values(celebrated_at=bindparam("now", type_=_milestones.c.celebrated_at.type))
    .returning(_milestones.c.id)
)


async def of_runner(session: AsyncSession, chat_id: int) -> Sequence[AnyRow]:
    """Every milestone row of the runner: (key, local_date, celebrated_at)."""
    return await fetch_all(session, _OF_RUNNER, {"chat_id": chat_id})


async def sessions_done(session: AsyncSession, chat_id: int) -> int:
    """Sessions the runner logged done, ever (the count milestones are about)."""
    rows = await fetch_all(session, _DONE_COUNT, {"chat_id": chat_id})
    return int(rows[0][0]) if rows else 0


async def add(
    session: AsyncSession, chat_id: int, key: str, day: date, celebrated_at: datetime | None
) -> bool:
    """Store a milestone reached on ``day``: celebrated now, or held (``celebrated_at``
    None). False when the runner has that key already (another update stored it a moment
    ago): then this reply must not celebrate it."""
    return await insert_ignore(
        session,
        Milestone,
        {"chat_id": chat_id, "key": key, "local_date": day, "celebrated_at": celebrated_at},
        ["chat_id", "key"],
    )


async def celebrate_held(session: AsyncSession, chat_id: int, key: str, now: datetime) -> bool:
    """Mark a held milestone celebrated; False if another update celebrated it already."""
    rows = await fetch_all(
        session, _CELEBRATE_HELD, {"runner": chat_id, "milestone": key, "now": now}
    )
    return bool(rows)

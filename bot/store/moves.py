"""Sessions the runner moved to another day: the only place that reads or writes ``moves``."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import insert_ignore
from bot.store.models import Move


async def add_move(
    session: AsyncSession, *, chat_id: int, from_day: date, to_day: date, focus: str, now: datetime
) -> bool:
    """Move a day's session once; False if that day's session was already moved (a double
    tap, or a stale button)."""
    return await insert_ignore(
        session,
        Move,
        {
            "chat_id": chat_id,
            "from_date": from_day,
            "to_date": to_day,
            "focus": focus,
            "created_at": now,
        },
        ["chat_id", "from_date"],
    )


async def moves_of(
    session: AsyncSession, chat_ids: list[int], since: date
) -> dict[int, list[Move]]:
    """Moves touching days from ``since`` on, for a batch of runners at once."""
    statement = select(Move).where(
        col(Move.chat_id).in_(chat_ids),
        (col(Move.from_date) >= since) | (col(Move.to_date) >= since),
    )
    found: dict[int, list[Move]] = {}
    for move in (await session.exec(statement)).all():
        found.setdefault(move.chat_id, []).append(move)
    return found

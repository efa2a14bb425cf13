"""Sessions the runner moved to another day: the only place that reads or writes ``moves``
(and the runner's ``last_move_day`` that summarises them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import AnyRow, fetch_all, insert_ignore, table_of
from bot.store.models import Move, Runner

_moves = table_of(Move)
_MOVES_SINCE = select(_moves).where(
    _moves.c.chat_id.in_(bindparam("chat_ids", expanding=True)),
    or_(_moves.c.from_date >= bindparam("since"), _moves.c.to_date >= bindparam("since")),
)


async def add_move(
    session: AsyncSession,
    *,
    runner: Runner,
    from_day: date,
    to_day: date,
    focus: str,
    now: datetime,
) -> bool:
    """Move a day's session once; False if that day's session was already moved (a double
    tap, or a stale button).

    Also moves the runner's ``last_move_day`` on (on the object the caller holds, so the
    calendar read again in this transaction sees the move)."""
    inserted = await insert_ignore(
        session,
        Move,
        {
            "chat_id": runner.chat_id,
            "from_date": from_day,
            "to_date": to_day,
            "focus": focus,
            "created_at": now,
        },
        ["chat_id", "from_date"],
    )
    latest = max(from_day, to_day)
    if inserted and (runner.last_move_day is None or runner.last_move_day < latest):
        runner.last_move_day = latest
        session.add(runner)
        await session.flush()
    return inserted


def may_have_moves(runner: Runner, since: date) -> bool:
    """False when no move of this runner touches a day from ``since`` on: the moves
    table need not be read."""
    return runner.last_move_day is not None and runner.last_move_day >= since


async def moves_of(
    session: AsyncSession, chat_ids: list[int], since: date
) -> dict[int, list[AnyRow]]:
    """Moves touching days from ``since`` on, for a batch of runners at once: read-only
    rows with ``Move``'s attributes."""
    found: dict[int, list[AnyRow]] = {}
    for move in await fetch_all(session, _MOVES_SINCE, {"chat_ids": chat_ids, "since": since}):
        found.setdefault(move.chat_id, []).append(move)
    return found

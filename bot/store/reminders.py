"""Reminder rows: one per (runner, local date, kind), the key that stops a second send."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import insert_ignore
from bot.store.models import Reminder


async def claim(
    session: AsyncSession,
    *,
    chat_id: int,
    day: date,
    focus: str,
    due: datetime,
    status: str = "claimed",
    kind: str = "daily",
) -> int | None:
    """Write the day's reminder row; None if that day was already claimed by anyone."""
    inserted = await insert_ignore(
        session,
        Reminder,
        {
            "chat_id": chat_id,
            "local_date": day,
            "kind": kind,
            "focus": focus,
            "status": status,
            "due_utc": due,
        },
        ["chat_id", "local_date", "kind"],
    )
    if not inserted:
        return None
    statement = select(Reminder.id).where(
        col(Reminder.chat_id) == chat_id,
        col(Reminder.local_date) == day,
        col(Reminder.kind) == kind,
    )
    return (await session.exec(statement)).one()


async def finish(
    session: AsyncSession,
    reminder_id: int,
    *,
    status: str,
    now: datetime,
    message_id: int | None = None,
) -> None:
    await session.exec(  # type: ignore[call-overload]
        update(Reminder)
        .where(col(Reminder.id) == reminder_id)
        .values(status=status, sent_at=now, message_id=message_id)
    )


async def reminded_dates(session: AsyncSession, chat_id: int, since: date) -> frozenset[date]:
    statement = select(Reminder.local_date).where(
        col(Reminder.chat_id) == chat_id, col(Reminder.local_date) >= since
    )
    return frozenset((await session.exec(statement)).all())

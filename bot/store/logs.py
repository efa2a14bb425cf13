"""The runner's log of done and skipped sessions."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.common import insert_ignore
from bot.store.models import SessionLog


async def log_on(session: AsyncSession, chat_id: int, day: date) -> SessionLog | None:
    statement = select(SessionLog).where(
        col(SessionLog.chat_id) == chat_id, col(SessionLog.local_date) == day
    )
    return (await session.exec(statement)).first()


async def add_log(
    session: AsyncSession,
    *,
    chat_id: int,
    day: date,
    focus: str,
    status: str,
    planned: bool,
    note: str | None,
    now: datetime,
) -> bool:
    """Write the day's log once; False if that day is already logged (a double tap)."""
    return await insert_ignore(
        session,
        SessionLog,
        {
            "chat_id": chat_id,
            "local_date": day,
            "focus": focus,
            "status": status,
            "planned": planned,
            "note": note,
            "created_at": now,
        },
        ["chat_id", "local_date"],
    )


async def logged_dates_of(
    session: AsyncSession, chat_ids: list[int], since: date
) -> dict[int, dict[date, str]]:
    """Days logged since ``since`` and their status, for a batch of runners at once."""
    statement = select(SessionLog.chat_id, SessionLog.local_date, SessionLog.status).where(
        col(SessionLog.chat_id).in_(chat_ids), col(SessionLog.local_date) >= since
    )
    found: dict[int, dict[date, str]] = {}
    for chat_id, day, status in (await session.exec(statement)).all():
        found.setdefault(chat_id, {})[day] = status
    return found


async def logs_between(
    session: AsyncSession, chat_id: int, first: date, last: date
) -> list[SessionLog]:
    statement = (
        select(SessionLog)
        .where(col(SessionLog.chat_id) == chat_id)
        .where(col(SessionLog.local_date) >= first, col(SessionLog.local_date) <= last)
        .order_by(col(SessionLog.local_date))
    )
    return list((await session.exec(statement)).all())


async def count_done_between(session: AsyncSession, chat_id: int, first: date, last: date) -> int:
    statement = (
        select(func.count())
        .select_from(SessionLog)
        .where(col(SessionLog.chat_id) == chat_id, col(SessionLog.status) == "done")
        .where(col(SessionLog.local_date) >= first, col(SessionLog.local_date) <= last)
    )
    return int((await session.exec(statement)).one())


async def set_feedback(
    session: AsyncSession,
    chat_id: int,
    day: date,
    *,
    feedback: str | None = None,
    sore: bool | None = None,
) -> bool:
    """Feedback on a logged session; False if there is no log for that day."""
    log = await log_on(session, chat_id, day)
    if log is None:
        return False
    if feedback is not None:
        log.feedback = feedback
    if sore is not None:
        log.sore = sore
    session.add(log)
    await session.flush()
    return True


async def set_reason(session: AsyncSession, chat_id: int, day: date, reason: str) -> bool:
    """Why a session was skipped; False unless that day is logged as skipped."""
    log = await log_on(session, chat_id, day)
    if log is None or log.status != "skipped":
        return False
    log.reason = reason
    if reason == "sore":
        log.sore = True  # the coach swaps heavy legs on sore legs (coach/day.py)
    session.add(log)
    await session.flush()
    return True


async def mark_moved(session: AsyncSession, chat_id: int, day: date) -> None:
    """A skipped session that was moved to another day: not skipped after all."""
    log = await log_on(session, chat_id, day)
    if log is not None and log.status == "skipped":
        log.status = "moved"
        session.add(log)
        await session.flush()


async def add_note(session: AsyncSession, chat_id: int, day: date, note: str) -> None:
    log = await log_on(session, chat_id, day)
    if log is not None:
        log.note = f"{log.note}\n{note}" if log.note else note
        session.add(log)
        await session.flush()

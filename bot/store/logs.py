"""The runner's log of done and skipped sessions."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.status import LogStatus
from bot.store.common import AnyRow, fetch_all, insert_ignore, table_of
from bot.store.models import Move, SessionLog

_logs = table_of(SessionLog)
# Built once: the statements behind every "done", /today and reminder.
_LOGGED_DATES = core_select(_logs.c.chat_id, _logs.c.local_date, _logs.c.status).where(
    _logs.c.chat_id.in_(bindparam("chat_ids", expanding=True)),
    _logs.c.local_date >= bindparam("since"),
)
_LOGS_BETWEEN = (
    core_select(_logs)
    .where(_logs.c.chat_id == bindparam("chat_id"))
    .where(_logs.c.local_date >= bindparam("first"), _logs.c.local_date <= bindparam("last"))
    .order_by(_logs.c.local_date)
)


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
    found: dict[int, dict[date, str]] = {}
    rows = await fetch_all(session, _LOGGED_DATES, {"chat_ids": chat_ids, "since": since})
    for chat_id, day, status in rows:
        found.setdefault(chat_id, {})[day] = status
    return found


async def logs_between(
    session: AsyncSession, chat_id: int, first: date, last: date
) -> Sequence[AnyRow]:
    """The logs of ``first``..``last`` by day, as read-only rows with ``SessionLog``'s
    attributes (``log_on`` gives a log to change)."""
    return await fetch_all(
        session, _LOGS_BETWEEN, {"chat_id": chat_id, "first": first, "last": last}
    )


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


def loads_of(raw: str | None) -> dict[str, float]:
    """``session_logs.loads`` as {exercise id: kilograms}; a damaged value reads as none
    (it must not stop /today or a reminder)."""
    if not raw:
        return {}
    try:
        found = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        str(key): float(value)
        for key, value in found.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


class LoadsResult(StrEnum):
    SAVED = "saved"
    SAME = "same"  # every weight was noted already (a double tap)
    NOT_DONE = "not_done"  # no session logged done that day (undone, skipped)


async def set_loads(
    session: AsyncSession, chat_id: int, day: date, told: Mapping[str, float]
) -> LoadsResult:
    """Keep the weights the runner used in the session of ``day`` (kilograms), on its log
    row: undoing the session takes them with it."""
    log = await log_on(session, chat_id, day)
    if log is None or log.status != LogStatus.DONE:
        return LoadsResult.NOT_DONE
    kept = loads_of(log.loads)
    if all(kept.get(key) == value for key, value in told.items()):
        return LoadsResult.SAME
    kept.update(told)
    log.loads = json.dumps(kept, sort_keys=True)
    session.add(log)
    await session.flush()
    return LoadsResult.SAVED


async def set_reason(session: AsyncSession, chat_id: int, day: date, reason: str) -> bool:
    """Why a session was skipped; False unless that day is logged as skipped."""
    log = await log_on(session, chat_id, day)
    if log is None or log.status != LogStatus.SKIPPED:
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
    if log is not None and log.status == LogStatus.SKIPPED:
        log.status = LogStatus.MOVED
        session.add(log)
        await session.flush()


async def add_note(session: AsyncSession, chat_id: int, day: date, note: str) -> None:
    log = await log_on(session, chat_id, day)
    if log is not None:
        log.note = f"{log.note}\n{note}" if log.note else note
        session.add(log)
        await session.flush()


async def remove_log(
    session: AsyncSession, chat_id: int, day: date
) -> tuple[SessionLog, date | None] | None:
    """Undo: delete the day's log and, for a skip the runner moved, the move with it (the
    session goes back to its day). The log as it was and the day it had moved to; None if
    the day has no log (undone already)."""
    log = await log_on(session, chat_id, day)
    if log is None:
        return None
    statement = select(Move).where(col(Move.chat_id) == chat_id, col(Move.from_date) == day)
    move = (await session.exec(statement)).first()
    moved_to = move.to_date if move is not None else None
    if move is not None:
        await session.delete(move)
    await session.delete(log)
    await session.flush()
    return log, moved_to

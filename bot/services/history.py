"""A runner's log as the coach reads it: progression's ``Entry`` list (levels, feedback,
the welcome back) and the day -> status map the calendar takes, read with the runner in
one statement where an update needs both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.progression import Entry, Feedback
from bot.coach.week import Focus
from bot.services.calendar import local_today
from bot.store import logs, snapshots
from bot.store.models import Runner
from bot.store.snapshots import LoggedDay

# How far back progression reads the log: the last half year is plenty to place a level.
HISTORY_WEEKS = 26


def history_from(logs_read: Iterable[Any], until: date) -> list[Entry]:
    """Log rows (``SessionLog`` or ``LoggedDay``) as progression reads them, up to
    ``until`` and back ``HISTORY_WEEKS``."""
    first = until - timedelta(weeks=HISTORY_WEEKS)
    return [
        Entry(
            day=log.local_date,
            focus=Focus(log.focus),
            status=log.status,
            feedback=Feedback(log.feedback) if log.feedback else None,
            sore=log.sore,
            loads=tuple(sorted(logs.loads_of(getattr(log, "loads", None)).items())),
        )
        for log in logs_read
        if first <= log.local_date <= until
    ]


async def history_of(session: AsyncSession, chat_id: int, until: date) -> list[Entry]:
    """The log as progression reads it, up to ``until``."""
    found = await logs.logs_between(session, chat_id, until - timedelta(weeks=HISTORY_WEEKS), until)
    return history_from(found, until)


def logged_in(history: Iterable[Entry]) -> dict[date, str]:
    """The day -> status map ``calendar.load_calendar`` takes, from a history read already."""
    return {entry.day: entry.status for entry in history}


def recent_logged(recent: Sequence[Any]) -> dict[date, str]:
    """The day -> status map ``calendar.load_calendar`` takes, from log rows read already
    (``runner_and_recent_log``, ``logs.logs_between``)."""
    return {log.local_date: log.status for log in recent}


def _utc_day(now: datetime) -> date:
    """Every timezone's date is within a day of this one."""
    return now.astimezone(UTC).date()


async def runner_and_history(
    session: AsyncSession, chat_id: int, now: datetime
) -> tuple[Runner | None, list[Entry]]:
    """The runner (read-only) and their history up to their today, in one statement: the
    log is read for a day more on each side, as their timezone is not known yet."""
    around = _utc_day(now)
    runner, found = await snapshots.runner_with_logs(
        session,
        chat_id,
        around - timedelta(weeks=HISTORY_WEEKS, days=1),
        around + timedelta(days=1),
    )
    if runner is None:
        return None, []
    return runner, history_from(found, local_today(runner, now))


async def runner_and_recent_log(
    session: AsyncSession, chat_id: int, now: datetime
) -> tuple[Runner | None, list[LoggedDay]]:
    """The runner (read-only) and their log as far back as progression reads it (which
    covers the calendar's days too), in one statement: what "done" needs
    (``log_session(..., recent=...)``): sore legs the days before change the session."""
    first = _utc_day(now) - timedelta(weeks=HISTORY_WEEKS, days=1)
    return await snapshots.runner_with_logs(session, chat_id, first)

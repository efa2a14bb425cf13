"""Notes on a logged session: free text the runner sends soon after "done".

Soon after "done" the runner is still talking about the session they logged, whichever
day it was for: a "done" said this morning for yesterday's session takes its note too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.status import LogStatus
from bot.services.calendar import local_today
from bot.store import logs, runners

# Free text this soon after a "done" is a note on it ("planks were brutal").
NOTE_WINDOW = timedelta(hours=2)
# How much of such a note is kept.
NOTE_MAX_CHARS = 500
# How far back a "done" said within the window may have been for (yesterday's session,
# logged this morning).
NOTE_DAYS_BACK = 1


async def just_done(session: AsyncSession, chat_id: int, now: datetime) -> tuple[date, date] | None:
    """The day of the session the runner said "done" for within ``NOTE_WINDOW`` (today's
    or yesterday's, the latest said), and their today; None if there is none."""
    runner = await runners.read_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return None
    today = local_today(runner, now)
    found = await logs.logs_between(session, chat_id, today - timedelta(days=NOTE_DAYS_BACK), today)
    recent = [
        log
        for log in found
        if log.status == LogStatus.DONE
        and log.created_at is not None
        and now - log.created_at <= NOTE_WINDOW
    ]
    if not recent:
        return None
    latest = max(recent, key=lambda log: log.created_at)
    return latest.local_date, today


async def note_after_workout(
    session: AsyncSession, chat_id: int, text: str, now: datetime
) -> tuple[date, date] | None:
    """Add ``text`` as a note to the session logged done within ``NOTE_WINDOW``: that
    session's day and the runner's today; None (nothing written) if there is none."""
    found = await just_done(session, chat_id, now)
    if found is None:
        return None
    day, _today = found
    await logs.add_note(session, chat_id, day, text.strip()[:NOTE_MAX_CHARS])
    return found

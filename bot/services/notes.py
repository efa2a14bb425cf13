"""Notes on a logged session: free text the runner sends soon after "done"."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.status import LogStatus
from bot.services.calendar import local_today
from bot.store import logs, runners

# Free text this soon after a "done" is a note on it ("planks were brutal").
NOTE_WINDOW = timedelta(hours=2)
# How much of such a note is kept.
NOTE_MAX_CHARS = 500


async def note_after_workout(session: AsyncSession, chat_id: int, text: str, now: datetime) -> bool:
    """Add ``text`` as a note to today's session if it was logged done within
    ``NOTE_WINDOW``; False (nothing written) otherwise."""
    runner = await runners.read_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return False
    log = await logs.log_on(session, chat_id, local_today(runner, now))
    recent = (
        log is not None and log.created_at is not None and (now - log.created_at <= NOTE_WINDOW)
    )
    if not recent or log is None or log.status != LogStatus.DONE:
        return False
    await logs.add_note(session, chat_id, log.local_date, text.strip()[:NOTE_MAX_CHARS])
    return True

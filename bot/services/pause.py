"""/pause and /resume for one runner: writing the pause the coach works out
(``bot.coach.pause``) and the next reminder that follows from it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.pause import Length, Reason, end_pause, start_pause
from bot.services.calendar import local_today
from bot.services.next_reminder import next_reminder_for
from bot.store import runners
from bot.store.models import Runner


async def pause_runner(
    session: AsyncSession, runner: Runner, length: Length, reason: Reason, now: datetime
) -> bool:
    """Write the chosen pause; True if it was already in place (a double tap)."""
    today = local_today(runner, now)
    wanted = start_pause(runners.pause_state_of(runner, today), today, length, reason)
    if runners.stored_pause_state(runner) == wanted:
        return True
    runners.set_pause(runner, wanted)
    # A timed pause keeps ``paused`` off: the calendar skips its days, so the next
    # reminder is simply the first session day after it.
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    await runners.set_state(session, runner, now=now)
    return False


async def resume_runner(session: AsyncSession, runner: Runner, now: datetime) -> bool:
    """End a running pause (open or timed) as of yesterday, so its days stay paused in the
    history, and plan the next reminder (a blocked runner writing /resume is active again);
    True if a pause was running."""
    today = local_today(runner, now)
    current = runners.pause_state_of(runner, today)
    was_paused = current.running(today)
    if was_paused:
        runners.set_pause(runner, end_pause(current, today))
    runner.active = True
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    await runners.set_state(session, runner, now=now)
    return was_paused

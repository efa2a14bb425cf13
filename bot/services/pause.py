"""/pause and /resume for one runner: writing the pause the coach works out
(``bot.coach.pause``) and the next reminder that follows from it, and — for /resume's
reply — the session that is on next, so the runner is never left to guess whether
today's still stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History, Slot
from bot.coach.pause import Length, Reason, end_pause, start_pause
from bot.coach.progression import Entry
from bot.services.calendar import load_calendar, local_today, next_slot, slot_for
from bot.services.history import history_of
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
    await runners.set_pause(session, runner, wanted, now=now)
    # A timed pause keeps ``paused`` off: the calendar skips its days, so the next
    # reminder is simply the first session day after it.
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    await runners.set_state(session, runner, now=now)
    return False


@dataclass(frozen=True)
class Resumed:
    """What /resume did and what comes next: ``session`` is today's session while it is
    not logged, else the next one (None: none within the calendar's reach)."""

    was_paused: bool
    today: date
    session: Slot | None
    history: list[Entry]  # the log as progression reads it: how much easier they start


def coming_session(runner: Runner, history: History, today: date) -> Slot | None:
    """Today's session if it is not logged yet, else the next one."""
    slot = slot_for(runner, today, history, today)
    if slot is not None and today not in history.logged:
        return slot
    return next_slot(runner, history, today, include_today=False)


async def resume_runner(session: AsyncSession, runner: Runner, now: datetime) -> Resumed:
    """End a running pause (open or timed) as of yesterday, so its days stay paused in the
    history, and plan the next reminder (a blocked runner writing /resume is active again);
    with whether a pause was running and the session that is on next."""
    today = local_today(runner, now)
    current = runners.pause_state_of(runner, today)
    was_paused = current.running(today)
    if was_paused:
        await runners.set_pause(session, runner, end_pause(current, today), now=now)
    runner.active = True
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    await runners.set_state(session, runner, now=now)
    calendar = await load_calendar(session, runner, today)
    history = await history_of(session, runner.chat_id, today)
    return Resumed(was_paused, today, coming_session(runner, calendar, today), history)

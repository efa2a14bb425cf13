"""When to remind a runner next: the first reminder instant on a session day (planned,
moved or re-offered) that is neither reminded nor logged yet. Every change to what a
runner does or plans (a log, a move, a pause, new answers) stores it again on the runner
(``next_reminder_utc``), and the reminder job plans from it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History
from bot.coach.schedule import next_due
from bot.services.calendar import calendar_view, load_calendar, local_today, pauses_of
from bot.store import reminders
from bot.store.models import Runner
from bot.store.runners import week_of

# Days already reminded are read from this many days before today (the days before
# that are past any instant this looks for).
REMINDED_LOOKBACK_DAYS = 2


def next_reminder_after(
    runner: Runner,
    after: datetime,
    skip: frozenset[date] | set[date],
    history: History | None = None,
) -> datetime | None:
    """The first reminder instant after ``after`` on a session day (planned, moved or
    re-offered) not in ``skip`` (days already reminded or logged); None while paused,
    blocked or without a reminder time."""
    week = week_of(runner)
    if week.reminder_time is None or runner.paused or not runner.active:
        return None
    zone = ZoneInfo(week.timezone)
    today = after.astimezone(zone).date()
    history = history or History(pauses=pauses_of(runner), since=today)
    view = calendar_view(runner, history, today, today - timedelta(days=1))
    found = next_due(
        after, week.reminder_time, zone, lambda day: view(day) is not None, frozenset(skip)
    )
    return found[0] if found else None


async def next_reminder_for(
    session: AsyncSession, runner: Runner, *, now: datetime
) -> datetime | None:
    """The next instant to remind this runner, skipping days already reminded or logged."""
    if runner.reminder_time is None or runner.paused or not runner.active:
        return None
    today = local_today(runner, now)
    since = today - timedelta(days=REMINDED_LOOKBACK_DAYS)
    skip = await reminders.reminded_dates(session, runner.chat_id, since)
    history = await load_calendar(session, runner, today)
    return next_reminder_after(runner, now, skip | set(history.logged), history)

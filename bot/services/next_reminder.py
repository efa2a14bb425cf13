"""When to remind a runner next: the first reminder instant on a session day (planned,
moved or re-offered) that is neither reminded nor logged yet. Every change to what a
runner does or plans (a log, a move, a pause, new answers) stores it again on the runner
(``next_reminder_utc``), and the reminder job plans from it.

A runner with no reminder time but the evening check-in on still needs the job to wake
for them on session days, or the check-in they were promised never comes: their instant
is the start of each such day (``CHECKIN_ONLY_AT``), when the job plans that evening's
check-in (bot/jobs/reminders.py). The evening's hour is a deployment setting the job
knows and this layer does not, so the instant is the day, not the check-in itself; and
since the day's start has passed by the time a runner turns the check-in on, today
counts while it is not reminded or logged.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History
from bot.coach.schedule import local_instant, next_due
from bot.services.calendar import calendar_from, calendar_view, load_calendar, local_today
from bot.store import reminders, runners
from bot.store.models import Runner
from bot.store.runners import week_of

# Days already reminded are read from this many days before today (the days before
# that are past any instant this looks for).
REMINDED_LOOKBACK_DAYS = 2
# The instant of a check-in-only runner's session day: its start (local).
CHECKIN_ONLY_AT = time(0, 0)


def wakes_at(runner: Runner) -> time | None:
    """The local time the reminder job wakes for this runner on a session day: their
    reminder time, the start of the day when only the evening check-in is on, or None."""
    week = week_of(runner)
    if week.reminder_time is not None:
        return week.reminder_time
    return CHECKIN_ONLY_AT if runner.checkin_enabled else None


def next_reminder_after(
    runner: Runner,
    after: datetime,
    skip: frozenset[date] | set[date],
    history: History | None = None,
) -> datetime | None:
    """The first reminder instant after ``after`` on a session day (planned, moved or
    re-offered) not in ``skip`` (days already reminded or logged); None while paused,
    blocked, or with neither a reminder time nor the evening check-in. A check-in-only
    runner's instant is the start of the day, ``after``'s own day included."""
    at = wakes_at(runner)
    if at is None or runner.paused or not runner.active:
        return None
    zone = ZoneInfo(runner.timezone)
    today = after.astimezone(zone).date()
    if runner.reminder_time is None:
        # Today's start has passed, but today's evening may not have: count it.
        after = min(after, local_instant(today, at, zone) - timedelta(microseconds=1))
    # No calendar read: the runner row's own (pauses, race day, this week's changes).
    history = history or calendar_from(runner, {}, (), today)
    view = calendar_view(runner, history, today, today - timedelta(days=1))
    found = next_due(after, at, zone, lambda day: view(day) is not None, frozenset(skip))
    return found[0] if found else None


async def next_reminder_for(
    session: AsyncSession, runner: Runner, *, now: datetime
) -> datetime | None:
    """The next instant to remind this runner, skipping days already reminded or logged."""
    if wakes_at(runner) is None or runner.paused or not runner.active:
        return None
    today = local_today(runner, now)
    since = today - timedelta(days=REMINDED_LOOKBACK_DAYS)
    skip = await reminders.reminded_dates(session, runner.chat_id, since)
    history = await load_calendar(session, runner, today)
    return next_reminder_after(runner, now, skip | set(history.logged), history)


async def set_checkin(
    session: AsyncSession, runner: Runner, enabled: bool, *, now: datetime
) -> None:
    """Turn the evening check-in on or off and plan the runner's next instant with it: for
    a runner with no reminder time the check-in is the only thing the job wakes for."""
    runner.checkin_enabled = enabled
    runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
    await runners.set_state(session, runner, now=now)

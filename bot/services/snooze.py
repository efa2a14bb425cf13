"""⏰ Later: one more reminder for today's session, without touching the daily schedule.

Only today's planned (or moved, or re-offered), unlogged session can be snoozed, and only
to a time still on that day in the runner's timezone. ``fitting`` is that rule, and both
the offer (which delays the buttons show) and the snooze itself ask it, so a delay the
runner is offered is never refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.week import Focus
from bot.services.calendar import load_calendar, local_today, slot_for
from bot.store import logs, reminders, runners


class SnoozeCheck(StrEnum):
    OK = "ok"
    NOT_SET_UP = "not_set_up"
    OTHER_DAY = "other_day"  # a button of another day than the runner's today
    NO_SESSION = "no_session"  # today's session is gone since: paused, moved, plan changed


@dataclass(frozen=True)
class Snoozable:
    check: SnoozeCheck
    focus: Focus | None = None
    zone: ZoneInfo | None = None


async def snoozable(session: AsyncSession, chat_id: int, day: date, now: datetime) -> Snoozable:
    """Whether ``day``'s session can be snoozed now, and its focus."""
    runner = await runners.get_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return Snoozable(SnoozeCheck.NOT_SET_UP)
    # Only today's button can snooze: any other day is not worth a calendar read.
    if day != local_today(runner, now):
        return Snoozable(SnoozeCheck.OTHER_DAY)
    slot = slot_for(runner, day, await load_calendar(session, runner, day), day)
    if slot is None:
        return Snoozable(SnoozeCheck.NO_SESSION)
    return Snoozable(SnoozeCheck.OK, slot.focus, ZoneInfo(runner.timezone))


class SnoozeResult(StrEnum):
    SCHEDULED = "scheduled"
    ALREADY = "already"  # the same snooze within the minute: a double tap
    LOGGED = "logged"  # the session is logged since
    TOO_LATE = "too_late"  # the delay ends after the runner's day


def fitting(minutes: Iterable[int], day: date, zone: ZoneInfo, now: datetime) -> tuple[int, ...]:
    """The delays from ``now`` (in minutes) that still land on ``day`` in ``zone``."""
    return tuple(
        delay
        for delay in minutes
        if (now + timedelta(minutes=delay)).astimezone(zone).date() == day
    )


async def snooze(
    session: AsyncSession,
    chat_id: int,
    day: date,
    focus: Focus,
    zone: ZoneInfo,
    now: datetime,
    minutes: int,
) -> tuple[SnoozeResult, datetime]:
    """Schedule one more reminder ``minutes`` from ``now``; the result and the instant."""
    due = now + timedelta(minutes=minutes)
    if await logs.log_on(session, chat_id, day) is not None:
        return SnoozeResult.LOGGED, due
    if not fitting((minutes,), day, zone, now):
        return SnoozeResult.TOO_LATE, due
    scheduled = await reminders.schedule_snooze(
        session, chat_id=chat_id, day=day, focus=focus.value, due=due
    )
    return (SnoozeResult.SCHEDULED if scheduled else SnoozeResult.ALREADY), due

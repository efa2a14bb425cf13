"""When a runner's weekly preview is due: their chosen day and local time (Sunday 18:00
unless they chose otherwise in /settings, or never)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.coach.schedule import local_date, local_instant
from bot.store import runners
from bot.store.models import Runner

DEFAULT_PREVIEW_TIME = time(18, 0)


def preview_time_of(runner: Runner) -> time:
    try:
        return runners.time_from_text(runner.preview_time) or DEFAULT_PREVIEW_TIME
    except ValueError:
        return DEFAULT_PREVIEW_TIME


def next_preview_at(runner: Runner, after: datetime) -> datetime | None:
    """The first preview instant strictly after ``after``, or None when previews are off.

    Found from the local date and time each week, so a daylight saving change in between
    moves the UTC instant, not the runner's 18:00.
    """
    if runner.preview_day is None:
        return None
    zone = ZoneInfo(runner.timezone)
    at = preview_time_of(runner)
    start = local_date(after, zone)
    for offset in range(8):  # today's instant may have passed: then the one a week on
        day = start + timedelta(days=offset)
        if day.weekday() != runner.preview_day:
            continue
        instant = local_instant(day, at, zone)
        if instant > after:
            return instant
    return None

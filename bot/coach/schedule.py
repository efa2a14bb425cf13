"""When the next reminder is due, as a UTC instant computed from local date and time.

Cron-style wall-clock jobs repeat or vanish at DST changes; computing each instant from
the local date and time with zoneinfo keeps 07:00 at 07:00 in every season, and a time
that does not exist on a spring-forward day moves to the first valid minute after it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HORIZON_DAYS = 21


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """UTC instant of wall time ``at`` on ``day``; in a DST gap, the first valid minute after."""
    wanted = datetime.combine(day, at)
    first = datetime.combine(day, at, tzinfo=zone)  # fold=0: the earlier of two in a fall-back
    utc = first.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == wanted:
        return utc
    # The wall time does not exist (spring forward). fold=0 lands after the gap, shifted
    # by its length; walk back to the first minute whose wall time is past the wanted one.
    step = timedelta(minutes=1)
    while (utc - step).astimezone(zone).replace(tzinfo=None) > wanted:
        utc -= step
    return utc


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def next_due(
    after: datetime,
    at: time,
    zone: ZoneInfo,
    is_session_day: Callable[[date], bool],
    skip_dates: frozenset[date] = frozenset(),
) -> tuple[datetime, date] | None:
    """The first instant strictly after ``after`` on a session day, with its local date.

    ``skip_dates`` are local dates already reminded or logged, so a runner who moves
    timezone is not reminded twice for the same day.
    """
    start = local_date(after, zone) - timedelta(days=1)
    for offset in range(HORIZON_DAYS + 1):
        day = start + timedelta(days=offset)
        if day in skip_dates or not is_session_day(day):
            continue
        instant = local_instant(day, at, zone)
        if instant > after:
            return instant, day
    return None

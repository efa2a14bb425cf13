"""When a runner's weekly preview is due: their chosen day and local time (Sunday 18:00
unless they chose otherwise in /settings, or never)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.day import Coaching
from bot.coach.progress import MinutesOfLog, TrainingIndex
from bot.coach.progression import Entry, FocusLevel, levels_on
from bot.coach.schedule import local_date, local_instant
from bot.coach.status import LogStatus
from bot.coach.streaks import Streak, WeekTally, monday_of, tally
from bot.coach.week import STARTING_LEVEL, Focus
from bot.content import Catalog
from bot.services.history import HISTORY_WEEKS
from bot.services.plan import coaching_of
from bot.services.progress import (
    entries_of,
    estimator_for,
    last_week_tally,
    moves_and_periods,
    planned_days,
    week_facts_of,
)
from bot.store import logs, plans, runners
from bot.store.models import Runner
from bot.store.runners import week_of

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


# ---- last week's tally and the month's recap (issue 15, point 6) ------------------------


@dataclass(frozen=True)
class MonthRecap:
    """The month before, in one paragraph of the first preview of a month.

    The calendar month, as /progress's "This month": sessions done on its days of the
    sessions the calendar placed on them, minutes as /progress estimates them
    (``services.progress.estimator_for``), so the same sessions read the same everywhere
    (helper T's findings: a December recap counting 2 January, minutes not /progress's)."""

    first: date  # the month's first day
    done: int
    planned: int
    minutes: int  # /progress's estimate of the sessions done on the month's days
    levels: tuple[tuple[Focus, int], ...]  # foci that went up, and by how many levels
    streak: int  # the streak on the month's last day, as /progress counted it then


@dataclass(frozen=True)
class PreviewTally:
    """What the weekly preview opens with: the tally of the week just over (None in the
    runner's first week: there is nothing fair to count yet), the streak, and once a month
    the recap. ``this_week``: that week ends on the preview's day (a Sunday preview, the
    default), so the preview calls it "this week", as typed "what did I do last week?"
    then means the week before (helper T's finding: two weeks called "last week" in two
    consecutive messages)."""

    last_week: WeekTally | None
    streak: Streak | None
    recap: MonthRecap | None = None
    this_week: bool = False


def recap_due(day: date) -> bool:
    """The first preview of a calendar month: previews come weekly on one weekday, so the
    first of a month is the one on its first seven days. (A runner who moves their preview
    day that week may get a second one, or none: the recap is a nicety.)"""
    return day.day <= 7


def month_before(day: date) -> date:
    """The first day of the month before ``day``'s."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1)


def month_end(first: date) -> date:
    """The last day of ``first``'s month."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


async def preview_tally(
    session: AsyncSession, runner: Runner, day: date, catalog: Catalog
) -> PreviewTally:
    """What the preview sent on ``day`` opens with. Cheap on most weeks: the log's days
    and statuses, the moves (only for a runner who has any) and the pause periods
    (``services.progress.last_week_tally``); the first preview of a month also reads the
    log's rows up to the month's end for the recap's levels and minutes."""
    last, streak = await last_week_tally(session, runner, day)
    # The streak's weeks start at the runner's first (sign-up, or a restored log's start).
    first_week = not streak.weeks or streak.weeks[0].facts.monday >= last.facts.monday
    recap = (
        await month_recap(session, runner, month_before(day), catalog) if recap_due(day) else None
    )
    if first_week:
        return PreviewTally(None, None, recap)
    return PreviewTally(last, streak, recap, this_week=last.facts.monday == monday_of(day))


async def month_recap(
    session: AsyncSession, runner: Runner, first: date, catalog: Catalog
) -> MonthRecap | None:
    """The calendar month starting ``first``; None when no session was done on its days
    (a month of four hours since sign-up, or all of it missed: no paragraph of zeros, the
    tally line above already says where the runner is)."""
    last = month_end(first)
    rows = await logs.logs_between(session, runner.chat_id, date.min, last)
    done = sum(1 for row in rows if first <= row.local_date and row.status == LogStatus.DONE)
    if not done:
        return None
    moves, periods = await moves_and_periods(session, runner)
    held = await plans.periods_of(session, runner.chat_id)
    logged = {row.local_date: row.status for row in rows}
    facts = week_facts_of(runner, logged, moves, periods, last, held)
    placed = planned_days(runner, logged, moves, periods, last, held)
    entries = entries_of(rows)
    return recap_from(
        first,
        last,
        done=done,
        planned=sum(1 for day in placed if first <= day <= last),
        streak=tally(facts, last).current,
        entries=entries,
        start=STARTING_LEVEL[week_of(runner).experience],
        coaching=coaching_of(runner),
        minutes_of=estimator_for(catalog, runner),
    )


def recap_from(
    first: date,
    last: date,
    *,
    done: int,
    planned: int,
    streak: int,
    entries: Sequence[Entry],
    start: int,
    coaching: Coaching,
    minutes_of: MinutesOfLog,
) -> MonthRecap:
    """The recap from plain inputs: the month ``first`` to ``last``, the log's
    ``entries`` up to its end. Levels as /today built the sessions (``levels_on``, the same
    breaks and reduced days); minutes as /progress estimates the whole log
    (``coach.progress.minutes_estimator``: one replay to the month's end less one to its
    start; the replay is causal, so the difference is the month's sessions' minutes)."""
    history = sorted(entries, key=lambda entry: entry.day)
    index = TrainingIndex(history, coaching.race_day, coaching.race_distance)

    def levels_at(day: date) -> dict[Focus, FocusLevel]:
        """As /today works a level out on ``day``: from the log's last HISTORY_WEEKS."""
        window = [entry for entry in history if day - timedelta(weeks=HISTORY_WEEKS) <= entry.day]
        return levels_on(start, window, day, coaching.breaks, index.reduced)

    end = last + timedelta(days=1)
    before, after = levels_at(first), levels_at(end)
    gained = tuple(
        (focus, after[focus].level - before[focus].level)
        for focus in Focus
        if after[focus].level > before[focus].level
    )
    minutes = minutes_of(history, start, end, coaching.breaks, index) - minutes_of(
        history, start, first, coaching.breaks, index
    )
    return MonthRecap(
        first=first,
        done=done,
        planned=planned,
        minutes=minutes,
        levels=gained,
        streak=streak,
    )

"""When a runner's weekly preview is due: their chosen day and local time (Sunday 18:00
unless they chose otherwise in /settings, or never)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.day import Coaching
from bot.coach.progress import TrainingIndex
from bot.coach.progression import Entry, FocusLevel, Replay, levels_on
from bot.coach.schedule import local_date, local_instant
from bot.coach.session import build_session
from bot.coach.streaks import Streak, WeekTally, tally
from bot.coach.week import STARTING_LEVEL, Focus
from bot.content import Catalog
from bot.services.history import HISTORY_WEEKS
from bot.services.plan import coaching_of, swaps_of
from bot.services.progress import entries_of, last_week_tally, week_facts_of
from bot.store import logs, pauses, runners
from bot.store import moves as moves_store
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

    A month's weeks are those whose Thursday falls in it (ISO 8601's rule for a week's
    month), so every week belongs to one month and the recap's "done of planned" is the
    sum of the same weeks the streak judged."""

    first: date  # the month's first day
    done: int
    planned: int
    minutes: int  # the planned minutes of the sessions done those weeks
    levels: tuple[tuple[Focus, int], ...]  # foci that went up, and by how many levels
    streak: int  # the streak at the end of the month's last week


@dataclass(frozen=True)
class PreviewTally:
    """What the weekly preview opens with: last week's tally (None in the runner's first
    week: there is nothing fair to count yet), the streak, and once a month the recap."""

    last_week: WeekTally | None
    streak: Streak | None
    recap: MonthRecap | None = None


def recap_due(day: date) -> bool:
    """The first preview of a calendar month: previews come weekly on one weekday, so the
    first of a month is the one on its first seven days. (A runner who moves their preview
    day that week may get a second one, or none: the recap is a nicety.)"""
    return day.day <= 7


def month_before(day: date) -> date:
    """The first day of the month before ``day``'s."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1)


def weeks_of_month(first: date) -> list[date]:
    """The Mondays of the weeks whose Thursday is in ``first``'s month."""
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    mondays = []
    while thursday.month == first.month:
        mondays.append(thursday - timedelta(days=3))
        thursday += timedelta(days=7)
    return mondays


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
    return PreviewTally(last, streak, recap)


async def month_recap(
    session: AsyncSession, runner: Runner, first: date, catalog: Catalog
) -> MonthRecap | None:
    """The month starting ``first`` (its weeks: ``weeks_of_month``); None when no session
    was done in it."""
    mondays = weeks_of_month(first)
    end = mondays[-1] + timedelta(days=7)  # the month's last week is over: judged as past
    chat_id = runner.chat_id
    rows = await logs.logs_between(session, chat_id, date.min, end - timedelta(days=1))
    moves: Sequence[Any] = ()
    if runner.last_move_day is not None:
        moves = (await moves_store.moves_of(session, [chat_id], date.min)).get(chat_id, [])
    periods = await pauses.periods_of(session, chat_id)
    logged = {row.local_date: row.status for row in rows}
    counted = tally(week_facts_of(runner, logged, moves, periods, end - timedelta(days=1)), end)
    weeks = [week for week in counted.weeks if week.facts.monday in mondays]
    done = sum(week.facts.done for week in weeks)
    if not done:
        # Nothing done (a month of four hours since sign-up, or all of it missed): no
        # paragraph of zeros; the tally line above already says where the runner is.
        return None
    entries = entries_of(rows)
    return recap_from(
        first,
        weeks,
        entries,
        STARTING_LEVEL[week_of(runner).experience],
        coaching_of(runner),
        session_minutes(catalog, runner),
    )


def session_minutes(catalog: Catalog, runner: Runner) -> Callable[[Focus, int], int]:
    """A session's minutes at a focus and level with the runner's kit, budget and swaps,
    each (focus, level) built once: a month costs a handful of builds. The estimate
    leaves out a lighter week's or the taper's shorter dose (a few minutes over a month)."""
    week, swaps = week_of(runner), swaps_of(runner) or None
    built: dict[tuple[Focus, int], int] = {}

    def minutes(focus: Focus, level: int) -> int:
        if (focus, level) not in built:
            built[focus, level] = build_session(
                catalog,
                focus,
                level,
                week.equipment,
                week.pull_up_bar,
                budget_minutes=runner.time_budget,
                swaps=swaps,
            ).minutes
        return built[focus, level]

    return minutes


def recap_from(
    first: date,
    weeks: Sequence[WeekTally],
    entries: Sequence[Entry],
    start: int,
    coaching: Coaching,
    minutes_of: Callable[[Focus, int], int],
) -> MonthRecap:
    """The recap from plain inputs: the month's ``weeks`` as the streak tallied them, the
    log's ``entries`` up to the month's end. Levels and minutes as /today built the
    sessions (``progression.Replay``, the same breaks and reduced days); the minutes are
    each session's estimate at the level it was done (``coach.progress``)."""
    begin = weeks[0].facts.monday
    end = weeks[-1].facts.monday + timedelta(days=7)
    history = sorted(entries, key=lambda entry: entry.day)
    # reduced_on in O(log n) a day (coach.progress): a year of log replayed stays cheap.
    reduced = TrainingIndex(history, coaching.race_day, coaching.race_distance).reduced

    def levels_at(day: date) -> dict[Focus, FocusLevel]:
        """As /today works a level out on ``day``: from the log's last HISTORY_WEEKS."""
        window = [entry for entry in history if day - timedelta(weeks=HISTORY_WEEKS) <= entry.day]
        return levels_on(start, window, day, coaching.breaks, reduced)

    before, after = levels_at(begin), levels_at(end)
    gained = tuple(
        (focus, after[focus].level - before[focus].level)
        for focus in Focus
        if after[focus].level > before[focus].level
    )
    replay = Replay(start, history, end, coaching.breaks, reduced)
    minutes = sum(minutes_of(entry.focus, level) for entry, level in replay if begin <= entry.day)
    return MonthRecap(
        first=first,
        done=sum(week.facts.done for week in weeks),
        planned=sum(week.facts.planned for week in weeks),
        minutes=minutes,
        levels=gained,
        streak=weeks[-1].streak,
    )

"""The runner's log book: their logs a page at a time, newest first (/history), and the
logs of the last two weeks (for "what did I do last week?"), each line with the level the
session was done at.

Pages are keyset pages (``bot.store.log_pages``): a page is "the ``PAGE_SIZE`` logs before
day X" (older) or "after day X" (newer), so a page button keeps meaning the same thing
when a log is added or undone meanwhile, and reading page 40 costs what page 1 costs.

The level of a done session is the one its session message showed (``shown_level``: the
level ``coach.day.session_on`` gives that day), from the log as the bot read it then (the
``HISTORY_WEEKS`` before it, ``services.history.history_from``), with the runner's breaks
and reduced days. So a lighter week's or the taper's session shows the lower level it was
done at, not the level the runner held (``progression.levels_on``): what the runner saw
that morning. What cannot be replayed: settings changed since (the
experience that sets the starting level) — the runner's settings as they are now stand
in for the ones of then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.day import Coaching, day_focus
from bot.coach.phases import RacePhase, adjust
from bot.coach.plan import plan_for_date
from bot.coach.progress import TrainingIndex
from bot.coach.progression import Entry, levels_on
from bot.coach.status import LogStatus
from bot.coach.week import STARTING_LEVEL, Focus, RunnerWeek
from bot.services.calendar import local_today, monday_of
from bot.services.history import HISTORY_WEEKS, history_from
from bot.services.plan import coaching_of
from bot.store import log_pages, logs
from bot.store.models import Runner
from bot.store.runners import read_runner, week_of

# Logs per page: 8 lines of up to ~400 characters with their notes fit Telegram's 4096
# (``messages.history`` cuts each note so the page always does), and a phone shows a page
# without much scrolling.
PAGE_SIZE = 8


@dataclass(frozen=True)
class LogLine:
    """One day's log as /history shows it."""

    day: date
    focus: Focus
    status: str  # a LogStatus
    level: int | None  # the level the session was done at (done sessions only)
    reason: str | None = None  # why skipped (a SkipReason), if the runner said
    moved_to: date | None = None  # where a moved session went, if known
    feedback: str | None = None  # how it felt (a progression Feedback value)
    sore: bool = False
    note: str | None = None
    planned: bool = True


class Found(StrEnum):
    NOT_SET_UP = "not_set_up"
    EMPTY = "empty"  # set up, nothing logged yet
    PAGE = "page"
    GONE = "gone"  # a page button whose logs are gone: the newest page instead


@dataclass(frozen=True)
class LogPage:
    found: Found
    today: date | None = None
    lines: tuple[LogLine, ...] = ()  # newest first
    older: date | None = None  # the ◀ button's day: logs exist before it
    newer: date | None = None  # the ▶ button's day: logs exist after it


def shown_level(
    week: RunnerWeek,
    history: list[Entry],
    day: date,
    coaching: Coaching,
    focus: Focus,
) -> int | None:
    """The level the session message of ``day`` showed (``session_on(...).session.level``)
    for a session of ``focus`` there, from ``history`` as the bot read it before the day was
    logged; None if the day holds no session (race day).

    The level part of ``coach.day.session_on`` without building the session: its rungs
    replay the log once per exercise (about 12 ms a day on a year of log, 100 ms of CPU a
    page of 8), and the lighter weeks come from ``coach.progress.TrainingIndex`` instead
    of a scan of the log per session. tests/test_history.py holds the two equal on every
    session of the simulated seasons (``coach.season.EXAMPLES``: lighter weeks, taper,
    race week, recovery)."""
    # What the calendar placed there: the plan's session of the day when it becomes what
    # was done (race week's and the recovery's legs turn into core, sore legs into core or
    # upper body: the level is the placed session's), else what was done (a moved session).
    placed = focus
    usual = plan_for_date(week, day)
    if usual is not None:
        became = day_focus(week, history, day, coaching, usual)
        if became is not None and became.focus is focus:
            placed = usual
    decided = day_focus(week, history, day, coaching, placed)
    if decided is None:
        return None
    race_week = decided.phase in (RacePhase.RACE_WEEK, RacePhase.LEGS_REST)
    planned = decided.placed if race_week else decided.focus
    start = STARTING_LEVEL[week.experience]
    index = TrainingIndex(history, coaching.race_day, coaching.race_distance)
    states = levels_on(start, history, day, coaching.breaks, reduced=index.reduced)
    lighter = decided.phase is None and index.lighter(day)
    base = states[Focus.CORE if race_week else planned].level
    if lighter:  # never above the level the previous week started at
        last_monday = day - timedelta(days=day.weekday() + 7)
        before = levels_on(start, history, last_monday, coaching.breaks, reduced=index.reduced)
        base = min(base, before[planned].level)
    adjustment = adjust(
        planned, base, lighter_week=lighter, phase=decided.phase, distance=coaching.race_distance
    )
    return adjustment.level


def _lines(
    runner: Runner,
    rows: Sequence[Any],
    window: Sequence[Any],
    moved: dict[date, date],
) -> tuple[LogLine, ...]:
    """``rows`` as lines, the level of each done one from ``window`` (the log around them)."""
    week = week_of(runner)
    coaching = coaching_of(runner)
    found = []
    for row in rows:
        focus = Focus(row.focus)
        level = None
        if row.status == LogStatus.DONE:
            # As the session message read it that morning: the day not logged yet.
            day = row.local_date
            history = [entry for entry in history_from(window, day) if entry.day < day]
            level = shown_level(week, history, day, coaching, focus)
            if level is None:  # done on a day that holds none now (the race moved onto it)
                start = STARTING_LEVEL[week.experience]
                level = levels_on(start, history, day, coaching.breaks)[focus].level
        found.append(
            LogLine(
                day=row.local_date,
                focus=focus,
                status=row.status,
                level=level,
                reason=row.reason,
                moved_to=moved.get(row.local_date),
                feedback=row.feedback,
                sore=bool(row.sore),
                note=row.note,
                planned=bool(row.planned),
            )
        )
    return tuple(found)


async def _lines_of(
    session: AsyncSession, runner: Runner, rows: Sequence[Any]
) -> tuple[LogLine, ...]:
    """Lines of ``rows`` (any order kept), reading the log their levels need and the moves."""
    if not rows:
        return ()
    done = [row.local_date for row in rows if row.status == LogStatus.DONE]
    window: Sequence[Any] = ()
    if done:
        window = await logs.logs_between(
            session, runner.chat_id, min(done) - timedelta(weeks=HISTORY_WEEKS), max(done)
        )
    moved_days = [row.local_date for row in rows if row.status == LogStatus.MOVED]
    moved = await log_pages.moved_to(session, runner.chat_id, moved_days)
    return _lines(runner, rows, window, moved)


async def read_page(
    session: AsyncSession,
    chat_id: int,
    now: datetime,
    *,
    before: date | None = None,
    after: date | None = None,
) -> LogPage:
    """The page of logs before ``before`` (◀ older), after ``after`` (▶ newer), or the
    newest (neither). A newer page with fewer than ``PAGE_SIZE`` logs left is the newest
    page (full, not a stub); a page that finds nothing where its button pointed (the logs
    were undone, or /delete and a new start) is ``GONE`` with the newest page."""
    runner = await read_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return LogPage(Found.NOT_SET_UP)
    today = local_today(runner, now)
    if before is not None:
        rows = await log_pages.before(session, chat_id, before, PAGE_SIZE + 1)
        if rows:
            shown = rows[:PAGE_SIZE]
            newer = await log_pages.after(session, chat_id, shown[0].local_date, 1)
            return await _page(session, runner, today, shown, len(rows) > PAGE_SIZE, bool(newer))
    elif after is not None:
        rows = await log_pages.after(session, chat_id, after, PAGE_SIZE + 1)
        if len(rows) > PAGE_SIZE:
            shown = list(reversed(rows[:PAGE_SIZE]))
            older = await log_pages.before(session, chat_id, shown[-1].local_date, 1)
            return await _page(session, runner, today, shown, bool(older), True)
    rows = await log_pages.newest(session, chat_id, PAGE_SIZE + 1)
    if not rows:
        return LogPage(Found.EMPTY, today)
    page = await _page(session, runner, today, rows[:PAGE_SIZE], len(rows) > PAGE_SIZE, False)
    # ◀ that finds nothing before its day: the logs it pointed at are gone (undone, or
    # /delete and a new start) or it was never a real button.
    return replace(page, found=Found.GONE) if before is not None else page


async def _page(
    session: AsyncSession,
    runner: Runner,
    today: date,
    shown: Sequence[Any],
    has_older: bool,
    has_newer: bool,
) -> LogPage:
    """The page of ``shown`` (newest first), with ◀ and ▶ where there is more."""
    lines = await _lines_of(session, runner, shown)
    return LogPage(
        Found.PAGE,
        today,
        lines,
        older=shown[-1].local_date if has_older else None,
        newer=shown[0].local_date if has_newer else None,
    )


@dataclass(frozen=True)
class RecentWeeks:
    """Last week's logs (Monday to Sunday before this week) and this week's so far, each
    oldest first: "what did I do last week?", and "what did I do on Monday?" whichever
    Monday the runner means."""

    today: date
    monday: date  # last week's
    last_week: tuple[LogLine, ...]
    this_week: tuple[LogLine, ...]


async def read_recent_weeks(
    session: AsyncSession, chat_id: int, now: datetime
) -> RecentWeeks | None:
    """Last week's and this week's logs with their levels; None if not set up."""
    runner = await read_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return None
    today = local_today(runner, now)
    monday = monday_of(today) - timedelta(weeks=1)
    rows = await logs.logs_between(session, chat_id, monday, today)
    lines = await _lines_of(session, runner, rows)
    this_monday = monday_of(today)
    return RecentWeeks(
        today,
        monday,
        tuple(line for line in lines if line.day < this_monday),
        tuple(line for line in lines if line.day >= this_monday),
    )

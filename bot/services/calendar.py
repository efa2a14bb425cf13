"""A runner's calendar: which session falls on which day, once moves, re-offers and
pauses are counted (``bot.coach.calendar`` decides; this module feeds it from the store).

One way to read it: ``load_calendar`` (from the store, or from a log the caller has read
already) or, for callers that read many runners' rows in one statement, ``calendar_from``
on those rows. Either gives a ``History``; ``slot_for`` (one day), ``calendar_view`` (a
window worked out once) and ``next_slot`` read sessions from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History, Move, Pause, Slot, slot_on, slots_between
from bot.coach.plan import next_session, plan_week, week_index_of
from bot.coach.week import Focus, PlannedDay, RunnerWeek
from bot.coach.week_change import clear_past, with_runs
from bot.store import logs, week_changes
from bot.store import moves as moves_store
from bot.store.models import Runner
from bot.store.runners import week_of

# How far back the calendar reads logs and moves: re-offers reach back a few days only.
CALENDAR_LOOKBACK_DAYS = 14
# How far ahead reminders and "next session" look.
CALENDAR_AHEAD_DAYS = 21
# How far ahead ``next_slot`` looks for the next session.
NEXT_SLOT_DAYS = 14


def local_today(runner: Runner | RunnerWeek, now: datetime) -> date:
    return now.astimezone(ZoneInfo(runner.timezone)).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def pauses_of(runner: Runner) -> tuple[Pause, ...]:
    """/pause as the calendar sees it: a timed pause keeps its days after it ended, so they
    never count as missed; an open one (or one from before pauses had dates) has no end."""
    if runner.paused_from is not None:
        return (Pause(runner.paused_from, None if runner.paused else runner.paused_until),)
    return (Pause(date.min, None),) if runner.paused else ()


def changed_weeks(runner: Runner) -> tuple[dict[date, RunnerWeek], tuple[Pause, ...]]:
    """The weeks the runner changed ("long run on Sunday this week"), as the calendar
    takes them: the runner's week as it is in each, by Monday. And the days of such a week
    before the change was made on which its new plan holds a session the usual one did
    not: those days were lived by the usual plan, so they stay clear (as a paused day is:
    no session, never missed), and a change made on Thursday adds no missed Tuesday."""
    stored = week_changes.changed_weeks(runner)
    if not stored:
        return {}, ()
    usual = week_of(runner)
    weeks: dict[date, RunnerWeek] = {}
    cleared: list[Pause] = []
    for monday, changed in stored.items():
        week = with_runs(usual, changed.runs)
        weeks[monday] = week
        index = week_index_of(monday)
        before, after = plan_week(usual, index).sessions, plan_week(week, index).sessions
        cleared.extend(Pause(day, day) for day in clear_past(before, after, monday, changed.since))
    return weeks, tuple(cleared)


def week_on(runner: Runner, day: date) -> RunnerWeek:
    """The runner's week as it is in ``day``'s week: the usual one, or the one they
    changed for that week only."""
    weeks, _ = changed_weeks(runner)
    return weeks.get(monday_of(day), week_of(runner))


def calendar_from(
    runner: Runner, logged: Mapping[date, str], moves: Sequence[Any], first: date
) -> History:
    """The calendar from rows already read: ``logged`` (day -> log status) and ``moves``
    (``Move`` rows) from ``first``, the first day the store was read from; misses only
    count from there (and never before sign-up), so a short read never invents misses.
    The weeks the runner changed come from the runner row itself (``changed_weeks``)."""
    weeks, cleared = changed_weeks(runner)
    joined = (
        runner.created_at.astimezone(ZoneInfo(runner.timezone)).date()
        if runner.created_at
        else first
    )
    return History(
        logged=dict(logged),
        moves=tuple(
            Move(row.from_date, row.to_date, Focus(row.focus))
            for row in sorted(moves, key=lambda row: row.id or 0)
        ),
        pauses=pauses_of(runner) + cleared,
        since=max(first, joined),
        weeks=weeks,
        race_day=runner.race_date,
    )


async def load_calendar(
    session: AsyncSession,
    runner: Runner,
    around: date,
    logged: Mapping[date, str] | None = None,
) -> History:
    """The runner's calendar around ``around``. ``logged``: the log (day -> status) if the
    caller read it already, back to at least ``CALENDAR_LOOKBACK_DAYS`` before ``around``
    (``history.logged_in``, ``history.recent_logged``); then only the moves are read."""
    first = around - timedelta(days=CALENDAR_LOOKBACK_DAYS)
    if logged is not None:
        logged = {day: status for day, status in logged.items() if day >= first}
    else:
        logged = (await logs.logged_dates_of(session, [runner.chat_id], first)).get(
            runner.chat_id, {}
        )
    return calendar_from(runner, logged, await _moves_since(session, runner, first), first)


async def _moves_since(session: AsyncSession, runner: Runner, first: date) -> Sequence[Any]:
    if not moves_store.may_have_moves(runner, first):
        return ()
    return (await moves_store.moves_of(session, [runner.chat_id], first)).get(runner.chat_id, [])


def slot_for(runner: Runner, day: date, history: History, today: date) -> Slot | None:
    """The session on ``day`` (planned, moved or re-offered), or None."""
    return slot_on(week_of(runner), day, history, today)


def calendar_view(
    runner: Runner, history: History, today: date, first: date, days: int = CALENDAR_AHEAD_DAYS
) -> Callable[[date], Slot | None]:
    """Sessions from ``first`` for ``days`` days, worked out once; other days one by one."""
    week = week_of(runner)
    known = {
        slot.day: slot
        for slot in slots_between(week, first, first + timedelta(days=days), history, today)
    }
    last = first + timedelta(days=days)

    def view(day: date) -> Slot | None:
        if first <= day <= last:
            return known.get(day)
        return slot_on(week, day, history, today)

    return view


def next_slot(runner: Runner, history: History, today: date, *, include_today: bool) -> Slot | None:
    """The next session from today (or tomorrow) within ``NEXT_SLOT_DAYS``, or None."""
    start = today if include_today else today + timedelta(days=1)
    view = calendar_view(runner, history, today, start, days=NEXT_SLOT_DAYS)
    for offset in range(NEXT_SLOT_DAYS + 1):
        slot = view(start + timedelta(days=offset))
        if slot is not None:
            return slot
    return None


def upcoming(week: RunnerWeek, today: date, *, include_today: bool) -> PlannedDay | None:
    """The next planned session by the weekly plan alone (no calendar read)."""
    return next_session(week, today, include_today=include_today)

"""The session a runner does on a day: their week, their log and their coaching choices
(swaps, session length, race date, the last pause) handed to ``bot.coach.day``.

``session_of_day`` (and ``sessions_view`` for several days) is the one answer to "which
session is on this day": the calendar's slot (planned, moved, offered again, none while
paused), then what changes it (sore legs, race week, race day). /today, "done", /week,
the reminders and the preview all ask it, so they never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History, Slot, week_for
from bot.coach.day import Coaching, DayFocus, DayPlan, day_focus, session_on
from bot.coach.pause import welcome_back
from bot.coach.phases import no_session
from bot.coach.plan import plan_week, week_index_of
from bot.coach.progression import Break, Entry
from bot.coach.week import Focus
from bot.content import Content
from bot.services.calendar import (
    NEXT_SLOT_DAYS,
    calendar_view,
    load_calendar,
    local_today,
    slot_for,
)
from bot.services.history import logged_in, runner_and_history
from bot.store.models import Runner
from bot.store.runners import week_of


def swaps_of(runner: Runner) -> dict[str, str]:
    """The runner's "⇄ Swap" choices: exercise id -> the exercise they do instead."""
    try:
        found = json.loads(runner.swaps) if runner.swaps else {}
    except ValueError:
        return {}  # a damaged value must not stop /today or a reminder: no swaps
    if not isinstance(found, dict):
        return {}
    return {str(key): str(value) for key, value in found.items()}


def breaks_of(runner: Runner) -> tuple[Break, ...]:
    """The last timed pause, as progression steps back for it (bot.coach.pause decides)."""
    if runner.paused or runner.paused_from is None or runner.paused_until is None:
        return ()
    away = (runner.paused_until - runner.paused_from).days + 1
    back = welcome_back(runner.pause_reason, away).step_back_levels
    return (Break(runner.paused_until, back),) if back else ()


def coaching_of(runner: Runner) -> Coaching:
    return Coaching(
        race_day=runner.race_date,
        budget_minutes=runner.time_budget,
        swaps=swaps_of(runner) or None,
        breaks=breaks_of(runner),
        race_distance=runner.race_distance,
        weight_unit=runner.weight_unit or "kg",
    )


def day_plan(
    content: Content, runner: Runner, history: list[Entry], day: date, focus: Focus | None = None
) -> DayPlan | None:
    return session_on(
        content.catalog, week_of(runner), history, day, coaching_of(runner), focus=focus
    )


@dataclass(frozen=True)
class DaySession:
    """The session on a day: where the calendar put it (``slot``) and what it is once
    sore legs and the race are counted (``decided``)."""

    slot: Slot
    decided: DayFocus

    @property
    def day(self) -> date:
        return self.slot.day

    @property
    def focus(self) -> Focus:
        return self.decided.focus


def decide(
    runner: Runner, calendar: History, history: list[Entry], slot: Slot | None
) -> DaySession | None:
    """What the calendar's ``slot`` becomes (None on race day): ``coach.day.day_focus``."""
    if slot is None:
        return None
    week = week_for(week_of(runner), calendar, slot.day)
    decided = day_focus(week, history, slot.day, coaching_of(runner), slot.focus)
    return DaySession(slot, decided) if decided is not None else None


def session_of_day(
    runner: Runner, calendar: History, history: list[Entry], day: date, today: date
) -> DaySession | None:
    """The one answer to "which session is on ``day``" (see the module docstring)."""
    return decide(runner, calendar, history, slot_for(runner, day, calendar, today))


def sessions_view(
    runner: Runner, calendar: History, history: list[Entry], today: date, first: date, days: int
) -> Callable[[date], DaySession | None]:
    """``session_of_day`` for ``first`` and the ``days`` after it, the calendar worked out
    once (other days one by one)."""
    view = calendar_view(runner, calendar, today, first, days=days)
    return lambda day: decide(runner, calendar, history, view(day))


def next_session_of(
    runner: Runner, calendar: History, history: list[Entry], day: date, today: date
) -> DaySession | None:
    """The first session after ``day`` within ``NEXT_SLOT_DAYS``, as ``session_of_day``
    says it."""
    view = sessions_view(runner, calendar, history, today, day + timedelta(days=1), NEXT_SLOT_DAYS)
    for offset in range(1, NEXT_SLOT_DAYS + 1):
        found = view(day + timedelta(days=offset))
        if found is not None:
            return found
    return None


def first_session(runner: Runner, today: date) -> DaySession | None:
    """The first session of a runner who has just set up (no log, no moves, no pause):
    today's, else the next one, as ``session_of_day`` says (none on race day)."""
    calendar = History(since=today, race_day=runner.race_date)
    found = session_of_day(runner, calendar, [], today, today)
    return found or next_session_of(runner, calendar, [], today, today)


def planned_in_week(runner: Runner, calendar: History, monday: date) -> int:
    """Sessions the week's plan holds, race day's and race eve's not counted ("2 of 3 this
    week")."""
    week = week_for(week_of(runner), calendar, monday)
    sessions = plan_week(week, week_index_of(monday)).sessions
    return sum(
        1
        for weekday in sessions
        if not no_session(monday + timedelta(days=weekday), runner.race_date)
    )


def plan_of_session(
    content: Content, runner: Runner, calendar: History, history: list[Entry], found: DaySession
) -> DayPlan | None:
    """The exercises of a session ``session_of_day`` found (levels, race phase, swaps)."""
    week = week_for(week_of(runner), calendar, found.day)
    return session_on(
        content.catalog,
        week,
        history,
        found.day,
        coaching_of(runner),
        focus=found.slot.focus,
        calendar=calendar,
    )


@dataclass(frozen=True)
class Today:
    """What /today shows: the runner, their today, its log status, the log and calendar."""

    runner: Runner
    day: date
    status: str | None  # today's log status (a LogStatus), or None
    history: list[Entry]
    calendar: History


async def read_today(session: AsyncSession, chat_id: int, now: datetime) -> Today | None:
    """The runner's today in one read of runner and log (plus the moves); None if they are
    not set up."""
    runner, history = await runner_and_history(session, chat_id, now)
    if runner is None or not runner.onboarded:
        return None
    day = local_today(runner, now)
    calendar = await load_calendar(session, runner, day, logged_in(history))
    status = next((entry.status for entry in history if entry.day == day), None)
    return Today(runner, day, status, history, calendar)

"""The session a runner does on a day: their week, their log and their coaching choices
(swaps, session length, race date, the last pause) handed to ``bot.coach.day``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import History
from bot.coach.day import Coaching, DayPlan, session_on
from bot.coach.pause import welcome_back
from bot.coach.progression import Break, Entry
from bot.coach.week import Focus
from bot.content import Content
from bot.services.calendar import load_calendar, local_today
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
    )


def day_plan(
    content: Content, runner: Runner, history: list[Entry], day: date, focus: Focus | None = None
) -> DayPlan | None:
    return session_on(
        content.catalog, week_of(runner), history, day, coaching_of(runner), focus=focus
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

"""⇄ Swap for one runner: the session of a day as the swap flow sees it, the exercises it
may swap to (``bot.coach.swaps`` decides), and storing a choice for good."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.day import DayPlan
from bot.coach.progression import Entry
from bot.coach.swaps import exercise_by_code, origin_of, swap_options, with_swap
from bot.content import Content, Exercise
from bot.services.calendar import local_today
from bot.services.history import history_of
from bot.services.log import DONE_LOOKBACK_DAYS
from bot.services.plan import day_plan, swaps_of
from bot.store import logs, runners
from bot.store.models import Runner

# Session messages are for today (reminders, /today); a button a few days old may still
# swap, one from further back is from another week's plan.
FUTURE_DAYS = 7


class SwapProblem(StrEnum):
    NOT_SET_UP = "not_set_up"
    OLD = "old"  # before the days a "done" still reaches
    FORGED = "forged"  # further ahead than any session message the bot sent
    NO_SESSION = "no_session"


@dataclass(frozen=True)
class SwapRead:
    """What one tap reads, in one transaction."""

    runner: Runner
    day: date
    now: datetime
    status: str | None  # the day's log status (a LogStatus) or None
    history: list[Entry]


@dataclass(frozen=True)
class SwapDay(SwapRead):
    """``SwapRead`` with the day's session planned."""

    plan: DayPlan


async def read_swap_day(
    session: AsyncSession, chat_id: int, day: date, now: datetime
) -> SwapRead | SwapProblem:
    """The runner, the day's log and history — or why not. The day is checked against
    today before anything is read for it."""
    runner = await runners.get_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return SwapProblem.NOT_SET_UP
    today = local_today(runner, now)
    if day < today - timedelta(days=DONE_LOOKBACK_DAYS):
        return SwapProblem.OLD
    if day > today + timedelta(days=FUTURE_DAYS):
        return SwapProblem.FORGED
    log = await logs.log_on(session, chat_id, day)
    history = await history_of(session, chat_id, day)
    return SwapRead(runner, day, now, log.status if log else None, history)


def plan_swap_day(content: Content, read: SwapRead) -> SwapDay | SwapProblem:
    """The day's session as the runner does it now (their stored swaps included)."""
    plan = day_plan(content, read.runner, read.history, read.day)
    if plan is None:
        return SwapProblem.NO_SESSION
    return SwapDay(read.runner, read.day, read.now, read.status, read.history, plan)


def in_session(content: Content, swap_day: SwapDay, code: str) -> Exercise | None:
    """The exercise a code names, if it is in the day's session."""
    exercise = exercise_by_code(content.catalog, code)
    ids = {item.exercise.id for item in swap_day.plan.session.items}
    return exercise if exercise is not None and exercise.id in ids else None


def options_for(content: Content, swap_day: SwapDay, shown_id: str) -> list[Exercise]:
    """What the runner may do instead of ``shown_id`` (same focus, their kit and level)."""
    week = runners.week_of(swap_day.runner)
    return swap_options(
        content.catalog,
        swap_day.plan.session,
        swaps_of(swap_day.runner),
        week.equipment,
        week.pull_up_bar,
        shown_id,
    )


def original_of(content: Content, swap_day: SwapDay, shown_id: str) -> str:
    """The exercise the plan picks where ``shown_id`` is shown (itself unless swapped)."""
    week = runners.week_of(swap_day.runner)
    return origin_of(
        content.catalog,
        swap_day.plan.session,
        swaps_of(swap_day.runner),
        week.equipment,
        week.pull_up_bar,
        shown_id,
    )


async def store_swap(
    session: AsyncSession, chat_id: int, original: str, chosen: str, now: datetime
) -> Runner | None:
    """Do ``chosen`` instead of ``original`` from now on (``chosen == original`` swaps
    back); the runner as stored, or None if they are gone since the tap was read."""
    runner = await runners.get_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return None
    swaps = with_swap(swaps_of(runner), original, chosen)
    stored = json.dumps(swaps, sort_keys=True) if swaps else None
    await runners.set_state(session, runner, now=now, swaps=stored)
    return runner

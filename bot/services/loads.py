"""The weights a runner tells: which session they belong to, which moves they name, and
keeping them on that session's log (``session_logs.loads``, kilograms).

A weight belongs to the session logged done today (or, within the "done" look-back, the
one written today for a recent day); the moves it can name are that session's loaded
moves, as ``services.plan`` builds it, so "squat" is the squat the runner was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.day import DayPlan
from bot.coach.loads import UNITS, LoadTarget, load_targets
from bot.coach.status import LogStatus
from bot.coach.week import Focus
from bot.coach.weights import MAX_KG, Reading, kilograms, match_exercise
from bot.content import Content, Exercise
from bot.services.calendar import local_today
from bot.services.log import DONE_LOOKBACK_DAYS
from bot.services.plan import day_plan, plan_of_session, read_today, session_of_day
from bot.store import logs
from bot.store.logs import LoadsResult
from bot.store.models import Runner


@dataclass(frozen=True)
class LoggedSession:
    """A session logged done, as a weight needs it: whose, which day, its loaded moves
    (in the session's order) and the target of each, and the weights kept already."""

    runner: Runner
    today: date
    day: date
    loaded: tuple[Exercise, ...]
    targets: dict[str, LoadTarget] = field(default_factory=dict)
    kept: dict[str, float] = field(default_factory=dict)

    @property
    def unit(self) -> str:
        return unit_of(self.runner)


def unit_of(runner: Runner) -> str:
    return runner.weight_unit if runner.weight_unit in UNITS else "kg"


def loaded_moves(plan: DayPlan | None) -> tuple[Exercise, ...]:
    if plan is None:
        return ()
    return tuple(item.exercise for item in plan.session.items if item.level.load)


async def logged_session(
    session: AsyncSession, content: Content, chat_id: int, now: datetime, day: date | None = None
) -> LoggedSession | None:
    """The session logged done on ``day`` — without ``day``, the latest one written today
    (today's, or a recent day's logged today) — or None (not set up, nothing done)."""
    found = await read_today(session, chat_id, now)
    if found is None:
        return None
    runner, today = found.runner, found.day
    if day is None:
        rows = await logs.logs_between(
            session, chat_id, today - timedelta(days=DONE_LOOKBACK_DAYS), today
        )
        zone = ZoneInfo(runner.timezone)
        written = [
            row
            for row in rows
            if row.status == LogStatus.DONE
            and (
                row.local_date == today
                or (row.created_at is not None and row.created_at.astimezone(zone).date() == today)
            )
        ]
        if not written:
            return None
        day = max(written, key=lambda row: row.local_date).local_date
    entry = next((e for e in found.history if e.day == day), None)
    if entry is None or entry.status != LogStatus.DONE:
        return None
    plan = day_plan(content, runner, found.history, day, focus=Focus(entry.focus))
    moves = loaded_moves(plan)
    targets: dict[str, LoadTarget] = {}
    if plan is not None:
        targets = load_targets(plan.session, plan.previous, found.history, day, unit_of(runner))
    return LoggedSession(runner, today, day, moves, targets, dict(entry.loads))


async def moves_today(
    session: AsyncSession, content: Content, chat_id: int, now: datetime
) -> tuple[Exercise, ...]:
    """The loaded moves of today's session (nothing logged needed): what a weight typed
    before "done" can name."""
    found = await read_today(session, chat_id, now)
    if found is None:
        return ()
    day = session_of_day(found.runner, found.calendar, found.history, found.day, found.day)
    if day is None:
        return ()
    return loaded_moves(plan_of_session(content, found.runner, found.calendar, found.history, day))


def resolve(
    reading: Reading, loaded: Sequence[Exercise], unit: str
) -> list[tuple[Exercise, float]]:
    """Each weight told, with the move it names and its kilograms (a later weight for the
    same move wins)."""
    found: dict[str, tuple[Exercise, float]] = {}
    for told in reading.told:
        exercise = match_exercise(told.name, loaded)
        if exercise is not None:
            found[exercise.id] = (exercise, kilograms(told, unit))
    return list(found.values())


def sensible(reading: Reading, unit: str) -> bool:
    """No minus sign, nothing over ``MAX_KG`` or at zero, in the unit the runner means."""
    return not reading.nonsense and all(
        0 < kilograms(told, unit) <= MAX_KG for told in reading.told
    )


async def keep_weights(
    session: AsyncSession, chat_id: int, day: date, told: Sequence[tuple[Exercise, float]]
) -> LoadsResult:
    return await logs.set_loads(session, chat_id, day, {e.id: kg for e, kg in told})


async def set_unit(session: AsyncSession, chat_id: int, unit: str) -> bool | None:
    """The runner's weight unit from now on; True if it changed, None if not set up."""
    runner = await session.get(Runner, chat_id)
    if runner is None or not runner.onboarded or unit not in UNITS:
        return None
    if runner.weight_unit == unit:
        return False
    runner.weight_unit = unit
    session.add(runner)
    await session.flush()
    return True


def today_of(runner: Runner, now: datetime) -> date:
    return local_today(runner, now)

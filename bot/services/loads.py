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
from bot.coach.loads import UNITS, LoadTarget
from bot.coach.progression import Entry
from bot.coach.status import LogStatus
from bot.coach.week import Focus
from bot.coach.weights import (
    MAX_KG,
    LoadWords,
    Reading,
    kilograms,
    match_exercise,
    named_move,
)
from bot.content import Content, Exercise, headline
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
    # Each loaded move as that session's list named it ("Back squat" for the barbell back
    # squat's rung), so the replies about its weight use the name the runner just read.
    names: dict[str, str] = field(default_factory=dict)

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
    return session_logged(content, runner, today, found.history, day, entry.focus, entry.loads)


def session_logged(
    content: Content,
    runner: Runner,
    today: date,
    history: list[Entry],
    day: date,
    focus: Focus,
    loads: Sequence[tuple[str, float]] = (),
) -> LoggedSession:
    """The session logged done on ``day``, from the log before it (no database read): "done"
    has the runner and the log in hand already."""
    # The session as it was shown that day, before it was logged: its targets are the
    # ones the session message gave (a lighter week's held weights included), so the
    # "(target X)" under "✅ Logged" is the number the runner just read.
    before = [e for e in history if e.day < day]
    plan = day_plan(content, runner, before, day, focus=Focus(focus))
    moves = loaded_moves(plan)
    targets: dict[str, LoadTarget] = dict(plan.targets) if plan is not None else {}
    names = (
        {item.exercise.id: headline(item.level.variant)[0] for item in plan.session.items}
        if plan is not None
        else {}
    )
    return LoggedSession(runner, today, day, moves, targets, dict(loads), names)


# How many earlier sessions of the same focus are looked through for a move's first time.
# A template serves three levels (about three weeks), so a move of today's session that is
# not new was in one of the last few sessions of its focus; each look rebuilds a session
# (levels and rungs replayed from the log: ~0.5 ms a logged session), so the look stays
# short — 150 looks cost a long-time runner seconds on every "done".
FIRST_TIME_LOOKBACK = 3


async def first_time_moves(
    session: AsyncSession, content: Content, chat_id: int, now: datetime, day: date
) -> tuple[Exercise, ...]:
    """``new_moves`` for the session logged done on ``day``, read from the database."""
    found = await read_today(session, chat_id, now)
    if found is None:
        return ()
    entry = next((e for e in found.history if e.day == day), None)
    if entry is None or entry.status != LogStatus.DONE:
        return ()
    return new_moves(content, found.runner, found.history, day, entry.focus)


def new_moves(
    content: Content, runner: Runner, history: list[Entry], day: date, focus: Focus
) -> tuple[Exercise, ...]:
    """The loaded moves of the session done on ``day`` that the runner meets there for the
    first time with no weight ever logged for them: the ones "What weight did you use?" is
    asked about. A move an earlier session of its focus had was asked about then — the
    question comes once per move, not after every loaded session."""
    plan = day_plan(content, runner, [e for e in history if e.day < day], day, focus)
    weighed = {name for e in history for name, _kg in e.loads}
    wanted = [move for move in loaded_moves(plan) if move.id not in weighed]
    earlier = sorted(
        (e for e in history if e.day < day and e.status == LogStatus.DONE and e.focus is focus),
        key=lambda e: e.day,
        reverse=True,
    )[:FIRST_TIME_LOOKBACK]
    for before in earlier:
        if not wanted:
            break
        seen = loaded_moves(
            day_plan(
                content,
                runner,
                [e for e in history if e.day < before.day],
                before.day,
                before.focus,
            )
        )
        met = {move.id for move in seen}
        wanted = [move for move in wanted if move.id not in met]
    return tuple(wanted)


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


def names_a_move(name: str) -> bool:
    """Whether the words typed before a weight try to name a move ("squat", "rdl"), as
    opposed to none ("", "3" of "all 3 sets with 60 kg")."""
    return any(len(word) >= 2 and word.isalpha() for word in name.split())


def resolve(
    reading: Reading, loaded: Sequence[Exercise], unit: str, words: LoadWords | None = None
) -> list[tuple[Exercise, float]]:
    """Each weight told, with the move it names and its kilograms (a later weight for the
    same move wins). A weight with no name is the session's first loaded move; one whose
    name fits none of the session's moves ("squat" on an upper-body day) is kept on
    nothing (``unmatched``) — never on another move."""
    found: dict[str, tuple[Exercise, float]] = {}
    for told in reading.told:
        if names_a_move(told.name):
            exercise = named_move(told.name, loaded, words)
        else:
            exercise = match_exercise("", loaded, words)
        if exercise is not None:
            found[exercise.id] = (exercise, kilograms(told, unit))
    return list(found.values())


def unmatched(
    reading: Reading, loaded: Sequence[Exercise], words: LoadWords | None = None
) -> list[str]:
    """The move names typed with a weight that are none of ``loaded`` ("squat" on an
    upper-body day), as typed (normalised), in order."""
    return [
        told.name
        for told in reading.told
        if names_a_move(told.name) and named_move(told.name, loaded, words) is None
    ]


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

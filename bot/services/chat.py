"""What the conversation reads and does for a runner's typed questions and requests:
"how am I doing?", "what's next", "can I do it tomorrow instead?" (``handlers.chat``
routes them here; the texts are ``messages.chat``'s).

Each function runs inside the caller's transaction, and reads what one answer needs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import Slot
from bot.coach.day import reduced_days
from bot.coach.plan import plan_week
from bot.coach.progression import levels_on
from bot.coach.status import LogStatus, SkipReason
from bot.coach.week import STARTING_LEVEL, Focus
from bot.services.calendar import local_today, monday_of
from bot.services.log import LogResult, log_session
from bot.services.plan import (
    DaySession,
    Today,
    breaks_of,
    coaching_of,
    next_session_of,
    read_today,
    session_of_day,
)
from bot.services.skip import MoveResult, Skipped, give_reason, move_offer, move_skipped
from bot.services.week import WeekView, week_view
from bot.store import runners
from bot.store.runners import week_of


async def yesterday_of(session: AsyncSession, chat_id: int, now: datetime) -> date | None:
    """The runner's yesterday, for "did it yesterday"; None if they are not set up."""
    runner = await runners.read_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return None
    return local_today(runner, now) - timedelta(days=1)


@dataclass(frozen=True)
class Standing:
    """ "How am I doing?": this week as /week counts it, and each focus's level now."""

    today: Today
    week: WeekView
    levels: dict[Focus, int]
    following: Slot | None  # the next session to do: today's while it is not logged


async def standing(session: AsyncSession, chat_id: int, now: datetime) -> Standing | None:
    """The runner's week and levels (None if they are not set up)."""
    found = await read_today(session, chat_id, now)
    if found is None:
        return None
    runner, today = found.runner, found.day
    monday = monday_of(today)
    logged = {entry.day: entry.status for entry in found.history if monday <= entry.day <= today}
    # Levels as the next session would have them: everything logged up to today counts,
    # but for sessions made easier on purpose (taper, race week, recovery, lighter weeks),
    # as coach.day counts them — so "what level am I?" and the session never disagree.
    states = levels_on(
        STARTING_LEVEL[week_of(runner).experience],
        found.history,
        today + timedelta(days=1),
        breaks_of(runner),
        reduced=reduced_days(found.history, coaching_of(runner)),
    )
    # Only the foci the runner's weeks hold: core is built into leg sessions, so a runner
    # with two leg sessions and an upper-body one has no core level to read.
    planned = {
        focus for index in (0, 1) for focus in plan_week(week_of(runner), index).sessions.values()
    }
    todays, following = _today_and_next(found)
    return Standing(
        today=found,
        week=week_view(runner, today, logged, found.calendar, found.history),
        levels={focus: state.level for focus, state in states.items() if focus in planned},
        # Today's session while it is not logged: it is the next one to do.
        following=todays if todays is not None and found.status is None else following,
    )


def _held(found: DaySession | None) -> Slot | None:
    """A session as the runner meets it: the calendar's slot with the focus
    ``session_of_day`` gives (the sore swap, race week's core)."""
    return replace(found.slot, focus=found.focus) if found is not None else None


def _today_and_next(found: Today) -> tuple[Slot | None, Slot | None]:
    """Today's session and the next one after it, as /today and /next name them."""
    runner, today = found.runner, found.day
    return (
        _held(session_of_day(runner, found.calendar, found.history, today, today)),
        _held(next_session_of(runner, found.calendar, found.history, today, today)),
    )


@dataclass(frozen=True)
class Glance:
    """Today at a glance: the runner's today, its session (None: none today) and the next
    session after it — what a greeting or an unknown message is answered with."""

    today: Today
    slot: Slot | None
    following: Slot | None


async def glance(session: AsyncSession, chat_id: int, now: datetime) -> Glance | None:
    found = await read_today(session, chat_id, now)
    if found is None:
        return None
    todays, following = _today_and_next(found)
    return Glance(today=found, slot=todays, following=following)


class Moved(StrEnum):
    """What became of "can I do it tomorrow instead?"."""

    MOVED = "moved"  # tomorrow keeps the rules: moved there
    OFFER = "offer"  # skipped; another day keeps the rules: offered (the skip's buttons)
    NO_DAY = "no_day"  # no day keeps the rules: nothing written, today's session stays on
    LOGGED = "logged"  # today's session is logged already
    NO_SESSION = "no_session"  # nothing today to move


@dataclass(frozen=True)
class MoveToday:
    result: Moved
    today: date
    slot: Slot | None = None  # today's session
    target: date | None = None  # where it went, or may go
    status: str | None = None  # today's log status when it is logged already
    following: Slot | None = None  # the next session after today


async def move_to_tomorrow(session: AsyncSession, chat_id: int, now: datetime) -> MoveToday | None:
    """Today's session moved to the day the skip flow would offer (tomorrow if it keeps
    the rules): logged as skipped for being busy, then moved, as "⏭ Skip", "📅 Busy",
    "↪️ Move" would; offered instead when that day is not tomorrow. None: not set up."""
    found = await read_today(session, chat_id, now)
    if found is None:
        return None
    runner, today = found.runner, found.day
    slot, following = _today_and_next(found)
    if slot is None:
        return MoveToday(Moved.NO_SESSION, today, following=following)
    if found.status is not None:
        return MoveToday(Moved.LOGGED, today, slot, status=found.status, following=following)
    # Where it could go, asked before anything is written: a question is no skip, so with
    # nowhere to move it today's session stays on and nothing is logged.
    probe = move_offer(Skipped(runner, today, found.calendar), today, SkipReason.BUSY)
    if probe.target is None:
        return MoveToday(Moved.NO_DAY, today, slot, following=following)
    outcome = await log_session(session, runner, now=now, status=LogStatus.SKIPPED, day=today)
    if outcome.result is not LogResult.LOGGED:
        return MoveToday(Moved.LOGGED, today, slot, status=outcome.status, following=following)
    # The skip changes no day after today, so the day found above is the buttons' too.
    await give_reason(session, chat_id, today, SkipReason.BUSY, now)
    if probe.target == today + timedelta(days=1):
        move = await move_skipped(session, chat_id, today, probe.target, now)
        if move.result is MoveResult.MOVED:
            return MoveToday(Moved.MOVED, today, slot, target=probe.target)
    return MoveToday(Moved.OFFER, today, slot, target=probe.target)

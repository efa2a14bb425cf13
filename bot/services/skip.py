"""After a skip: why (one tap), and moving the session to a day that keeps the rules.

Which day a session may move to is the coach's call (``bot.coach.calendar.move_target``),
so a moved session never lands before a long run or a hard day, or next to another
strength session. These functions run inside the caller's transaction; what they decide
is answered by the handler once it is committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.calendar import MOVE_HORIZON_DAYS, History, Origin, Slot, move_blockers, move_target
from bot.coach.status import LogStatus, SkipReason
from bot.services.calendar import (
    CALENDAR_LOOKBACK_DAYS,
    load_calendar,
    local_today,
    next_slot,
    slot_for,
)
from bot.services.next_reminder import next_reminder_for
from bot.store import logs, moves, runners
from bot.store.models import Runner

# How far from the runner's today a button's day may be: a skip is logged for today or
# the two days before, and a move goes at most MOVE_HORIZON_DAYS ahead; a keyboard from
# a few weeks back still works. Beyond it a day is forged (or ancient): stale.
BUTTON_DAYS = timedelta(days=CALENDAR_LOOKBACK_DAYS + MOVE_HORIZON_DAYS)


def near(day: date, today: date) -> bool:
    return abs(day - today) <= BUTTON_DAYS


@dataclass(frozen=True)
class Skipped:
    """A set-up runner's day logged as skipped, near their today, with their calendar."""

    runner: Runner
    today: date
    calendar: History


async def set_up_runner(session: AsyncSession, chat_id: int) -> Runner | None:
    """The tapping runner, or None if they are not set up (any more): the caller answers
    "expired" once the transaction is over."""
    runner = await runners.get_runner(session, chat_id)
    if runner is None or not runner.onboarded:
        return None
    return runner


async def _skipped_log(
    session: AsyncSession, chat_id: int, day: date, now: datetime
) -> tuple[Runner, date, str | None] | None:
    """The set-up runner, their today and the reason of ``day``'s log, if that day (near
    today) is logged as skipped: what a reason or a "keep" can be about; else None."""
    runner = await set_up_runner(session, chat_id)
    if runner is None:
        return None
    today = local_today(runner, now)
    log = await logs.log_on(session, chat_id, day) if near(day, today) else None
    if log is None or log.status != LogStatus.SKIPPED:
        return None
    return runner, today, log.reason


async def skipped(session: AsyncSession, chat_id: int, day: date, now: datetime) -> Skipped | None:
    """``day`` logged as skipped, for a "keep it skipped"; None if it is not (any more)."""
    found = await _skipped_log(session, chat_id, day, now)
    if found is None:
        return None
    runner, today, _ = found
    return Skipped(runner, today, await load_calendar(session, runner, today))


class ReasonResult(StrEnum):
    RECORDED = "recorded"
    ANSWERED = "answered"  # a reason is in already: a second tap, or another reason
    STALE = "stale"  # not a skipped day of a set-up runner


async def give_reason(
    session: AsyncSession, chat_id: int, day: date, reason: SkipReason, now: datetime
) -> tuple[ReasonResult, Skipped | None]:
    """Store why ``day`` was skipped, unless a reason is stored already (the first one
    stands); the calendar comes with a recorded reason, for ``move_offer``."""
    found = await _skipped_log(session, chat_id, day, now)
    if found is None:
        return ReasonResult.STALE, None
    runner, today, stored = found
    if stored is not None:
        return ReasonResult.ANSWERED, None
    await logs.set_reason(session, chat_id, day, reason)
    return ReasonResult.RECORDED, Skipped(
        runner, today, await load_calendar(session, runner, today)
    )


@dataclass(frozen=True)
class MoveOffer:
    """What to offer after a reason: the skipped session (None if the calendar has none
    that day any more), the day it may move to (None: rest, or no day keeps the rules) and
    the next session from tomorrow (said when there is no move)."""

    slot: Slot | None
    target: date | None
    following: Slot | None


def move_offer(skip: Skipped, day: date, reason: SkipReason) -> MoveOffer:
    runner, today, calendar = skip.runner, skip.today, skip.calendar
    slot = slot_for(runner, day, calendar, today)
    target = None
    if not reason.means_rest and slot is not None:
        target = move_target(runners.week_of(runner), slot, calendar, today)
    following = next_slot(runner, calendar, today, include_today=False) if target is None else None
    return MoveOffer(slot, target, following)


class MoveResult(StrEnum):
    MOVED = "moved"
    STALE = "stale"  # not a set-up runner, a day far from today, or moved already
    GONE = "gone"  # the session or the target day no longer fits
    NOT_STORED = "not_stored"  # a move of that day is stored already


@dataclass(frozen=True)
class Move:
    result: MoveResult
    slot: Slot | None = None
    today: date | None = None


async def move_skipped(
    session: AsyncSession, chat_id: int, from_day: date, to_day: date, now: datetime
) -> Move:
    """Move the session skipped on ``from_day`` to ``to_day`` if that still keeps every
    rule, and plan the next reminder with it."""
    runner = await set_up_runner(session, chat_id)
    if runner is None:
        return Move(MoveResult.STALE)
    today = local_today(runner, now)
    # Forged or from another month: the calendar is never worked out that far (a
    # year-9999 day would overflow it).
    if not (near(from_day, today) and near(to_day, today)):
        return Move(MoveResult.STALE)
    log = await logs.log_on(session, chat_id, from_day)
    if log is not None and log.status == LogStatus.MOVED:
        return Move(MoveResult.STALE)
    calendar = await load_calendar(session, runner, today)
    slot = slot_for(runner, from_day, calendar, today)
    if (
        slot is None
        or slot.origin is Origin.REOFFERED
        or log is None
        or log.status != LogStatus.SKIPPED
        or move_blockers(runners.week_of(runner), slot, to_day, calendar, today)
    ):
        return Move(MoveResult.GONE, slot, today)
    if not await moves.add_move(
        session, runner=runner, from_day=from_day, to_day=to_day, focus=slot.focus.value, now=now
    ):
        # A move of that day is stored already although its log says skipped (another
        # instance's, or an old release's leftover): nothing was moved, and saying so
        # beats a "moved" the calendar would not show.
        return Move(MoveResult.NOT_STORED, slot, today)
    await logs.mark_moved(session, chat_id, from_day)
    await runners.set_state(
        session,
        runner,
        now=now,
        next_reminder_utc=await next_reminder_for(session, runner, now=now),
    )
    return Move(MoveResult.MOVED, slot, today)

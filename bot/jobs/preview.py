"""The weekly preview: on the runner's day and time (Sunday 18:00 unless they chose
otherwise in /settings, or never), one message with the coming week, day by day.

No job of its own. Runners carry an indexed ``next_preview_utc``; the reminder tick calls
``plan_previews`` before it plans the day's reminders, which writes one ``reminders`` row
of kind ``preview`` per due runner and moves the runner to next week's instant in the
same transaction. From there the reminder senders deliver it like any reminder — lease,
retries, 429s, blocked runners — and the unique (runner, local date, kind) key keeps a
restart or a second instance from sending the same preview twice.

Each instant is computed from a local date and time (``local_instant``), never by adding
seven days to the last one, so 18:00 stays 18:00 across daylight saving changes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.schedule import local_date
from bot.coach.status import ReminderStatus
from bot.deps import Deps
from bot.jobs.batches import Plan, Rows, plan_all, too_late
from bot.services.calendar import pauses_of
from bot.services.previews import next_preview_at
from bot.store import reminders, runners
from bot.store.db import transaction
from bot.store.models import Runner

log = logging.getLogger(__name__)

BACKFILL_BATCH = 100
# After a long downtime, only the previews of the last few weeks get a ("missed") row.
MAX_CATCHUP_WEEKS = 4
# The row's focus column names a session; a preview is about a whole week.
NO_FOCUS = ""


# ---- when ---------------------------------------------------------------------------------


def _plan_runner(
    deps: Deps, runner: Runner, now: datetime, context: None, rows: Rows
) -> datetime | None:
    """Add a row for every preview instant up to now (a downtime leaves several) and return
    the runner's next instant. Pure: the batch writes the rows."""
    zone = ZoneInfo(runner.timezone)
    pauses = pauses_of(runner)
    due_at = runner.next_preview_utc
    oldest = now - timedelta(weeks=MAX_CATCHUP_WEEKS)
    if due_at is not None and due_at < oldest:
        due_at = next_preview_at(runner, oldest)
    for _ in range(MAX_CATCHUP_WEEKS + 1):
        if due_at is None or due_at > now:
            break
        day = local_date(due_at, zone)
        if any(pause.covers(day) for pause in pauses):
            # "no sessions or reminders till then", /pause promised
            status = ReminderStatus.CANCELLED
        elif too_late(deps.settings, due_at, now, zone):
            status = ReminderStatus.MISSED
        else:
            status = ReminderStatus.READY
        rows.append(
            {
                "chat_id": runner.chat_id,
                "day": day,
                "focus": NO_FOCUS,
                "due": due_at,
                "status": status,
                "kind": reminders.PREVIEW,
            }
        )
        due_at = next_preview_at(runner, due_at)
    if due_at is not None and due_at <= now:
        due_at = next_preview_at(runner, now)
    return due_at


async def _nothing_more(session: AsyncSession, due: Sequence[Runner], now: datetime) -> None:
    """A preview needs nothing but the runner row."""


def _move_to(runner: Runner, instant: datetime | None) -> None:
    runner.next_preview_utc = instant


PREVIEWS = Plan(
    due=lambda session, now, limit: runners.due_preview_runners(session, now=now, limit=limit),
    context=_nothing_more,
    plan_runner=_plan_runner,
    move_to=_move_to,
    failure="Could not plan a runner's weekly preview; trying again later",
)


async def plan_previews(
    deps: Deps, now: datetime, written: list[tuple[str, str]] | None = None
) -> int:
    """Write a ``preview`` row for every runner whose preview is due (``ready``, or
    ``missed`` when too late) and move each to next week's instant; runners planned.
    ``written`` (if given) gets the (status, kind) of every row written."""
    try:
        return await plan_all(deps, now, PREVIEWS, written)
    except Exception:
        # The preview is a nicety; the day's reminders, planned right after, are not.
        log.exception("Could not plan the weekly previews; trying again next tick")
        return 0


async def backfill_previews(deps: Deps) -> int:
    """Give ``next_preview_utc`` to runners who have a preview day but no instant (set up
    before the weekly preview existed); run at start-up. Runners filled."""
    now = deps.clock.now()
    filled = 0
    after: int | None = None
    while True:
        async with transaction(deps.sessions) as session:
            batch = await runners.runners_without_preview_instant(
                session, after_chat_id=after, limit=BACKFILL_BATCH
            )
            for runner in batch:
                try:
                    runner.next_preview_utc = next_preview_at(runner, now)
                except Exception:
                    log.exception("Could not work out a runner's weekly preview; skipping them")
                    continue
                session.add(runner)
                filled += runner.next_preview_utc is not None
        if len(batch) < BACKFILL_BATCH:
            return filled
        after = batch[-1].chat_id


# ---- what ---------------------------------------------------------------------------------


# ---- /settings ----------------------------------------------------------------------------

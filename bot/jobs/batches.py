"""Planning due runners in batches: the loop the reminder tick and the weekly preview share.

Each kind of row (the day's reminders, the weekly preview) is planned the same way: take
up to PLAN_BATCH runners whose indexed instant has come, work out their rows in Python,
write the rows in one statement (the unique (runner, local date, kind) key skips days
that already have one) and move each runner to their next instant — all in one short
transaction, so that on SQLite (one shared connection) the handlers and the senders get
the connection between two batches within milliseconds. One runner's bad data is
logged and looked at again after RETRY_PLAN_AFTER; it never holds back the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.schedule import local_date
from bot.deps import Deps
from bot.settings import Settings
from bot.store import reminders
from bot.store.db import transaction
from bot.store.models import Runner

log = logging.getLogger(__name__)

PLAN_BATCH = 100
# Runners planned between two chances for the event loop to run something else.
YIELD_EVERY = 10
# A runner whose plan raised (bad data) is looked at again after this long.
RETRY_PLAN_AFTER = timedelta(hours=1)

Context = TypeVar("Context")
Rows = list[dict[str, Any]]


def too_late(settings: Settings, due: datetime, now: datetime, zone: ZoneInfo) -> bool:
    """The catch-up rule: a row is sent late only on its own local day and at most
    REMINDER_CATCHUP_HOURS after it was due; otherwise it is recorded ``missed``."""
    catchup = timedelta(hours=settings.reminder_catchup_hours)
    return local_date(now, zone) != local_date(due, zone) or now - due > catchup


@dataclass(frozen=True)
class Plan(Generic[Context]):
    """How one kind of row is planned for a batch of due runners."""

    # Up to ``limit`` runners due at ``now`` (locked for this transaction).
    due: Callable[[AsyncSession, datetime, int], Awaitable[Sequence[Runner]]]
    # What the batch needs read once for all its runners (their logs, moves, …).
    context: Callable[[AsyncSession, Sequence[Runner], datetime], Awaitable[Context]]
    # Add the runner's rows up to ``now`` and return their next instant. Pure.
    plan_runner: Callable[[Deps, Runner, datetime, Context, Rows], datetime | None]
    # Store the runner's next instant on them.
    move_to: Callable[[Runner, datetime | None], None]
    # Logged (with the traceback) when one runner's plan raises.
    failure: str


async def plan_batch(
    deps: Deps, now: datetime, plan: Plan[Context]
) -> tuple[int, list[tuple[str, str]]]:
    """Plan one batch in one transaction: runners planned, and (status, kind) of each
    row written."""
    async with transaction(deps.sessions) as session:
        due = await plan.due(session, now, PLAN_BATCH)
        if not due:
            return 0, []
        context = await plan.context(session, due, now)
        rows: Rows = []
        for index, runner in enumerate(due):
            if index and index % YIELD_EVERY == 0:
                # A batch is 100-200 ms of CPU: let the senders' sends and checks run
                # meanwhile (a stalled loop made their checks slow, and each slow check
                # costs a statement and a turn more). SQLite's one connection stays with
                # the batch; anything that needs it waits as it did.
                await asyncio.sleep(0)
            try:
                plan.move_to(runner, plan.plan_runner(deps, runner, now, context, rows))
            except Exception:
                # One runner's bad data must not hold back everybody else's rows.
                log.exception(plan.failure)
                plan.move_to(runner, now + RETRY_PLAN_AFTER)
            session.add(runner)
        written = await reminders.add_rows(session, rows)
    return len(due), written


async def plan_all(
    deps: Deps,
    now: datetime,
    plan: Plan[Context],
    written: list[tuple[str, str]] | None = None,
) -> int:
    """Plan batch after batch until one comes back short; runners planned. ``written``
    (if given) gets the (status, kind) of every row written."""
    planned = 0
    while True:
        count, rows = await plan_batch(deps, now, plan)
        if written is not None:
            written.extend(rows)
        planned += count
        if count < PLAN_BATCH:
            return planned

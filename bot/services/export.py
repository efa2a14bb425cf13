"""/export: everything the bot holds about a runner, and each past session as it was.

``read_export`` is the one read (every table's rows of the runner, ``bot.store
.export_reads``); ``past_sessions`` rebuilds the session of every log: the level and the
doses ``bot.coach.day.session_on`` gives for that day from the log before it, as /today
showed it then (the log's last ``HISTORY_WEEKS``, the day's own entry not yet there).

Rebuilding is pure work on the CPU and grows with the log (a runner with 3,000 logs:
``tests/test_export.py`` prints the time), so the handler runs it off the event loop
(``asyncio.to_thread``): other runners' updates go on meanwhile.

What is rebuilt from today's settings, not from the day's: the usual week, kit, swaps and
session length (the log does not keep them). The levels and the focus come from the log.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.day import session_on
from bot.coach.progression import Entry
from bot.coach.session_time import SessionItem
from bot.coach.week import Focus
from bot.content import Content
from bot.services.calendar import local_today
from bot.services.history import HISTORY_WEEKS, history_from
from bot.services.plan import coaching_of
from bot.store import export_reads, logs
from bot.store.export_reads import RunnerRows
from bot.store.models import Runner, SessionLog
from bot.store.runners import week_of


@dataclass(frozen=True)
class ExportData:
    """What /export sends, as read: the runner, their log by day, and every table's rows."""

    runner: Runner
    logs: list[SessionLog]
    rows: RunnerRows
    today: date
    now: datetime


@dataclass(frozen=True)
class PastSession:
    """One log with the session of its day: ``level``, ``minutes`` and ``items`` are None
    / empty when no session was on (race day) or the focus has no template."""

    log: SessionLog
    level: int | None
    minutes: int | None
    items: tuple[SessionItem, ...]
    loads: dict[str, float]  # kilograms the runner said they used, by exercise id


async def read_export(session: AsyncSession, chat_id: int, now: datetime) -> ExportData | None:
    """The runner's data; None when they are not set up (nothing to export but a draft)."""
    rows = await export_reads.runner_rows(session, chat_id)
    found = rows.of(Runner)
    if not found:
        return None
    runner = Runner(**found[0])
    if not runner.onboarded:
        return None
    kept = [SessionLog(**row) for row in rows.of(SessionLog)]
    kept.sort(key=lambda log: log.local_date)
    return ExportData(runner, kept, rows, local_today(runner, now), now)


def past_sessions(content: Content, data: ExportData) -> list[PastSession]:
    """Every log with its session rebuilt (see the module docstring). Pure; slow for a
    long log: call it off the event loop."""
    runner = data.runner
    week = week_of(runner)
    coaching = coaching_of(runner)
    entries: list[Entry] = [
        entry for log in data.logs for entry in history_from([log], log.local_date)
    ]
    days = [entry.day for entry in entries]
    rebuilt: list[PastSession] = []
    for log in data.logs:
        day = log.local_date
        window = entries[
            bisect_left(days, day - timedelta(weeks=HISTORY_WEEKS)) : bisect_left(days, day)
        ]
        try:
            focus = Focus(log.focus)
        except ValueError:
            focus = None
        plan = (
            session_on(
                content.catalog, week, window, day, coaching, focus=focus, with_previous=False
            )
            if focus is not None
            else None
        )
        loads = logs.loads_of(log.loads)
        if plan is None:
            rebuilt.append(PastSession(log, None, None, (), loads))
            continue
        session = plan.session
        rebuilt.append(PastSession(log, session.level, session.minutes, session.items, loads))
    return rebuilt

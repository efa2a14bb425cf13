"""Weeks unlike the usual one, as the runner said them ("long run on Sunday this week"):
the only place that reads or writes ``runners.week_changes``.

Stored on the runner row as JSON, ``{"2026-11-23": {"run_days": [1, 3, 6],
"long_run_day": 6, "hard_days": [1], "from": "2026-11-26"}}`` by the week's Monday:
every calendar reader holds the row already, the reminder planner's batches included.
Only recent weeks are kept; older ones can no longer change a day anyone reads.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach.week_change import WeekRuns
from bot.store.common import table_of
from bot.store.models import Runner

log = logging.getLogger(__name__)

# Weeks kept, back from the newest change: the calendar reads two weeks back at most
# (re-offers, misses), and eight leaves room for a long look-back all the same.
KEEP_WEEKS = 8


@dataclass(frozen=True)
class ChangedWeek:
    """One week's runs as the runner changed them; ``since``: the day they said it (the
    days before it in that week were already lived by the plan as it was)."""

    monday: date
    runs: WeekRuns
    since: date


def _decode(raw: str | None) -> dict[date, ChangedWeek]:
    if not raw:
        return {}
    try:
        stored = json.loads(raw)
        found = {}
        for key, value in stored.items():
            monday = date.fromisoformat(key)
            long_run = value.get("long_run_day")
            found[monday] = ChangedWeek(
                monday,
                WeekRuns(
                    frozenset(int(day) for day in value["run_days"]),
                    None if long_run is None else int(long_run),
                    frozenset(int(day) for day in value["hard_days"]),
                ),
                date.fromisoformat(value["from"]),
            )
        return found
    except (ValueError, TypeError, KeyError, AttributeError):
        # A row this module did not write: the usual week is the safe reading.
        log.warning("A runner's week_changes could not be read; the usual week applies")
        return {}


def _encode(weeks: dict[date, ChangedWeek]) -> str | None:
    if not weeks:
        return None
    stored: dict[str, Any] = {
        monday.isoformat(): {
            "run_days": sorted(week.runs.run_days),
            "long_run_day": week.runs.long_run_day,
            "hard_days": sorted(week.runs.hard_days),
            "from": week.since.isoformat(),
        }
        for monday, week in sorted(weeks.items())
    }
    return json.dumps(stored, separators=(",", ":"))


def changed_weeks(runner: Runner) -> dict[date, ChangedWeek]:
    """The runner's changed weeks by Monday (none for nearly everybody: no JSON read)."""
    return _decode(runner.week_changes)


def _with_week(runner: Runner, monday: date, runs: WeekRuns | None, since: date) -> str | None:
    weeks = changed_weeks(runner)
    if runs is None:
        weeks.pop(monday, None)
    else:
        weeks[monday] = ChangedWeek(monday, runs, since)
    oldest = monday - timedelta(weeks=KEEP_WEEKS)
    return _encode({key: week for key, week in weeks.items() if key >= oldest})


def as_if(runner: Runner, monday: date, runs: WeekRuns | None, *, since: date) -> Runner:
    """A copy of ``runner``, not tracked by any session, as it would be after
    ``set_week``: what the calendar would say, asked before anything is stored."""
    values = {column.name: getattr(runner, column.name) for column in table_of(Runner).columns}
    values["week_changes"] = _with_week(runner, monday, runs, since)
    return Runner.model_construct(**values)


async def set_week(
    session: AsyncSession,
    runner: Runner,
    monday: date,
    runs: WeekRuns | None,
    *,
    since: date,
    now: datetime,
) -> None:
    """The week of ``monday`` as ``runs`` from ``since`` on, or as usual again (None), on
    the tracked ``runner``; weeks older than ``KEEP_WEEKS`` before it are dropped."""
    runner.week_changes = _with_week(runner, monday, runs, since)
    runner.updated_at = now
    session.add(runner)
    await session.flush()

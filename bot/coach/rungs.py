"""Which rung of its ladder each exercise is done at: per exercise, from the log.

Placeholder until the per-exercise rules land: an empty mapping lets ``build_session``
use the focus level for every exercise.
"""

from __future__ import annotations

from datetime import date

from bot.coach.progression import Entry
from bot.coach.week import Focus, RunnerWeek
from bot.content import Catalog


def rungs_on(
    catalog: Catalog,
    week: RunnerWeek,
    history: list[Entry],
    day: date,
    focus: Focus,
    level: int,
    swaps: dict[str, str] | None = None,
) -> dict[str, int]:
    """Exercise id -> the rung (1-based) a session of ``focus`` at ``level`` on ``day``
    does it at."""
    return {}

"""When a session may hold plyometrics (hops, skips, bounds).

Placeholder until the placement rules land: always.
"""

from __future__ import annotations

from datetime import date

from bot.coach.progression import Entry
from bot.coach.week import RunnerWeek


def plyo_allowed(week: RunnerWeek, history: list[Entry], day: date) -> bool:
    """Whether a session on ``day`` may hold plyometric work."""
    return True

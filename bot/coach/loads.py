"""The weight to try on each loaded move: the last weight the runner logged, and the next.

Placeholder until the load rules land: no targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.coach.progression import Entry
from bot.coach.session import Session


@dataclass(frozen=True)
class LoadTarget:
    """For one loaded exercise: what the runner logged last time and what to try today,
    in kilograms (shown in the runner's unit)."""

    exercise: str
    last_kg: float | None
    next_kg: float | None


def load_targets(
    session: Session, previous: Session | None, history: list[Entry], day: date
) -> dict[str, LoadTarget]:
    """Exercise id -> its target, for the session's loaded moves with a weight logged."""
    return {}

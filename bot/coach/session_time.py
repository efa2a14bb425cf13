"""How long a session takes, and how it is cut to the runner's time limit.

``Session.minutes`` and the trimming to ``/settings``' session length both live here, so
the estimate the runner reads and the one the trimming obeys are the same number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.content import Exercise, Level

SECONDS_PER_REP = 4
TRANSITION_SECONDS = 30


@dataclass(frozen=True)
class SessionItem:
    exercise: Exercise
    level: Level


def work_seconds(level: Level) -> int:
    per_set = level.seconds if level.seconds is not None else (level.reps or 0) * SECONDS_PER_REP
    return per_set * (2 if level.per_side else 1)


def estimate_minutes(items: tuple[SessionItem, ...]) -> int:
    """Work plus rest between sets plus moving between exercises, rounded up."""
    total = 0
    for item in items:
        sets = item.level.sets
        total += sets * work_seconds(item.level) + (sets - 1) * item.level.rest
    total += max(len(items) - 1, 0) * TRANSITION_SECONDS
    return max(1, math.ceil(total / 60))


MIN_EXERCISES = 3


def fit_to_budget(items: list[SessionItem], budget_minutes: int) -> list[SessionItem]:
    fitted = list(items)
    while len(fitted) > MIN_EXERCISES and estimate_minutes(tuple(fitted)) > budget_minutes:
        fitted.pop()
    while estimate_minutes(tuple(fitted)) > budget_minutes and any(
        item.level.sets > 1 for item in fitted
    ):
        fitted = [
            SessionItem(
                item.exercise,
                item.level.model_copy(update={"sets": max(1, item.level.sets - 1)}),
            )
            for item in fitted
        ]
    return fitted

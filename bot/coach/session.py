"""Building one session from the catalogue: the right moves for the runner's kit and level."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.coach.week import Equipment, Focus
from bot.content import Catalog, Exercise, Level, kit_for

SECONDS_PER_REP = 4
TRANSITION_SECONDS = 30


@dataclass(frozen=True)
class SessionItem:
    exercise: Exercise
    level: Level


@dataclass(frozen=True)
class Session:
    focus: Focus
    level: int
    items: tuple[SessionItem, ...]

    @property
    def minutes(self) -> int:
        return estimate_minutes(self.items)


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


def build_session(
    catalog: Catalog, focus: Focus, level: int, equipment: Equipment, pull_up_bar: bool
) -> Session:
    kit = kit_for(equipment, pull_up_bar)
    template = catalog.template_for(focus, level)
    items: list[SessionItem] = []
    used: set[str] = set()
    for slot in template.slots:
        exercise = catalog.pick(slot, kit)
        if exercise.id in used:
            continue
        used.add(exercise.id)
        step = min(level, len(exercise.levels)) - 1
        items.append(SessionItem(exercise=exercise, level=exercise.levels[step]))
    return Session(focus=focus, level=level, items=tuple(items))

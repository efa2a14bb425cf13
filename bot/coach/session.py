"""Building one session from the catalogue: the right moves for the runner's kit and level."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.coach.week import Equipment, Focus
from bot.content import MAX_LEVEL, Catalog, Exercise, Level, kit_for

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
    catalog: Catalog,
    focus: Focus,
    level: int,
    equipment: Equipment,
    pull_up_bar: bool,
    *,
    fewer_sets: int = 0,
    budget_minutes: int | None = None,
    swaps: dict[str, str] | None = None,
) -> Session:
    """The session for a focus and level, with the runner's kit, swaps and time budget.

    Levels above the templates' range keep the top template and take the exercises'
    harder levels. Over the time budget, the last exercises go first (never below
    MIN_EXERCISES), then a set from each.
    """
    kit = kit_for(equipment, pull_up_bar)
    template = catalog.template_for(focus, min(level, MAX_LEVEL))
    items: list[SessionItem] = []
    used: set[str] = set()
    for slot in template.slots:
        exercise = catalog.pick(slot, kit)
        swap = (swaps or {}).get(exercise.id)
        if swap in catalog.exercises and swap not in used:
            candidate = catalog.exercises[swap]
            if candidate.focus is focus and set(candidate.needs) <= kit:
                exercise = candidate
        if exercise.id in used:
            continue
        used.add(exercise.id)
        step = min(level, len(exercise.levels)) - 1
        prescription = exercise.levels[step]
        if fewer_sets:
            prescription = prescription.model_copy(
                update={"sets": max(1, prescription.sets - fewer_sets)}
            )
        items.append(SessionItem(exercise=exercise, level=prescription))
    if budget_minutes is not None:
        items = _fit(items, budget_minutes)
    return Session(focus=focus, level=level, items=tuple(items))


MIN_EXERCISES = 3


def _fit(items: list[SessionItem], budget_minutes: int) -> list[SessionItem]:
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


def alternatives(
    catalog: Catalog, session: Session, exercise_id: str, equipment: Equipment, pull_up_bar: bool
) -> list[Exercise]:
    """Other moves of the same focus the runner has the kit for, not already in the session."""
    kit = kit_for(equipment, pull_up_bar)
    in_session = {item.exercise.id for item in session.items}
    return [
        exercise
        for exercise in catalog.exercises.values()
        if exercise.focus is session.focus
        and exercise.id not in in_session
        and exercise.id != exercise_id
        and set(exercise.needs) <= kit
    ]

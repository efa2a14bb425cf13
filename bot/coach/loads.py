"""The weight to try on each loaded move: the last weight the runner logged, and the next.

Double progression (ACSM 2009, *Progression models in resistance training*): the reps
climb first at one weight; only when the ladder reaches a ``heavier`` rung (reps back
down) does the weight go up, by 2-10 % — never on a session that felt hard. "Too hard"
takes one step back down. A step is whole increments of the kit the move is done with
(barbell plates 2.5 kg / 5 lb, dumbbells 1-2 kg / 5 lb, a backpack 1 kg / 2 lb); when
even one increment is more than 10 % of the weight, the weight holds and the reps do the
progressing.

Weights are kept in kilograms (``session_logs.loads``); steps are taken in the runner's
unit, so a runner in pounds goes 135 → 140 lb, not 61.2 → 63.7 kg.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.coach.progression import Entry, Feedback
from bot.coach.session import Session
from bot.content import Exercise, Level

KG_PER_LB = 0.45359237
UNITS = ("kg", "lb")
# ACSM 2009: 2-10 % per step; aim for the middle of it.
MIN_STEP = 0.02
MAX_STEP = 0.10
AIM_STEP = 0.05
# Below this a dumbbell goes up by 1 kg (light fixed dumbbells come in 1-kg steps).
LIGHT_DUMBBELL_KG = 20.0


@dataclass(frozen=True)
class LoadTarget:
    """For one loaded exercise: what the runner logged last time and what to try today,
    in kilograms (shown in the runner's unit)."""

    exercise: str
    last_kg: float | None
    next_kg: float | None
    # +1 a step up, -1 a step down, 0 the same weight (made loadable), None: read it off
    # the numbers. After a unit switch "the same" 140 lb is 62.5 kg, not a step down.
    change: int | None = field(default=None, compare=False)


def to_kg(amount: float, unit: str) -> float:
    return amount * KG_PER_LB if unit == "lb" else amount


def from_kg(kg: float, unit: str) -> float:
    return kg / KG_PER_LB if unit == "lb" else kg


def increment(exercise: Exercise, kg: float, unit: str) -> float:
    """The smallest change the move's kit allows, in ``unit``: plates on a barbell
    ("gym"), the next dumbbell, a litre more in a backpack (no kit)."""
    if "gym" in exercise.needs:
        return 5.0 if unit == "lb" else 2.5
    if "dumbbells" in exercise.needs:
        if unit == "lb":
            return 5.0
        return 1.0 if kg < LIGHT_DUMBBELL_KG else 2.0
    return 2.0 if unit == "lb" else 1.0


def step(last: float, inc: float) -> float:
    """A step of whole increments between 2 % and 10 % of ``last`` (close to 5 %), or 0
    when no whole number of increments fits (the weight holds)."""
    if last <= 0 or inc <= 0:
        return 0.0
    fewest = math.ceil(round(MIN_STEP * last / inc, 9))
    most = math.floor(round(MAX_STEP * last / inc, 9))
    if fewest > most:
        return 0.0
    return inc * max(fewest, min(most, round(AIM_STEP * last / inc)))


# A weight the runner typed in their unit is a multiple of this (62.5 kg, 137.5 lb); one
# that is not came from the other unit (140 lb is 63.503 kg) and is made loadable.
TYPED_GRID = 0.5
# Kilograms are kept to 3 decimals: what that rounding leaves, in either unit.
GRID_TOLERANCE = 0.0015


def loadable(exercise: Exercise, kg: float, unit: str) -> float:
    """``kg`` as the runner can load it in their unit: as typed when it was typed in
    that unit, else rounded to the kit's increment (140 lb in kg is 62.5 on a barbell,
    not 63.5; 60 kg in pounds is 130 lb)."""
    value = from_kg(kg, unit)
    if abs(value / TYPED_GRID - round(value / TYPED_GRID)) * TYPED_GRID <= GRID_TOLERANCE:
        return kg
    inc = increment(exercise, kg, unit)
    snapped = max(inc, round(value / inc) * inc)
    return to_kg(snapped, unit)


def next_weight(exercise: Exercise, last_kg: float, unit: str, *, up: bool, down: bool) -> float:
    """The weight to try after ``last_kg``: a step up, a step down, or the same — each
    one the runner's unit and kit can load (``loadable``)."""
    base_kg = loadable(exercise, last_kg, unit)
    if not (up or down):
        return base_kg
    last = from_kg(base_kg, unit)
    change = step(last, increment(exercise, base_kg, unit))
    if change == 0.0:
        return base_kg
    return to_kg(last + change if up else last - change, unit)


def _same_rung(a: Level, b: Level) -> bool:
    """The same rung of a ladder, whatever sets a lighter week or the taper took off."""
    return a.model_dump(exclude={"sets"}) == b.model_dump(exclude={"sets"})


def last_load(history: Sequence[Entry], exercise_id: str, day: date) -> Entry | None:
    """The last session before ``day`` with a weight logged for the exercise."""
    found = [
        entry
        for entry in history
        if entry.day < day and any(name == exercise_id for name, _kg in entry.loads)
    ]
    return max(found, key=lambda entry: entry.day) if found else None


def load_targets(
    session: Session,
    previous: Session | None,
    history: list[Entry],
    day: date,
    unit: str = "kg",
) -> dict[str, LoadTarget]:
    """Exercise id -> its target, for the session's loaded moves with a weight logged.

    Up a step when today's rung is a ``heavier`` rung the last session did not have and
    the last session with a weight did not feel hard or too hard; down a step after "too
    hard"; the same weight otherwise."""
    before = {item.exercise.id: item.level for item in previous.items} if previous else {}
    targets: dict[str, LoadTarget] = {}
    for item in session.items:
        exercise = item.exercise
        if not item.level.load:  # this rung is not done with a weight
            continue
        entry = last_load(history, exercise.id, day)
        if entry is None:
            continue
        last_kg = dict(entry.loads)[exercise.id]
        earlier = before.get(exercise.id)
        new_rung = (
            item.level.heavier and earlier is not None and not _same_rung(earlier, item.level)
        )
        down = entry.feedback is Feedback.TOO_HARD
        up = new_rung and not down and entry.feedback is not Feedback.HARD
        targets[exercise.id] = LoadTarget(
            exercise.id,
            last_kg,
            next_weight(exercise, last_kg, unit, up=up, down=down),
            1 if up else -1 if down else 0,
        )
    return targets

"""How much a session does this week: lighter weeks, the taper before a race, race week and
the recovery after it (docs/architecture.md). Pure: progression says *which* level, this
module says how a day's place in the season changes the dose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.coach.progression import Entry, clamp_level, training_week
from bot.coach.week import Focus

LIGHTER_EVERY_WEEKS = 4
TAPER_DAYS = 14
RACE_WEEK_DAYS = 7
RECOVERY_DAYS = 7


def is_lighter_week(history: list[Entry], day: date) -> bool:
    week = training_week(history, day)
    return week is not None and week % LIGHTER_EVERY_WEEKS == 0


class RacePhase(StrEnum):
    TAPER = "taper"  # the last two weeks: no heavy legs, less volume
    RACE_WEEK = "race_week"  # core and mobility only
    RECOVERY = "recovery"  # the week after: a gentle restart


def race_phase(day: date, race_day: date | None) -> RacePhase | None:
    if race_day is None:
        return None
    days_to_race = (race_day - day).days
    if 0 <= days_to_race <= RACE_WEEK_DAYS - 1:
        return RacePhase.RACE_WEEK
    if RACE_WEEK_DAYS - 1 < days_to_race <= TAPER_DAYS:
        return RacePhase.TAPER
    if -RECOVERY_DAYS <= days_to_race < 0:
        return RacePhase.RECOVERY
    return None


@dataclass(frozen=True)
class Adjustment:
    """How a planned session changes on a given day, and why (for the message)."""

    focus: Focus
    level: int
    fewer_sets: int = 0
    volume: float = 1.0  # the share of each exercise's sets kept (``scale_volume``)
    lighter_week: bool = False
    phase: RacePhase | None = None
    swapped_from: Focus | None = None


def adjust(
    focus: Focus,
    level: int,
    *,
    lighter_week: bool,
    phase: RacePhase | None,
    distance: str | None = None,
) -> Adjustment:
    """Apply lighter weeks and the race phases to a planned session."""
    fewer = 1 if lighter_week else 0
    if phase is RacePhase.RACE_WEEK:
        # Core and mobility only, and easy: nothing to recover from on race day.
        return Adjustment(
            focus=Focus.CORE,
            level=clamp_level(min(level, 2)),
            fewer_sets=1,
            phase=phase,
            swapped_from=None if focus is Focus.CORE else focus,
        )
    if phase is RacePhase.TAPER:
        legs_level = clamp_level(level - 2) if focus is Focus.LEGS else level
        return Adjustment(focus=focus, level=legs_level, fewer_sets=1, phase=phase)
    if phase is RacePhase.RECOVERY:
        return Adjustment(focus=focus, level=clamp_level(level - 1), fewer_sets=1, phase=phase)
    return Adjustment(focus=focus, level=level, fewer_sets=fewer, lighter_week=lighter_week)


def scale_volume(sets: int, volume: float) -> int:
    """Sets kept when a session keeps ``volume`` of its work (1.0: all of it)."""
    if volume >= 1:
        return sets
    return max(1, math.floor(sets * volume + 0.5))

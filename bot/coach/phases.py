"""How much a session does this week: lighter weeks, the taper before a race, race week and
the recovery after it (docs/architecture.md). Pure: progression says *which* level, this
module says how a day's place in the season changes the dose.

The evidence, once:

- Taper (Bosquet et al. 2007, *Med Sci Sports Exerc* meta-analysis): the best taper cuts
  training volume by 41-60 % over about two weeks while intensity and frequency are kept.
  So a taper session is the same session (same level, same rungs, same weight) with about
  half its sets x reps; its length follows the race (``TAPER_DAYS``: a 5 km needs less
  freshening than a marathon; Mujika & Padilla 2003: 7-21 days).
- Race week: no heavy legs in the last days (4 before a half or full marathon, 2 before a
  5 or 10 km: lower-body soreness peaks 24-72 h after heavy eccentric work, Cheung et al.
  2003), nothing strength-wise the day before; what is left is short, easy core.
- Recovery after a race, scaled to its length: muscle damage markers after a marathon take
  7-14 days to settle (Warhol et al. 1985; Kim et al. 2007); a 5 km costs a few days.
  Legs come back at a lower level, half the volume, and no heavier weights.
- Lighter weeks (every 4th training week; a deload keeps intensity about the same and
  cuts volume, Bell et al. 2023, *Sports Med Open*, deloading consensus): about 60 % of
  the volume, at the level the previous week started at, so it is never harder than it.
- None of these sessions counts toward the next level (``reduced_on``): a session made
  easier on purpose says nothing about whether the usual one got easy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.coach.progression import Entry, clamp_level, training_week
from bot.coach.week import Focus
from bot.content import Level

LIGHTER_EVERY_WEEKS = 4

# Race distances, as runners.race_distance stores them.
FIVE_K = "5k"
TEN_K = "10k"
HALF = "half"
MARATHON = "marathon"
ULTRA = "ultra"
DISTANCES: tuple[str, ...] = (FIVE_K, TEN_K, HALF, MARATHON, ULTRA)
# A race set before the distance was asked: the middle of the range.
DEFAULT_DISTANCE = HALF

# Days before the race the taper starts (race week included): Bosquet 2007, Mujika 2003.
TAPER_DAYS: dict[str, int] = {FIVE_K: 10, TEN_K: 10, HALF: 14, MARATHON: 21, ULTRA: 21}
# The last days before the race without legs (race eve and race day hold nothing at all).
NO_LEGS_DAYS: dict[str, int] = {FIVE_K: 2, TEN_K: 2, HALF: 4, MARATHON: 4, ULTRA: 4}
# Days after the race that are recovery: a few for a 5 km, three weeks for an ultra.
RECOVERY_DAYS: dict[str, int] = {FIVE_K: 3, TEN_K: 5, HALF: 7, MARATHON: 14, ULTRA: 21}
# The first days of the recovery hold no legs at all (easy core instead): soreness after a
# 5 or 10 km peaks within 1-2 days; after a marathon, muscle damage markers are still high a
# week on (Warhol et al. 1985; Kim et al. 2007), so loading the legs waits a week (10 days
# after an ultra).
LEGS_REST_AFTER_DAYS: dict[str, int] = {FIVE_K: 1, TEN_K: 2, HALF: 4, MARATHON: 7, ULTRA: 10}
RACE_WEEK_DAYS = 7  # the race and the six days before it
RACE_EVE_DAYS = 1  # the day before the race: no strength session

# Share of each exercise's work (sets x reps or seconds) kept.
TAPER_VOLUME = 0.5  # Bosquet 2007: 41-60 % cut; the middle of it
RACE_WEEK_VOLUME = 0.5
RECOVERY_LEGS_VOLUME = 0.5
RECOVERY_VOLUME = 0.7
LIGHTER_VOLUME = 0.6
# Levels down: race week's core is easy; legs after a race are well below the usual.
RACE_WEEK_LEVELS_DOWN = 2
RECOVERY_LEGS_LEVELS_DOWN = 3
RECOVERY_LEVELS_DOWN = 1
# The band a reduced exercise is kept in around its share: 0.5 keeps 41-59 % (Bosquet's
# 41-60 % cut).
VOLUME_BAND = 0.09


def distance_of(distance: str | None) -> str:
    """The race's distance; a race set before the distance was asked is a half."""
    return distance if distance in DISTANCES else DEFAULT_DISTANCE


def is_lighter_week(
    history: list[Entry], day: date, race_day: date | None = None, distance: str | None = None
) -> bool:
    """Every 4th week of training, unless the week before held the race's taper, race
    week or recovery: those already unloaded, and a lighter week after a recovery week
    would be the heaviest of the three (it starts from the level the recovery stepped
    down from)."""
    week = training_week(history, day)
    if week is None or week % LIGHTER_EVERY_WEEKS != 0:
        return False
    monday = day - timedelta(days=day.weekday())
    before = (monday - timedelta(days=back) for back in range(1, 8))
    return not any(race_phase(earlier, race_day, distance) is not None for earlier in before)


class RacePhase(StrEnum):
    TAPER = "taper"  # before race week: the same sessions with half the work
    RACE_WEEK = "race_week"  # the last days: short easy core, legs rest
    LAST_LEGS = "last_legs"  # race week's legs before the legs-free days: taper legs
    LEGS_REST = "legs_rest"  # the recovery's first days: legs placed there are easy core
    RECOVERY = "recovery"  # after the race, as long as its distance asks


def race_phase(day: date, race_day: date | None, distance: str | None = None) -> RacePhase | None:
    """Where ``day`` sits around the race (race day and race eve are RACE_WEEK too: they
    hold no session, ``no_session``)."""
    if race_day is None:
        return None
    chosen = distance_of(distance)
    days_to_race = (race_day - day).days
    if 0 <= days_to_race < RACE_WEEK_DAYS:
        return RacePhase.RACE_WEEK
    if RACE_WEEK_DAYS <= days_to_race <= TAPER_DAYS[chosen]:
        return RacePhase.TAPER
    if -RECOVERY_DAYS[chosen] <= days_to_race < 0:
        return RacePhase.RECOVERY
    return None


def no_session(day: date, race_day: date | None) -> bool:
    """Race day and the day before it hold no strength session."""
    return race_day is not None and 0 <= (race_day - day).days <= RACE_EVE_DAYS


def legs_allowed(day: date, race_day: date | None, distance: str | None = None) -> bool:
    """Whether a legs session may stand on ``day``: not in the last ``NO_LEGS_DAYS``
    before the race (4 before a half or full marathon, 2 before a 5 or 10 km), nor in the
    first ``LEGS_REST_AFTER_DAYS`` after it (a week after a marathon)."""
    if race_day is None:
        return True
    chosen = distance_of(distance)
    days_to_race = (race_day - day).days
    before = 0 <= days_to_race <= NO_LEGS_DAYS[chosen]
    after = 0 < -days_to_race <= LEGS_REST_AFTER_DAYS[chosen]
    return not (before or after)


def reduced_on(
    history: list[Entry], race_day: date | None, distance: str | None = None
) -> Callable[[date], bool]:
    """Whether a session on a day was made easier on purpose (taper, race week, recovery,
    a lighter week): such a session never counts toward the next level."""

    def reduced(day: date) -> bool:
        if race_phase(day, race_day, distance) is not None:
            return True
        return is_lighter_week(history, day, race_day, distance)

    return reduced


@dataclass(frozen=True)
class Adjustment:
    """How a planned session changes on a given day, and why (for the message)."""

    focus: Focus
    level: int
    fewer_sets: int = 0
    volume: float = 1.0  # the share of each exercise's work kept (``scale_level``)
    lighter_week: bool = False
    phase: RacePhase | None = None
    swapped_from: Focus | None = None
    # Load targets may not go up (recovery, a lighter week): the weight holds at most.
    hold_loads: bool = False

    @property
    def reduced(self) -> bool:
        return self.lighter_week or self.phase is not None


def adjust(
    focus: Focus,
    level: int,
    *,
    lighter_week: bool,
    phase: RacePhase | None,
    distance: str | None = None,
) -> Adjustment:
    """Apply lighter weeks and the race phases to a planned session.

    ``focus`` is what the calendar placed; in race week anything but legs allowed (race
    week's ``LAST_LEGS``, decided by ``day.day_focus``) is short easy core. A lighter week's
    level is the caller's (the previous week's, ``day.session_on``)."""
    if phase in (RacePhase.RACE_WEEK, RacePhase.LEGS_REST):
        # Race week, and legs placed in the recovery's first days: short, easy core.
        return Adjustment(
            focus=Focus.CORE,
            level=clamp_level(level - RACE_WEEK_LEVELS_DOWN),
            volume=RACE_WEEK_VOLUME,
            phase=phase,
            swapped_from=None if focus is Focus.CORE else focus,
        )
    if phase in (RacePhase.TAPER, RacePhase.LAST_LEGS):
        # Intensity held: the same level (so the same rungs and weights), half the work.
        return Adjustment(focus=focus, level=level, volume=TAPER_VOLUME, phase=phase)
    if phase is RacePhase.RECOVERY:
        if focus is Focus.LEGS:
            return Adjustment(
                focus=focus,
                level=clamp_level(level - RECOVERY_LEGS_LEVELS_DOWN),
                volume=RECOVERY_LEGS_VOLUME,
                phase=phase,
                hold_loads=True,
            )
        return Adjustment(
            focus=focus,
            level=clamp_level(level - RECOVERY_LEVELS_DOWN),
            volume=RECOVERY_VOLUME,
            phase=phase,
            hold_loads=True,
        )
    if lighter_week:
        return Adjustment(
            focus=focus, level=level, volume=LIGHTER_VOLUME, lighter_week=True, hold_loads=True
        )
    return Adjustment(focus=focus, level=level)


def scale_volume(sets: int, volume: float) -> int:
    """Sets kept when a session keeps ``volume`` of its work (1.0: all of it)."""
    if volume >= 1:
        return sets
    return max(1, math.floor(sets * volume + 0.5))


def _amounts(full: int, step: int) -> list[int]:
    """Reps (step 1) or seconds (step 5) a set may be cut to, down from ``full``."""
    found = set(range(step, full + 1, step)) | {full}
    return sorted(amount for amount in found if amount >= 1)


def scale_level(level: Level, volume: float) -> Level:
    """The prescription keeping about ``volume`` of its work (sets x reps or seconds) at
    the same variant and weight (Bosquet 2007: volume goes, intensity stays). Within
    ``VOLUME_BAND`` of ``volume``, the one with the most reps (or seconds) per set: fewer
    sets first, each set like the usual one; when nothing lands in the band (one set of a
    few reps), the nearest."""
    if volume >= 1:
        return level
    per_set = level.reps if level.reps is not None else level.seconds
    assert per_set is not None  # content.Level: exactly one of reps or seconds
    step = 1 if level.reps is not None else 5
    full = level.sets * per_set
    options = [
        (sets, amount, abs(sets * amount / full - volume))
        for sets in range(1, level.sets + 1)
        for amount in _amounts(per_set, step)
    ]
    banded = [option for option in options if option[2] <= VOLUME_BAND + 1e-9]
    if banded:
        sets, amount, _ = min(banded, key=lambda option: (-option[1], option[2]))
    else:
        sets, amount, _ = min(options, key=lambda option: (option[2], -option[1]))
    field = "reps" if level.reps is not None else "seconds"
    if sets == level.sets and amount == per_set:
        return level
    return level.model_copy(update={"sets": sets, field: amount})


def work(level: Level) -> int:
    """An exercise's work, the volume the taper and lighter weeks cut: sets x reps (or
    seconds), both sides counted."""
    per_set = level.reps if level.reps is not None else (level.seconds or 0)
    return level.sets * per_set * (2 if level.per_side else 1)

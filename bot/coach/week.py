"""The runner's week and the vocabulary the coach speaks in.

Plain dataclasses and enums, so the plan engine, the session builder and the
scheduler can be tested without Telegram or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

# Monday = 0 … Sunday = 6, as in ``date.weekday()``.
WEEKDAYS: tuple[int, ...] = tuple(range(7))


class Focus(StrEnum):
    CORE = "core"
    LEGS = "legs"
    UPPER = "upper"


class Experience(StrEnum):
    NEW = "new"
    SOME = "some"
    EXPERIENCED = "experienced"


class Equipment(StrEnum):
    NONE = "none"
    DUMBBELLS = "dumbbells"
    GYM = "gym"


# Starting focus level per experience ("start small"), on the 1…12 scale of
# bot.coach.progression: a level is one small step (ACSM 2009: 2-10 % at a time), so
# "some" and "experienced" start a third and a half of the way up; exercises they have
# never done still start at their first rung (bot.coach.rungs).
STARTING_LEVEL: dict[Experience, int] = {
    Experience.NEW: 1,
    Experience.SOME: 4,
    Experience.EXPERIENCED: 7,
}


@dataclass(frozen=True)
class RunnerWeek:
    """Everything the runner told us about their running week and their kit."""

    run_days: frozenset[int] = frozenset()
    long_run_day: int | None = None
    hard_days: frozenset[int] = frozenset()
    experience: Experience = Experience.NEW
    equipment: Equipment = Equipment.NONE
    pull_up_bar: bool = False
    sessions_per_week: int = 2
    reminder_time: time | None = None
    timezone: str = "UTC"

    def is_easy_or_rest(self, day: int) -> bool:
        return day not in self.hard_days and day != self.long_run_day


@dataclass(frozen=True)
class PlannedDay:
    """One strength session placed on a calendar date."""

    day: date
    focus: Focus


@dataclass(frozen=True)
class WeekPlan:
    """Strength sessions for one Monday-to-Sunday week: weekday -> focus."""

    sessions: dict[int, Focus] = field(default_factory=dict)

    def focus_on(self, weekday: int) -> Focus | None:
        return self.sessions.get(weekday)

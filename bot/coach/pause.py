"""/pause as the coach sees it: how long, why, and how to come back. Pure: no chat, no db.

A pause is stored as its reason and its local days: ``first`` to ``until`` inclusive, or
from ``first`` with no end while ``paused`` (until /resume). The calendar has no sessions
on paused days, so they are never missed; this module decides which days those are when
the runner starts, changes or ends a pause, and how far the levels step back afterwards.

Coming back (docs/architecture.md: "after illness or a break: come back at a reduced level, don't
jump back"), in proportion to the time away and to why:

- illness or injury: the body was busy healing, not resting, so the step back comes
  sooner — one level from ``BODY_STEP_BACK`` days away;
- a holiday or anything else: like any break in progression (``break_step_back``) —
  one level from ``REST_STEP_BACK`` days away;
- then one more level per ``DAYS_PER_LEVEL`` days away, in proportion to the time away
  on the 12-level scale (Blagrove et al. 2018: strength fades over weeks of detraining),
  so a long pause comes back near the bottom; shorter pauses come back at the same level.

The welcome back says how much easier the runner starts as the levels work it out
(``levels_given_back``): a runner already at the easiest level is not told "one level
easier", and a long pause that is also a long gap says the larger step it gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.coach.progression import (
    BREAK_DAYS_PER_LEVEL,
    MAX_BREAK_STEP_BACK,
    MIN_LEVEL,
    Break,
    Entry,
    levels_on,
)
from bot.coach.status import LogStatus
from bot.coach.week import Focus

FEW_DAYS = 3
WEEK_DAYS = 7
# Days away from which a pause gives back one level; one more per DAYS_PER_LEVEL after.
BODY_STEP_BACK = 7  # illness, injury
REST_STEP_BACK = 14  # holiday, other
DAYS_PER_LEVEL = BREAK_DAYS_PER_LEVEL
MAX_STEP_BACK = MAX_BREAK_STEP_BACK
# The welcome back shows on session days this soon after the pause, until the first
# session done: the first session back may be a few days after the pause ends.
WELCOME_WINDOW_DAYS = 7

_DAY = timedelta(days=1)


class Reason(StrEnum):
    ILLNESS = "illness"
    INJURY = "injury"
    HOLIDAY = "holiday"
    OTHER = "other"

    @classmethod
    def of(cls, value: str | None) -> Reason:
        """A stored reason; none, or one this release does not know, is "other"."""
        try:
            return cls(value or cls.OTHER)
        except ValueError:
            return cls.OTHER


class Length(StrEnum):
    """The "how long?" choices; ``days`` None means until /resume."""

    FEW_DAYS = "few"
    WEEK = "week"
    OPEN = "open"

    @property
    def days(self) -> int | None:
        return {Length.FEW_DAYS: FEW_DAYS, Length.WEEK: WEEK_DAYS, Length.OPEN: None}[self]


@dataclass(frozen=True)
class PauseState:
    """The runner's pause columns: ``paused`` means open (no end until /resume)."""

    paused: bool = False
    reason: str | None = None
    first: date | None = None
    until: date | None = None

    def running(self, today: date) -> bool:
        """Reminders are off today because of this pause."""
        if self.paused:
            return True
        first, until = self.first, self.until
        return first is not None and until is not None and first <= today <= until


def start_pause(current: PauseState, today: date, length: Length, reason: Reason) -> PauseState:
    """The pause the runner just chose, from today.

    A pause that is running, or ended yesterday, keeps its first day: changing or
    extending it must not turn the days already paused into missed sessions (only one
    pause is stored, so a new one replaces the old one's days).
    """
    first = today
    if current.first is not None and current.first <= today:
        ended_yesterday = current.until is not None and current.until >= today - _DAY
        if current.paused or ended_yesterday:
            first = current.first
    days = length.days
    until = None if days is None else today + timedelta(days=days - 1)
    return PauseState(paused=until is None, reason=reason.value, first=first, until=until)


def end_pause(current: PauseState, today: date) -> PauseState:
    """/resume: the pause ends yesterday, so its past days stay paused (never missed) and
    today is a normal day again. A pause that began today leaves nothing behind."""
    if not current.running(today):
        return current
    yesterday = today - _DAY
    if current.first is None or current.first > yesterday:
        return PauseState()
    return PauseState(paused=False, reason=current.reason, first=current.first, until=yesterday)


@dataclass(frozen=True)
class WelcomeBack:
    """How the coach greets a runner back from a pause, and how much easier it starts."""

    reason: Reason
    days_away: int
    step_back_levels: int


def step_back_levels(reason: Reason, days_away: int) -> int:
    """Levels to give back after ``days_away`` paused days (see the module docstring)."""
    first = BODY_STEP_BACK if reason in (Reason.ILLNESS, Reason.INJURY) else REST_STEP_BACK
    if days_away < first:
        return 0
    return min(MAX_STEP_BACK, 1 + (days_away - first) // DAYS_PER_LEVEL)


def welcome_back(reason: str | None, days_away: int) -> WelcomeBack:
    """The welcome back after ``days_away`` paused days for ``reason`` (a stored value)."""
    known = Reason.of(reason)
    return WelcomeBack(known, max(0, days_away), step_back_levels(known, max(0, days_away)))


def days_away(state: PauseState) -> int:
    """Paused days of a pause that has an end; 0 for an open or empty one."""
    if state.paused or state.first is None or state.until is None:
        return 0
    return max(0, (state.until - state.first).days + 1)


def returning(state: PauseState, today: date, last_done: date | None = None) -> WelcomeBack | None:
    """The welcome back due today: the pause has ended, at most ``WELCOME_WINDOW_DAYS``
    ago, and no session was done since it ended (``last_done``: the latest day a session
    was done before today, if known). None otherwise."""
    away = days_away(state)
    if not away or state.until is None:
        return None
    if not state.until < today <= state.until + timedelta(days=WELCOME_WINDOW_DAYS):
        return None
    if last_done is not None and state.until < last_done < today:
        return None
    return welcome_back(state.reason, away)


def levels_given_back(
    start: int,
    history: Sequence[Entry],
    state: PauseState,
    today: date,
    breaks: Sequence[Break],
    foci: Iterable[Focus],
) -> int:
    """How many levels easier than before the pause a session today starts (the most of
    ``foci``'s): the levels at the end of the pause's first day (its sessions counted)
    against today's, as progression works them out with the pause's ``breaks``. With no
    session done by then progression has nothing to step back from, so it is the pause's
    own step, as far as the starting level leaves room for it."""
    if state.first is None:
        return 0
    entries = list(history)
    before = levels_on(start, entries, state.first + _DAY)
    if not any(e.status == LogStatus.DONE and e.day <= state.first for e in entries):
        rule = step_back_levels(Reason.of(state.reason), days_away(state))
        return min(rule, max((before[focus].level - MIN_LEVEL for focus in foci), default=0))
    after = levels_on(start, entries, today, breaks)
    return max((before[focus].level - after[focus].level for focus in foci), default=0)

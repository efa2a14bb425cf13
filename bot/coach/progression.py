"""Levels that follow the runner: up when sessions feel fine, held when hard or unrated,
back after "too hard" twice or a break — derived from the log every time, so they never drift.

The blog's rule — start small, build up gradually, be consistent — and docs/architecture.md:
progress by reps, sets, harder variants (the content's levels say which); a lighter week
every 4th week; cut volume before a race; come back at a reduced level after a break.

Why the steps are small and earned (issue 13):

- ACSM 2009 (Progression models in resistance training, *Med Sci Sports Exerc* 41:687):
  progress gradually, 2-10 % load steps, double progression (reps first, then load). So a
  focus has ``MAX_LEVEL`` = 12 levels and each one changes one thing by a small step (the
  content's ladders), and a level is earned by ``STEP_UP_AFTER`` sessions the runner *said*
  felt easy or right: no feedback is not "easy" (it holds), and a reduced session (taper,
  race week, recovery, lighter week) never counts — it was not the level's full dose.
- Blagrove et al. 2018 (*Sports Med* 48:1117): strength work for runners at 2-3 sessions a
  week over 6-14 weeks; detraining after weeks away, so a break gives levels back in
  proportion to its length (one per two weeks beyond the first two: a year away starts
  near the bottom) instead of at most two.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from bot.coach.status import LogStatus
from bot.coach.week import Focus

MIN_LEVEL = 1
MAX_LEVEL = 12
STEP_UP_AFTER = 2  # sessions at a level the runner said felt easy or right
STEP_BACK_AFTER = 2  # "too hard" in a row
BREAK_DAYS = 14  # no session for this long is a break
BREAK_DAYS_PER_LEVEL = 14  # beyond BREAK_DAYS, one level back per two weeks away
MAX_BREAK_STEP_BACK = MAX_LEVEL - MIN_LEVEL  # a long enough break reaches the bottom

Reduced = Callable[[date], bool]


def never_reduced(day: date) -> bool:
    """No session is reduced (no race, no lighter week known to the caller)."""
    return False


class Feedback(StrEnum):
    EASY = "easy"
    RIGHT = "right"
    HARD = "hard"
    TOO_HARD = "too_hard"


class Change(StrEnum):
    UP = "up"
    DOWN = "down"
    BREAK = "break"


@dataclass(frozen=True)
class Entry:
    """One logged session, as progression sees it."""

    day: date
    focus: Focus
    status: str  # a LogStatus (bot.coach.status), as the log stores it
    feedback: Feedback | None = None
    sore: bool = False
    # The weights the runner said they used, (exercise id, kilograms): session_logs.loads.
    loads: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class FocusLevel:
    level: int
    at_level: int = 0  # sessions at this level the runner said felt easy or right
    too_hard_run: int = 0
    last_change: Change | None = None
    changed_on: date | None = None


def clamp_level(level: int) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, level))


def break_step_back(gap_days: int) -> int:
    """Levels to give back after ``gap_days`` without a session: none up to two weeks,
    then one per two weeks away (15-28 days: 1, 29-42: 2, … a year: all of them), as
    strength fades with weeks of detraining (Blagrove et al. 2018)."""
    if gap_days <= BREAK_DAYS:
        return 0
    return min(MAX_BREAK_STEP_BACK, math.ceil((gap_days - BREAK_DAYS) / BREAK_DAYS_PER_LEVEL))


@dataclass(frozen=True)
class Break:
    """A pause that ended on ``ended``: the first session after it starts ``step_back``
    levels lower (what bot.coach.pause decides from its reason and length)."""

    ended: date
    step_back: int


def levels_on(
    start: int,
    history: list[Entry],
    day: date,
    breaks: Sequence[Break] = (),
    reduced: Reduced = never_reduced,
) -> dict[Focus, FocusLevel]:
    """Each focus's level for a session on ``day``, from everything logged before it.

    ``reduced`` says which days held a reduced session (taper, race week, recovery,
    lighter week): those never count toward the next level."""
    replay = Replay(start, history, day, breaks, reduced)
    for _ in replay:
        pass
    return replay.states


class Replay:
    """The log before ``day`` in order, one pass: iterating yields each session done with
    its focus's level *as it was done* (before the session counts), and ``states`` is
    every focus's level for ``day`` once the iteration ends. ``bot.coach.rungs`` follows
    the same pass to know at which level each past session was built."""

    def __init__(
        self,
        start: int,
        history: list[Entry],
        day: date,
        breaks: Sequence[Break] = (),
        reduced: Reduced = never_reduced,
    ) -> None:
        self.states = {focus: FocusLevel(level=clamp_level(start)) for focus in Focus}
        self._history = history
        self._day = day
        self._breaks = breaks
        self._reduced = reduced

    def __iter__(self) -> Iterator[tuple[Entry, int]]:
        last_done: date | None = None
        breaks, day = self._breaks, self._day
        for entry in sorted(self._history, key=lambda item: item.day):
            if entry.day >= day or entry.status != LogStatus.DONE:
                continue
            if last_done is not None:
                extra = _paused_between(breaks, last_done, entry.day)
                self.states = _after_gap(
                    self.states, (entry.day - last_done).days, entry.day, extra
                )
            else:  # a pause before the first session steps back from the starting level
                extra = _paused_between(breaks, date.min, entry.day)
                self.states = _after_gap(self.states, 0, entry.day, extra)
            last_done = entry.day
            yield entry, self.states[entry.focus].level
            self.states[entry.focus] = _after_session(
                self.states[entry.focus], entry, self._reduced(entry.day)
            )
        if last_done is not None:
            extra = _paused_between(breaks, last_done, day)
            self.states = _after_gap(self.states, (day - last_done).days, day, extra)
        else:
            self.states = _after_gap(self.states, 0, day, _paused_between(breaks, date.min, day))


def _paused_between(breaks: Sequence[Break], last_done: date, day: date) -> int:
    """A pause that ended between two sessions steps back as its reason and length say."""
    return max((b.step_back for b in breaks if last_done <= b.ended < day), default=0)


def _after_gap(
    states: dict[Focus, FocusLevel], gap_days: int, day: date, paused_back: int = 0
) -> dict[Focus, FocusLevel]:
    # The larger of the two, not the sum: a long pause is also a long gap.
    back = max(break_step_back(gap_days), paused_back)
    if not back:
        return states
    # A focus already at the lowest level stays where it is: the break restarts its count
    # but changes nothing the session message should call a step back.
    return {
        focus: FocusLevel(level=level, last_change=Change.BREAK, changed_on=day)
        if (level := clamp_level(state.level - back)) != state.level
        else replace(state, at_level=0, too_hard_run=0)
        for focus, state in states.items()
    }


def _after_session(state: FocusLevel, entry: Entry, reduced: bool = False) -> FocusLevel:
    """Too hard twice in a row steps back (even in a reduced session: it says the dose is
    too much); hard holds; easy or right counts toward the next level, unless the session
    was reduced (not the level's full dose) — and no answer counts for nothing: the coach
    asks once (``unrated_before``) and holds the level until the runner says."""
    if entry.feedback is Feedback.TOO_HARD:
        run = state.too_hard_run + 1
        if run >= STEP_BACK_AFTER and state.level > MIN_LEVEL:
            return FocusLevel(level=state.level - 1, last_change=Change.DOWN, changed_on=entry.day)
        return replace(state, too_hard_run=run)
    if entry.feedback is None:
        return state
    if entry.feedback is Feedback.HARD or reduced:
        return replace(state, too_hard_run=0)  # hold the level
    at_level = state.at_level + 1  # easy or just right
    if at_level >= STEP_UP_AFTER and state.level < MAX_LEVEL:
        return FocusLevel(level=state.level + 1, last_change=Change.UP, changed_on=entry.day)
    return replace(state, at_level=at_level, too_hard_run=0)


def training_week(history: list[Entry], day: date) -> int | None:
    """Week number of continuous training that ``day`` falls in (1 = the first week), or
    None before the first session. A break restarts the count."""
    done = sorted(
        {entry.day for entry in history if entry.status == LogStatus.DONE and entry.day < day}
    )
    if not done:
        return None
    start = done[0]
    for earlier, later in pairwise(done):
        if (later - earlier).days > BREAK_DAYS:
            start = later
    if (day - done[-1]).days > BREAK_DAYS:
        return None
    monday = start - timedelta(days=start.weekday())
    return (day - monday).days // 7 + 1


def unrated_before(
    history: list[Entry], day: date, messages_between: Callable[[date, date], Iterable[date]]
) -> date | None:
    """The day of the last session done before ``day`` when the runner has not said how it
    felt, if the session message of ``day`` is the first since: that message asks — once.

    ``messages_between(first, last)`` gives the days from ``first`` to ``last`` on which a
    session's message went out, as the runner's calendar places sessions (planned, moved
    and re-offered ones, and the day a moved or re-offered one came from: its reminder
    went out there; skipped and missed ones too). Any such day after the unrated one and
    before ``day`` already asked, so ``day`` does not: a tester saw one unrated Sunday
    asked about in six reminders in a row when every session day asked until another
    session was *done*. The reminder and /today of the asking day both ask (same day).
    Not after a break: a session weeks ago is not worth asking about. The level rule does
    not use this: an unrated session counts for nothing either way (``levels_on``)."""
    last = max(
        (entry for entry in history if entry.status == LogStatus.DONE and entry.day < day),
        key=lambda entry: entry.day,
        default=None,
    )
    if last is None or last.feedback is not None or (day - last.day).days > BREAK_DAYS:
        return None
    if last.day + timedelta(days=1) <= day - timedelta(days=1) and any(
        True for _ in messages_between(last.day + timedelta(days=1), day - timedelta(days=1))
    ):
        return None
    return last.day

"""Levels that follow the runner: up when sessions feel fine, held when hard, back after
"too hard" twice or a break — derived from the log every time, so they never drift.

The blog's rule — start small, build up gradually, be consistent — and docs/architecture.md:
progress by reps, sets, harder variants (the content's levels say which); a lighter week
every 4th week; cut volume before a race; come back at a reduced level after a break.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from bot.coach.status import LogStatus
from bot.coach.week import Focus

MIN_LEVEL = 1
MAX_LEVEL = 6
STEP_UP_AFTER = 2  # completed sessions at a level that did not feel hard
STEP_BACK_AFTER = 2  # "too hard" in a row
BREAK_DAYS = 14  # no session for this long is a break
MAX_BREAK_STEP_BACK = 2


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
    at_level: int = 0  # sessions at this level that did not feel hard
    too_hard_run: int = 0
    last_change: Change | None = None
    changed_on: date | None = None


def clamp_level(level: int) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, level))


def break_step_back(gap_days: int) -> int:
    """Levels to give back after ``gap_days`` without a session: one per two weeks away."""
    if gap_days <= BREAK_DAYS:
        return 0
    return min(MAX_BREAK_STEP_BACK, math.ceil((gap_days - BREAK_DAYS) / 14) or 1)


@dataclass(frozen=True)
class Break:
    """A pause that ended on ``ended``: the first session after it starts ``step_back``
    levels lower (what bot.coach.pause decides from its reason and length)."""

    ended: date
    step_back: int


def levels_on(
    start: int, history: list[Entry], day: date, breaks: Sequence[Break] = ()
) -> dict[Focus, FocusLevel]:
    """Each focus's level for a session on ``day``, from everything logged before it."""
    states = {focus: FocusLevel(level=clamp_level(start)) for focus in Focus}
    last_done: date | None = None
    for entry in sorted(history, key=lambda item: item.day):
        if entry.day >= day or entry.status != LogStatus.DONE:
            continue
        if last_done is not None:
            extra = _paused_between(breaks, last_done, entry.day)
            states = _after_gap(states, (entry.day - last_done).days, entry.day, extra)
        else:  # a pause before the first session steps back from the starting level
            states = _after_gap(states, 0, entry.day, _paused_between(breaks, date.min, entry.day))
        last_done = entry.day
        states[entry.focus] = _after_session(states[entry.focus], entry)
    if last_done is not None:
        extra = _paused_between(breaks, last_done, day)
        states = _after_gap(states, (day - last_done).days, day, extra)
    else:
        states = _after_gap(states, 0, day, _paused_between(breaks, date.min, day))
    return states


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


def _after_session(state: FocusLevel, entry: Entry) -> FocusLevel:
    if entry.feedback is Feedback.TOO_HARD:
        run = state.too_hard_run + 1
        if run >= STEP_BACK_AFTER and state.level > MIN_LEVEL:
            return FocusLevel(level=state.level - 1, last_change=Change.DOWN, changed_on=entry.day)
        return replace(state, too_hard_run=run)
    if entry.feedback is Feedback.HARD:
        return replace(state, too_hard_run=0)  # hold the level
    at_level = state.at_level + 1  # easy, just right, or no feedback given
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


def unrated_before(history: list[Entry], day: date) -> date | None:
    """The day of the last session done before ``day`` that the runner has not said how it
    felt, when the session on ``day`` is the first one since: asked once, in that message.

    Placeholder until the rule lands: never asked."""
    return None

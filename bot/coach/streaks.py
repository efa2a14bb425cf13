"""The weekly streak, fair to real lives: the one place its rules are written down.

Why weeks and why forgiving. A streak that breaks on one bad day makes people quit: the
habit trackers learned it first. Loop Habit Tracker shows a "habit strength" score (an
exponentially weighted average of the repetitions) beside the streak, so one miss lowers
it a little instead of wiping it; Duolingo sells a "streak freeze" that keeps a streak over
a missed day. A runner's strength plan is weekly (two or three sessions on the days the
plan picks), so the unit here is the week, and what a runner cannot help — a pause, a
lighter week, the race and its recovery, a week with nothing planned — never breaks it.

How each week is marked (``mark_of``, first rule that applies wins):

1. REST: nothing was planned that week (all of it paused, before sign-up, no plan) and
   nothing done. The sign-up week plans only what could fairly be asked after sign-up:
   sessions on the days after the sign-up day (a session done on the sign-up day itself
   counts, one not done is not asked), so signing up on Saturday evening asks nothing.
2. FULL: the runner did at least what the plan asked (``done >= planned``, a session done
   in a week with nothing planned included: more than asked is never less than full). Done sessions
   count in the week they were done, unplanned extra ones too; a moved or re-offered
   session is planned in the week it landed in, so doing it there counts there. A week
   that is FULL is FULL even when it was also paused or eased.
3. NOW: the current week (or a later one), not full yet: it is still going, never breaks.
3b. REST as well: the sign-up week (``WeekFacts.joined``), over and not full. The runner
   did not choose the day they found the bot, so their first week counts only for them
   (FULL) and never against them.
4. PAUSED: a pause covered part of the week (and it is not full): never breaks.
5. EASED: a lighter week, taper, race week or recovery (and not full): never breaks.
6. ALMOST: one session short.
7. SHORT: two or more short.

How the streak runs over the weeks, oldest first (``tally``):

- FULL adds one week;
- PAUSED, EASED, REST and NOW hold it as it is (neutral weeks);
- ALMOST holds it once: the next week that is not neutral must be FULL. A second ALMOST
  in a row (neutral weeks between them do not matter) is marked SHORT;
- SHORT ends it (0).

The best streak is the longest the runner ever had. "X of the last Y weeks" is the
forgiving figure beside it (what habit trackers' users ask for): of the last
``WINDOW_WEEKS`` calendar weeks (the chart's 12), Y counts those that were judged (FULL,
ALMOST or SHORT: a paused, eased, rest or unfinished current week counts neither for nor
against) and X those that were FULL. So pausing a week never lowers X, and one short week
costs one of twelve, not the whole streak.

What the property tests hold (tests/test_streaks.py): pausing a week never lowers the
streak or the best; moving a session to another week and doing it there never lowers
them; adding a done session anywhere never lowers the current streak, the best or X;
the current streak is never above the best.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# "X of the last Y weeks" looks at this many calendar weeks, this one included: the same
# 12 weeks the /progress chart draws (bot.coach.progress.CHART_WEEKS).
WINDOW_WEEKS = 12


class WeekMark(StrEnum):
    FULL = "full"  # did what the plan asked that week (or more)
    ALMOST = "almost"  # one session short: does not end the streak at once
    SHORT = "short"  # two or more short (or a second short week in a row): ends it
    PAUSED = "paused"  # a pause covered part of the week and it is not full: never breaks
    EASED = "eased"  # lighter week / taper / race week / recovery, not full: never breaks
    REST = "rest"  # nothing planned (e.g. all paused, before sign-up), none done: neutral
    NOW = "now"  # the current week, not full yet: never breaks

    @property
    def neutral(self) -> bool:
        """Holds the streak as it is, and counts neither for nor against X of Y."""
        return self in _NEUTRAL


_NEUTRAL = frozenset({WeekMark.PAUSED, WeekMark.EASED, WeekMark.REST, WeekMark.NOW})


@dataclass(frozen=True)
class WeekFacts:
    monday: date
    planned: int  # sessions the calendar placed in the week (a moved or re-offered
    # session counts in the week it landed in)
    done: int  # sessions done that week (unplanned extra ones too)
    skipped: int = 0
    moved: int = 0  # sessions moved away from a day of this week
    paused: bool = False
    eased: bool = False
    joined: bool = False  # the runner's first week (sign-up): never counted against them


@dataclass(frozen=True)
class WeekTally:
    facts: WeekFacts
    mark: WeekMark
    streak: int  # the streak once this week is counted


@dataclass(frozen=True)
class Streak:
    current: int  # weeks
    best: int
    kept: int  # "X of the last Y weeks": X
    of: int  # Y
    weeks: tuple[WeekTally, ...]  # every week given, oldest first


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def mark_of(facts: WeekFacts, today: date) -> WeekMark:
    """The week's mark on its own (rules 1-7 of the module docstring); ``tally`` turns a
    second ALMOST in a row into SHORT."""
    if facts.planned <= 0 and facts.done <= 0:
        # A pause that took the whole week is shown as one, not as "nothing planned".
        return WeekMark.PAUSED if facts.paused else WeekMark.REST
    if facts.done >= facts.planned:
        return WeekMark.FULL
    if facts.monday + timedelta(days=7) > today:
        return WeekMark.NOW
    if facts.joined:
        return WeekMark.REST
    if facts.paused:
        return WeekMark.PAUSED
    if facts.eased:
        return WeekMark.EASED
    return WeekMark.ALMOST if facts.planned - facts.done == 1 else WeekMark.SHORT


def tally(weeks: Sequence[WeekFacts], today: date) -> Streak:
    """The streak over ``weeks`` (any order; one entry per Monday), as the module
    docstring says."""
    ordered = sorted(weeks, key=lambda facts: facts.monday)
    streak = best = 0
    almost = False  # the last week that was not neutral was ALMOST
    tallies: list[WeekTally] = []
    for facts in ordered:
        mark = mark_of(facts, today)
        if mark is WeekMark.FULL:
            streak, almost = streak + 1, False
        elif mark is WeekMark.ALMOST:
            if almost:
                mark, streak, almost = WeekMark.SHORT, 0, False
            else:
                almost = True
        elif mark is WeekMark.SHORT:
            streak, almost = 0, False
        best = max(best, streak)
        tallies.append(WeekTally(facts, mark, streak))
    window_start = monday_of(today) - timedelta(weeks=WINDOW_WEEKS - 1)
    judged = [t for t in tallies if window_start <= t.facts.monday and not t.mark.neutral]
    kept = sum(1 for t in judged if t.mark is WeekMark.FULL)
    return Streak(streak, best, kept, len(judged), tuple(tallies))

"""This week is different: a runner's runs change for one week only ("long run on Sunday
this week", "no hard session this week", "this week I run tue thu sat").

The calendar already places a week's sessions by the week it is given
(``calendar.History.weeks``), with the same rules as every other week; what is decided
here is what the runner said and what their week becomes. Pure: the words come in as
``WeekWords`` (from ``content/phrases_week.toml``), the week as a ``RunnerWeek``.

Understanding is generous in phrasing and strict in meaning: a change needs words that
name this week ("this week") and one recognised kind of change with the days it needs,
and anything else (a note, a question, "this week was hard") is not a change at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.coach.intents import fold
from bot.coach.week import Focus, RunnerWeek

# A misspelt day ("wendsday", "saturdy") is read as the day it is closest to when it is at
# least this similar (rapidfuzz's ratio, 0-100) and long enough not to be another word.
DAY_TYPO_SCORE = 80
DAY_TYPO_MIN_LENGTH = 5


class Kind(StrEnum):
    """What changes this week. The values are short: buttons carry them."""

    LONG = "L"  # the long run moves to a day
    NO_LONG = "O"  # no long run this week (the day stays an easy run)
    HARD = "H"  # the hard session(s) on these days instead
    NO_HARD = "N"  # no hard session this week
    RUNS = "R"  # the run days are these
    USUAL = "U"  # back to the usual week


@dataclass(frozen=True)
class Change:
    kind: Kind
    days: frozenset[int] = frozenset()


@dataclass(frozen=True)
class WeekRuns:
    """The part of a runner's week a this-week change touches: when they run."""

    run_days: frozenset[int]
    long_run_day: int | None
    hard_days: frozenset[int]


@dataclass(frozen=True)
class WeekWords:
    """The phrases a this-week change is read from, normalised as ``normalise`` does."""

    this_week: tuple[str, ...]
    usual: tuple[str, ...]
    long_run: tuple[str, ...]
    hard: tuple[str, ...]
    negation: tuple[str, ...]
    runs: tuple[str, ...]
    today: tuple[str, ...]
    tomorrow: tuple[str, ...]
    days: Mapping[str, int] = field(default_factory=dict)  # a day's name -> 0..6
    # What joins two changes in one message: "long run on Sunday and no hard session".
    joiners: tuple[str, ...] = ("and", "but", "also", "plus")


_APOSTROPHES = re.compile(r"['’`ʼ]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower case, Latin accents and apostrophes gone, anything not a letter (of any
    script) or digit a space, Cyrillic "yo" as "ye": "Long-run on SUNDAY, this week!" and "long run
    on sunday this week" match, and so do "Длительная в воскресенье!" and "длительная в
    воскресенье", "Sábado" and "sabado" (``intents.fold``, character by character)."""
    if text.isascii():
        folded = text.lower()
    else:
        folded = "".join(map(fold, text))
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", folded)).split())


def _has(text: str, phrases: Iterable[str]) -> bool:
    padded = f" {text} "
    return any(f" {phrase} " in padded for phrase in phrases)


def _strip(text: str, phrases: Iterable[str]) -> str:
    padded = f" {text} "
    for phrase in sorted(phrases, key=len, reverse=True):
        padded = padded.replace(f" {phrase} ", " ")
    return " ".join(padded.split())


def days_named(text: str, words: WeekWords, today: date) -> frozenset[int]:
    """The weekdays ``text`` (normalised) names: by name, "today", "tomorrow", or a
    name misspelt past recognition by nothing but a letter or two."""
    found: set[int] = set()
    if _has(text, words.today):
        found.add(today.weekday())
    if _has(text, words.tomorrow):
        found.add((today.weekday() + 1) % 7)
    names = list(words.days)
    for token in text.split():
        if token in words.days:
            found.add(words.days[token])
        elif len(token) >= DAY_TYPO_MIN_LENGTH and token.isalpha():
            best = process.extractOne(token, names, scorer=fuzz.ratio, score_cutoff=DAY_TYPO_SCORE)
            if best is not None and len(best[0]) >= DAY_TYPO_MIN_LENGTH:
                found.add(words.days[best[0]])
    return frozenset(found)


def _clause(text: str, words: WeekWords, today: date) -> Change | None:
    days = days_named(text, words, today)
    negated = _has(text, words.negation)
    long_run = _has(text, words.long_run)
    hard = _has(text, words.hard)
    if long_run and hard:
        return None
    if long_run:
        if negated:
            return Change(Kind.NO_LONG) if not days else None
        return Change(Kind.LONG, days) if len(days) == 1 else None
    if hard:
        if negated:
            return Change(Kind.NO_HARD) if not days else None
        return Change(Kind.HARD, days) if days else None
    if _has(text, words.runs) and days and not negated:
        return Change(Kind.RUNS, days)
    return None


def parse_change(text: str, words: WeekWords, today: date) -> tuple[Change, ...]:
    """The changes of this week's runs ``text`` asks for, in order; empty when it asks
    for none (no words for this week, or nothing understood beside them).

    "long run on Sunday and no hard session this week" is two changes; a text of which a
    part is not understood is none, so a half-read request never changes the week."""
    cleaned = normalise(text)
    if not _has(cleaned, words.this_week):
        return ()
    rest = _strip(cleaned, words.this_week)
    if _has(rest, words.usual) and not days_named(rest, words, today):
        return (Change(Kind.USUAL),)
    whole = _clause(rest, words, today)
    if whole is not None:
        return (whole,)
    if not (_has(rest, words.long_run) and _has(rest, words.hard)):
        return ()
    joiners = "|".join(re.escape(word) for word in words.joiners)
    parts = [part for part in re.split(f" (?:{joiners}) ", f" {rest} ") if part.strip()]
    changes = [_clause(part.strip(), words, today) for part in parts]
    if len(changes) < 2 or any(change is None for change in changes):
        return ()
    return tuple(change for change in changes if change is not None)


def runs_of(week: RunnerWeek) -> WeekRuns:
    return WeekRuns(frozenset(week.run_days), week.long_run_day, frozenset(week.hard_days))


def with_runs(week: RunnerWeek, runs: WeekRuns) -> RunnerWeek:
    return replace(
        week, run_days=runs.run_days, long_run_day=runs.long_run_day, hard_days=runs.hard_days
    )


class Refusal(StrEnum):
    """Why a change cannot be made as asked."""

    HARD_ON_LONG_RUN = "hard_on_long_run"  # a hard session on the long run's day
    NO_LONG_RUN = "no_long_run"  # "no long run" in a week that has none
    NO_HARD_DAYS = "no_hard_days"  # "no hard session" in a week that has none
    TOO_MANY_DAYS = "too_many_days"  # a long run asked for on two days
    PAST_DAY = "past_day"  # a long run or hard session moved to a day already gone


def apply_change(runs: WeekRuns, change: Change, usual: WeekRuns) -> WeekRuns | Refusal:
    """The week's runs after ``change``; a ``Refusal`` when it makes no sense.

    The week stays consistent as onboarding keeps it: the long run and the hard days are
    run days, and the long run is never also a hard day. A moved long run leaves its old
    day free (the run moved, it did not multiply); a hard session on a day moves the hard
    sessions there."""
    long_run, hard, run_days = runs.long_run_day, runs.hard_days, runs.run_days
    if change.kind is Kind.USUAL:
        return usual
    if change.kind is Kind.LONG:
        if len(change.days) != 1:
            return Refusal.TOO_MANY_DAYS
        [day] = change.days
        left = run_days - {long_run} if long_run is not None and long_run != day else run_days
        return WeekRuns(left | {day}, day, hard - {day})
    if change.kind is Kind.NO_LONG:
        if long_run is None:
            return Refusal.NO_LONG_RUN
        return WeekRuns(run_days, None, hard)
    if change.kind is Kind.HARD:
        if long_run is not None and long_run in change.days:
            return Refusal.HARD_ON_LONG_RUN
        return WeekRuns(run_days | change.days, long_run, frozenset(change.days))
    if change.kind is Kind.NO_HARD:
        if not hard:
            return Refusal.NO_HARD_DAYS
        return WeekRuns(run_days, long_run, frozenset())
    # Kind.RUNS: the days named are the runs; a long run or hard day not among them goes.
    days = frozenset(change.days)
    return WeekRuns(days, long_run if long_run in days else None, hard & days)


def apply_all(runs: WeekRuns, changes: Sequence[Change], usual: WeekRuns) -> WeekRuns | Refusal:
    for change in changes:
        result = apply_change(runs, change, usual)
        if isinstance(result, Refusal):
            return result
        runs = result
    return runs


@dataclass(frozen=True)
class Shift:
    """What became of one session of the week: ``before`` None is a session added,
    ``after`` None one dropped, both set and different a session moved."""

    focus: Focus
    before: date | None
    after: date | None


def shifts(before: Mapping[date, Focus], after: Mapping[date, Focus]) -> list[Shift]:
    """The sessions that are not where they were, paired by focus in date order, so
    "legs Tuesday" and "legs Wednesday" read as legs moved to Wednesday."""
    found: list[Shift] = []
    for focus in Focus:
        old = sorted(day for day, f in before.items() if f is focus and after.get(day) is not f)
        new = sorted(day for day, f in after.items() if f is focus and before.get(day) is not f)
        for index in range(max(len(old), len(new))):
            found.append(
                Shift(
                    focus,
                    old[index] if index < len(old) else None,
                    new[index] if index < len(new) else None,
                )
            )
    return sorted(found, key=lambda shift: shift.after or shift.before or date.min)


def clear_past(
    usual: Mapping[int, Focus], changed: Mapping[int, Focus], monday: date, from_day: date
) -> list[date]:
    """The days before ``from_day`` in the week of ``monday`` on which the changed plan
    would hold a session the usual one did not: those days were lived by the usual plan,
    so the calendar keeps them clear (no session appears there, none is missed)."""
    days = []
    for weekday in range(7):
        day = monday + timedelta(days=weekday)
        if day >= from_day:
            break
        if weekday in changed and changed[weekday] is not usual.get(weekday):
            days.append(day)
    return days

"""A runner changing an earlier answer mid-way: "actually I also run on fridays".

People correct themselves in passing instead of finishing and finding the change menu.
A message that starts with a change marker ("actually", "wait", "oh and") and names days
changes the answer it is about: the long run ("my long run is sunday"), the hard days
("intervals on tuesday too") or the run days ("I also run on fridays", "not saturday").
The vocabulary comes from content/ and is handed in; the rules here are pure.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from bot.coach import answers as A
from bot.coach.parsing import CalendarWords, day_of, words_of


@dataclass(frozen=True)
class ChangeWords:
    """The phrases a correction is told by (``onboarding_words`` in content/)."""

    markers: frozenset[str]  # "actually", "wait"
    add: frozenset[str]  # "also", "too"
    remove: frozenset[str]  # "not", "no longer"
    long_run: frozenset[str]  # "long run"
    hard: frozenset[str]  # "intervals", "tempo"
    run: frozenset[str]  # "run", "running"
    days: CalendarWords | None = None  # the language's day names (English when None)


@dataclass(frozen=True)
class Correction:
    """The answer a correction is about (``step``) and every answer with it applied."""

    step: str
    answers: dict[str, Any]


def _has(words: list[str], phrases: Collection[str]) -> bool:
    """Whether one of ``phrases`` occurs in ``words`` as whole words."""
    joined = f" {' '.join(words)} "
    return any(f" {' '.join(words_of(phrase))} " in joined for phrase in phrases if phrase)


def _without_markers(words: list[str], markers: Collection[str]) -> list[str] | None:
    """The words after the leading change markers ("oh wait, actually …"); None without one."""
    spelled = sorted((words_of(marker) for marker in markers), key=len, reverse=True)
    rest, found = list(words), False
    while True:
        marker = next((m for m in spelled if m and rest[: len(m)] == m), None)
        if marker is None:
            return rest if found else None
        rest, found = rest[len(marker) :], True


def hedged(text: str, markers: Collection[str]) -> str | None:
    """The words after the leading change markers ("actually sunday" → "sunday"), or None
    when the text starts with none: what is left may answer the question at hand."""
    rest = _without_markers(words_of(text), markers)
    return " ".join(rest) if rest else None


def topic(text: str, words: ChangeWords) -> str | None:
    """The answer a message speaks of, by its words: the long run, the hard days, the run
    days ("I run…"), or None."""
    said = words_of(text)
    if _has(said, words.long_run):
        return A.LONG_RUN
    if _has(said, words.hard):
        return A.HARD_DAYS
    if _has(said, words.run):
        return A.RUN_DAYS
    return None


def correction(
    text: str, answers: dict[str, Any], answered: Collection[str], words: ChangeWords
) -> Correction | None:
    """The change an "actually …" message makes to an answer given before (one of
    ``answered``), or None: no marker, no day named, or about an answer not given yet."""
    rest = _without_markers(words_of(text), words.markers)
    if not rest:
        return None
    # Two-letter English day names ("we", "sa") are words too often to count here; the
    # two letters of another script (Russian's Saturday) are not.
    days = {
        day
        for word in rest
        if (len(word) >= 3 or not word.isascii())
        and (day := day_of(re.sub(r"'s$", "", word), words.days)) is not None
    }
    if not days:
        return None
    # "no, I also run fridays" adds; "no hard session on wednesday" takes out.
    # An add word counts among the markers too: "кстати, ещё…" and "actually also…"
    # start with one.
    adding = _has(words_of(text), words.add)
    removing = not adding and _has(rest, words.remove)
    run_days = set(A.run_days(answers))
    changed = dict(answers)
    if _has(rest, words.long_run):
        step = A.LONG_RUN
        if len(days) != 1:
            return None
        (day,) = days
        if removing:
            if answers.get("long_run_day") != day:
                return None
            changed["long_run_day"] = None
        else:
            changed["long_run_day"] = day
            changed[A.RUN_DAYS] = sorted(run_days | {day})  # a long run is a run day
    elif _has(rest, words.hard):
        step = A.HARD_DAYS
        hard = set(answers.get(A.HARD_DAYS, []))
        hard = hard - days if removing else (hard | days if adding else days)
        changed[A.HARD_DAYS] = sorted(hard)
        changed[A.RUN_DAYS] = sorted(run_days | hard)  # a hard session is a run
    elif _has(rest, words.run) or removing or adding:
        step = A.RUN_DAYS
        new = run_days - days if removing else (run_days | days if adding else days)
        if not new:
            return None
        changed[A.RUN_DAYS] = sorted(new)
    else:  # "actually sunday": days, but of what?
        return None
    if step not in answered or A.tidy(changed) == A.tidy(answers):
        return None  # not given yet, or nothing changes ("not fridays" from no Friday)
    return Correction(step=step, answers=A.tidy(changed))

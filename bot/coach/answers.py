"""The onboarding answers as a plain dict (kept as JSON between messages) and its rules.

Pure functions, so the order of questions, which ones apply and how a change to one
answer keeps the others consistent are tested without a chat.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Any

from bot.coach.parsing import is_none_answer, read_date
from bot.coach.week import Equipment, Experience, RunnerWeek

RUN_DAYS = "run_days"
LONG_RUN = "long_run"
HARD_DAYS = "hard_days"
EXPERIENCE = "experience"
EQUIPMENT = "equipment"
PULL_UP_BAR = "pull_up_bar"
SESSIONS = "sessions"
REMINDER_TIME = "reminder_time"
TIMEZONE = "timezone"
TIME_BUDGET = "time_budget"
RACE_DATE = "race_date"
# Asked right after a race date (never without one): 5k | 10k | half | marathon | ultra.
RACE_DISTANCE = "race_distance"
RACE_DISTANCES = ("5k", "10k", "half", "marathon", "ultra")
BUDGETS = (10, 20, 30)
# A typed session length outside this range is more likely a slip than a plan.
MIN_BUDGET, MAX_BUDGET = 5, 120
# A race further ahead than this is no reason to change this year's sessions yet.
RACE_HORIZON = timedelta(days=366)

# The race date comes after the timezone: "today" for a typed date is the runner's today.
STEPS: tuple[str, ...] = (
    RUN_DAYS,
    LONG_RUN,
    HARD_DAYS,
    EXPERIENCE,
    EQUIPMENT,
    PULL_UP_BAR,
    SESSIONS,
    TIME_BUDGET,
    REMINDER_TIME,
    TIMEZONE,
    RACE_DATE,
    RACE_DISTANCE,
)

# Changing one answer may make the next ones stale: ask those again too.
# In question order, because the change menu lists them in this order.
CHAINS: dict[str, tuple[str, ...]] = {
    RUN_DAYS: (RUN_DAYS, LONG_RUN, HARD_DAYS),
    LONG_RUN: (LONG_RUN, HARD_DAYS),
    HARD_DAYS: (HARD_DAYS,),
    EXPERIENCE: (EXPERIENCE,),
    EQUIPMENT: (EQUIPMENT, PULL_UP_BAR),
    SESSIONS: (SESSIONS,),
    TIME_BUDGET: (TIME_BUDGET,),
    REMINDER_TIME: (REMINDER_TIME,),
    TIMEZONE: (TIMEZONE,),
    RACE_DATE: (RACE_DATE, RACE_DISTANCE),
}
MENU_FIELDS: tuple[str, ...] = tuple(CHAINS)

# Asked only from /settings, never in onboarding (which keeps the default: Sunday 18:00).
PREVIEW_DAY = "preview_day"  # 0 = Monday … 6 = Sunday; None = no weekly preview
PREVIEW_TIME = "preview_time"  # "HH:MM" local
# The language chosen before the runner row exists (/start, /language): a content
# folder's code, carried to the runner row when onboarding is saved.
LANGUAGE = "language"
SETTINGS_CHAINS: dict[str, tuple[str, ...]] = {PREVIEW_DAY: (PREVIEW_DAY, PREVIEW_TIME)}
SETTINGS_STEPS: tuple[str, ...] = (PREVIEW_DAY, PREVIEW_TIME)


def run_days(answers: dict[str, Any]) -> list[int]:
    return sorted(set(answers.get(RUN_DAYS, [])))


def hard_day_candidates(answers: dict[str, Any]) -> list[int]:
    long_run = answers.get("long_run_day")
    return [day for day in run_days(answers) if day != long_run]


def applies(step: str, answers: dict[str, Any]) -> bool:
    """Whether a question makes sense given the answers so far."""
    if step == LONG_RUN:
        return bool(run_days(answers))
    if step == HARD_DAYS:
        return bool(hard_day_candidates(answers))
    if step == PULL_UP_BAR:
        return answers.get(EQUIPMENT) != Equipment.GYM.value
    if step == RACE_DISTANCE:
        return bool(answers.get(RACE_DATE))  # no race, no distance to ask
    if step == PREVIEW_TIME:
        return answers.get(PREVIEW_DAY) is not None  # "Off" needs no time
    return True


def tidy(answers: dict[str, Any]) -> dict[str, Any]:
    """Keep long-run and hard days within the run days after any change."""
    days = run_days(answers)
    tidied = dict(answers)
    tidied[RUN_DAYS] = days
    if tidied.get("long_run_day") not in days:
        tidied["long_run_day"] = None
    tidied[HARD_DAYS] = sorted(
        day for day in set(tidied.get(HARD_DAYS, [])) if day in hard_day_candidates(tidied)
    )
    if tidied.get(EQUIPMENT) == Equipment.GYM.value:
        tidied[PULL_UP_BAR] = True
    return tidied


def toggle(answers: dict[str, Any], key: str, day: int) -> dict[str, Any]:
    chosen = set(answers.get(key, []))
    chosen ^= {day}
    return {**answers, key: sorted(chosen)}


def next_step(queue: list[str], answers: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The next question that applies, and the queue after it."""
    remaining = list(queue)
    while remaining:
        step = remaining.pop(0)
        if applies(step, answers):
            return step, remaining
    return None, []


def week_from_answers(answers: dict[str, Any]) -> RunnerWeek:
    answers = tidy(answers)
    reminder = answers.get(REMINDER_TIME)
    return RunnerWeek(
        run_days=frozenset(answers[RUN_DAYS]),
        long_run_day=answers.get("long_run_day"),
        hard_days=frozenset(answers.get(HARD_DAYS, [])),
        experience=Experience(answers.get(EXPERIENCE, Experience.NEW.value)),
        equipment=Equipment(answers.get(EQUIPMENT, Equipment.NONE.value)),
        pull_up_bar=bool(answers.get(PULL_UP_BAR, False)),
        sessions_per_week=int(answers.get(SESSIONS, 2)),
        reminder_time=time.fromisoformat(reminder) if reminder else None,
        timezone=answers.get(TIMEZONE, "UTC"),
    )


def answers_from_week(week: RunnerWeek) -> dict[str, Any]:
    return {
        RUN_DAYS: sorted(week.run_days),
        "long_run_day": week.long_run_day,
        HARD_DAYS: sorted(week.hard_days),
        EXPERIENCE: week.experience.value,
        EQUIPMENT: week.equipment.value,
        PULL_UP_BAR: week.pull_up_bar,
        SESSIONS: week.sessions_per_week,
        REMINDER_TIME: week.reminder_time.strftime("%H:%M") if week.reminder_time else None,
        TIMEZONE: week.timezone,
    }


def is_complete(answers: dict[str, Any]) -> bool:
    required = (RUN_DAYS, EXPERIENCE, EQUIPMENT, SESSIONS, TIMEZONE)
    return all(key in answers for key in required) and bool(answers.get(RUN_DAYS))


# ---- typed session length and race date -------------------------------------------------

_NO_LIMIT_WORDS = {
    "no limit",
    "no time limit",
    "unlimited",
    "any",
    "anything",
    "whatever",
    "doesn't matter",
    "does not matter",
    "as long as it takes",
    "as long as needed",
    "no max",
}
# Spoken lengths, rewritten to "<minutes> min" before reading the number.
_SPOKEN_MINUTES = (
    ("an hour and a half", "90 min"),
    ("one and a half hours", "90 min"),
    ("hour and a half", "90 min"),
    ("three quarters of an hour", "45 min"),
    ("quarter of an hour", "15 min"),
    ("quarter hour", "15 min"),
    ("half an hour", "30 min"),
    ("half hour", "30 min"),
    ("an hour", "60 min"),
    ("one hour", "60 min"),
    ("a hour", "60 min"),
)
_NUMBER_WORDS = {
    "five": "5",
    "ten": "10",
    "fifteen": "15",
    "twenty": "20",
    "twenty-five": "25",
    "thirty": "30",
    "forty": "40",
    "forty-five": "45",
    "sixty": "60",
    "ninety": "90",
}
_HEDGES = re.compile(
    r"^(?:(?:about|around|roughly|max(?:imum)?|at most|up to|under|a|an)\s+|[~<≤]\s*)"
)
_TAILS = re.compile(r"\s+(?:per session|a session|each|tops|max|session|sessions)$")
_LENGTH = re.compile(
    r"(?:\d+(?:[.,]\d+)?\s*(?:-|–|to)\s*)?(?P<value>\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>m|min|mins|minute|minutes|'|h|hr|hrs|hour|hours)?"
)


def is_no_limit(text: str, also: Collection[str] = ()) -> bool:
    """Whether "no limit" was typed: its words or a plain no ("0" is a slip, not a wish);
    ``also``: other ways of saying no (content's "nah")."""
    cleaned = text.strip().casefold().rstrip(".!")
    return cleaned in _NO_LIMIT_WORDS or (cleaned != "0" and is_none_answer(cleaned, also))


def parse_minutes(text: str) -> int | None:
    """A session length typed as "20", "20 min", "half an hour", "1h" or "20-30 minutes"
    (a range means up to its top); None if it is not a length or not a sensible one."""
    cleaned = text.strip().casefold().rstrip(".!")
    for spoken, written in _SPOKEN_MINUTES:
        cleaned = cleaned.replace(spoken, written)
    cleaned = " ".join(_NUMBER_WORDS.get(word, word) for word in cleaned.split())
    while hedge := _HEDGES.match(cleaned):
        cleaned = cleaned[hedge.end() :]
    cleaned = _TAILS.sub("", cleaned)
    match = _LENGTH.fullmatch(cleaned)
    if match is None:
        return None
    value = float(match["value"].replace(",", "."))
    minutes = round(value * 60) if (match["unit"] or "").startswith("h") else round(value)
    return minutes if MIN_BUDGET <= minutes <= MAX_BUDGET else None


_NO_RACE_WORDS = {
    "no race",
    "no races",
    "no race planned",
    "no race yet",
    "not yet",
    "none planned",
    "nothing planned",
    "no plans",
    "not training for a race",
}


def is_no_race(text: str, also: Collection[str] = ()) -> bool:
    """Whether "no race" was typed; a plain "no" (or one of ``also``, like "nah") counts,
    so nobody is stuck on a date."""
    cleaned = text.strip().casefold().rstrip(".!")
    return cleaned in _NO_RACE_WORDS or is_none_answer(cleaned, also)


class DateProblem(StrEnum):
    """Why a typed race date was not taken, so the re-ask can say what to fix."""

    UNREADABLE = "unreadable"
    PAST = "past"
    TOO_FAR = "too_far"


def race_date_from_text(text: str, today: date) -> date | DateProblem:
    """The race day typed, from ``today`` (the runner's local date) up to a year ahead."""
    found = read_date(text, today)
    if found is None:
        return DateProblem.UNREADABLE
    if found < today:
        return DateProblem.PAST
    if found > today + RACE_HORIZON:
        return DateProblem.TOO_FAR
    return found


# ---- typed race distance -------------------------------------------------------------------

KM_PER_MILE = 1.609344
# The longest race each distance stands for, in km: a 15 km tapers like a 10 km, a 30 km
# like a half, anything past the marathon is an ultra.
_DISTANCE_UP_TO: tuple[tuple[float, str], ...] = (
    (7.5, "5k"),
    (16.0, "10k"),
    (32.0, "half"),
    (43.0, "marathon"),
)
_DISTANCE = re.compile(
    r"(?P<value>\d+(?:[.,]\d+)?)\s*(?P<unit>k|km|kms|kilometers?|kilometres?|mi|miles?|m)?"
)


def distance_for_km(km: float) -> str:
    """The race distance a length in kilometres tapers like."""
    return next((name for most, name in _DISTANCE_UP_TO if km <= most), "ultra")


def race_distance_from_text(text: str, named: dict[str, str]) -> str | None:
    """The race distance typed: a name from ``named`` (content's "half marathon=half"),
    or a length ("21k", "42.2 km", "10K", "13.1 miles"; a bare 13.1 or 26.2 is miles,
    other bare numbers are km). None if it is neither."""
    cleaned = " ".join(text.strip().casefold().rstrip(".!").split())
    if cleaned in RACE_DISTANCES:
        return cleaned
    if cleaned in named and named[cleaned] in RACE_DISTANCES:
        return named[cleaned]
    match = _DISTANCE.fullmatch(cleaned)
    if match is None:
        return None
    value = float(match["value"].replace(",", "."))
    unit = match["unit"] or ""
    miles = unit.startswith("mi") or (unit == "" and value in (13.1, 26.2))
    km = value * KM_PER_MILE if miles else value
    if unit == "m" and not miles:
        # "10m" is ten miles to a runner; "5000m" is metres.
        km = value / 1000 if value >= 400 else value * KM_PER_MILE
    return distance_for_km(km) if km >= 1 else None

"""The onboarding answers as a plain dict (kept as JSON between messages) and its rules.

Pure functions, so the order of questions, which ones apply and how a change to one
answer keeps the others consistent are tested without a chat.
"""

from __future__ import annotations

from datetime import time
from typing import Any

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
BUDGETS = (10, 20, 30)

STEPS: tuple[str, ...] = (
    RUN_DAYS,
    LONG_RUN,
    HARD_DAYS,
    EXPERIENCE,
    EQUIPMENT,
    PULL_UP_BAR,
    SESSIONS,
    REMINDER_TIME,
    TIMEZONE,
)

# Changing one answer may make the next ones stale: ask those again too.
CHAINS: dict[str, tuple[str, ...]] = {
    RUN_DAYS: (RUN_DAYS, LONG_RUN, HARD_DAYS),
    LONG_RUN: (LONG_RUN, HARD_DAYS),
    HARD_DAYS: (HARD_DAYS,),
    EXPERIENCE: (EXPERIENCE,),
    EQUIPMENT: (EQUIPMENT, PULL_UP_BAR),
    SESSIONS: (SESSIONS,),
    REMINDER_TIME: (REMINDER_TIME,),
    TIMEZONE: (TIMEZONE,),
    TIME_BUDGET: (TIME_BUDGET,),
    RACE_DATE: (RACE_DATE,),
}
MENU_FIELDS: tuple[str, ...] = tuple(CHAINS)


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

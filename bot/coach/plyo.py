"""When a session may hold plyometrics (hops, skips, bounds).

Plyometrics improve running economy (Blagrove et al. 2018, *Sports Med*: +2-8 % with
strength and plyometric work) but load tendons hard and leave the legs less springy for a
day or two; landing work is introduced once a base of strength is there, and kept away
from the runs that matter:

- after a base: ``BASE_WEEKS`` weeks of continuous training first (the NSCA's guidance,
  Chu & Myer 2013: plyometrics once a strength base is built; tendons adapt over weeks,
  Bohm et al. 2015);
- never within 48 h before a hard run or the long run (``KEY_RUN_GAP_DAYS``): the stretch-
  shortening fatigue of a plyometric session lasts up to two days (Nicol et al. 2006).

The dose is content: a plyometric rung's reps are ground contacts (40-100 a session).
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.coach.progression import Entry, training_week
from bot.coach.week import RunnerWeek

BASE_WEEKS = 4  # weeks of continuous training before the first hop
KEY_RUN_GAP_DAYS = 2  # no plyometrics on either of the two days before a key run


def key_run_days(week: RunnerWeek) -> frozenset[int]:
    """Weekdays of the runs that matter: the hard sessions and the long run."""
    long_run = {week.long_run_day} if week.long_run_day is not None else set()
    return frozenset(set(week.hard_days) | long_run)


def key_run_soon(week: RunnerWeek, day: date) -> bool:
    """A hard run or the long run on one of the next ``KEY_RUN_GAP_DAYS`` days."""
    keys = key_run_days(week)
    return any(
        (day + timedelta(days=ahead)).weekday() in keys for ahead in range(1, KEY_RUN_GAP_DAYS + 1)
    )


def plyo_allowed(week: RunnerWeek, history: list[Entry], day: date) -> bool:
    """Whether a session on ``day`` may hold plyometric work: past the base weeks of
    continuous training, and no key run in the next 48 hours."""
    weeks = training_week(history, day)
    if weeks is None or weeks <= BASE_WEEKS:
        return False
    return not key_run_soon(week, day)

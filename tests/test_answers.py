"""Onboarding answers: which questions apply, and how a change keeps the rest consistent.

These rules decide what a runner is asked; a wrong one asks about a long run to someone
who does not run, or keeps a "hard day" on a day that is no longer a run day.
"""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coach import answers as A
from bot.coach.week import Equipment, Experience, RunnerWeek

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def asked(answers: dict[str, Any], queue: tuple[str, ...] = A.STEPS) -> list[str]:
    """Every question next_step would ask, in order, for fixed answers."""
    steps: list[str] = []
    remaining = list(queue)
    while True:
        step, remaining = A.next_step(remaining, answers)
        if step is None:
            return steps
        steps.append(step)


# ------------------------------------------------------------------ next_step


def test_next_step_asks_everything_for_a_full_week() -> None:
    # No race yet: every question but the race distance (no race, no distance to ask).
    answers = {A.RUN_DAYS: [TUE, THU, SAT], "long_run_day": SAT, A.EQUIPMENT: "none"}
    assert asked(answers) == [step for step in A.STEPS if step != A.RACE_DISTANCE]
    # A race date brings the distance question, right after it: now every question applies.
    assert asked({**answers, A.RACE_DATE: "2027-04-18"}) == list(A.STEPS)


def test_next_step_returns_the_queue_after_the_step() -> None:
    step, rest = A.next_step([A.EXPERIENCE, A.SESSIONS], {})
    assert (step, rest) == (A.EXPERIENCE, [A.SESSIONS])
    assert A.next_step([], {}) == (None, [])


def test_no_run_days_skips_long_run_and_hard_days() -> None:
    steps = asked({A.RUN_DAYS: []})
    assert A.LONG_RUN not in steps
    assert A.HARD_DAYS not in steps
    assert steps[0] == A.RUN_DAYS


def test_hard_days_skipped_when_the_only_run_day_is_the_long_run() -> None:
    steps = asked({A.RUN_DAYS: [SUN], "long_run_day": SUN})
    assert A.LONG_RUN in steps
    assert A.HARD_DAYS not in steps


def test_hard_days_asked_when_one_run_day_and_no_long_run() -> None:
    assert A.HARD_DAYS in asked({A.RUN_DAYS: [SUN], "long_run_day": None})


def test_pull_up_bar_skipped_for_gym() -> None:
    assert A.PULL_UP_BAR not in asked({A.RUN_DAYS: [MON], A.EQUIPMENT: Equipment.GYM.value})


@pytest.mark.parametrize("equipment", [Equipment.NONE.value, Equipment.DUMBBELLS.value, None])
def test_pull_up_bar_asked_without_gym(equipment: str | None) -> None:
    # Not answered yet (None) must ask too: the question comes after equipment anyway.
    answers: dict[str, Any] = {A.RUN_DAYS: [MON]}
    if equipment is not None:
        answers[A.EQUIPMENT] = equipment
    assert A.PULL_UP_BAR in asked(answers)


def test_settings_chain_for_run_days_reasks_the_days_that_depend_on_them() -> None:
    # Changing run days from a settings menu re-asks long run and hard days, in order.
    answers = {A.RUN_DAYS: [MON, WED, SAT], "long_run_day": SAT}
    assert asked(answers, A.CHAINS[A.RUN_DAYS]) == [A.RUN_DAYS, A.LONG_RUN, A.HARD_DAYS]
    assert asked({A.EQUIPMENT: "gym"}, A.CHAINS[A.EQUIPMENT]) == [A.EQUIPMENT]


def test_menu_fields_are_steps() -> None:
    # Every answer can be changed (the pull-up bar through equipment, the race distance
    # through the race date), in question order.
    assert A.MENU_FIELDS == tuple(
        step for step in A.STEPS if step not in (A.PULL_UP_BAR, A.RACE_DISTANCE)
    )
    assert A.CHAINS[A.RACE_DATE] == (A.RACE_DATE, A.RACE_DISTANCE)
    for field, chain in A.CHAINS.items():
        assert chain[0] == field
        assert set(chain) <= set(A.STEPS)


def test_onboarding_asks_session_length_after_sessions_and_the_race_date_last() -> None:
    # The race date is read as the runner's local date, so it comes after the timezone;
    # its distance is asked right after it (the last question, and only with a race).
    steps = list(A.STEPS)
    assert steps[steps.index(A.SESSIONS) + 1] == A.TIME_BUDGET
    assert steps[-3:] == [A.TIMEZONE, A.RACE_DATE, A.RACE_DISTANCE]


# ------------------------------------------------------------------ tidy


def test_tidy_drops_long_run_no_longer_a_run_day() -> None:
    tidied = A.tidy({A.RUN_DAYS: [MON, WED], "long_run_day": SAT, A.HARD_DAYS: [WED]})
    assert tidied["long_run_day"] is None
    assert tidied[A.HARD_DAYS] == [WED]


def test_tidy_drops_hard_days_outside_run_days_and_the_long_run() -> None:
    tidied = A.tidy(
        {A.RUN_DAYS: [TUE, THU, SUN], "long_run_day": SUN, A.HARD_DAYS: [MON, TUE, SUN, TUE]}
    )
    assert tidied[A.HARD_DAYS] == [TUE]
    assert tidied["long_run_day"] == SUN


def test_tidy_sorts_and_dedupes_run_days_and_forces_bar_for_gym() -> None:
    tidied = A.tidy({A.RUN_DAYS: [SAT, MON, SAT], A.EQUIPMENT: "gym", A.PULL_UP_BAR: False})
    assert tidied[A.RUN_DAYS] == [MON, SAT]
    assert tidied[A.PULL_UP_BAR] is True


def test_tidy_does_not_change_its_input() -> None:
    answers = {A.RUN_DAYS: [SAT, MON], "long_run_day": FRI, A.HARD_DAYS: [FRI]}
    snapshot = {
        key: list(value) if isinstance(value, list) else value for key, value in answers.items()
    }
    A.tidy(answers)
    assert answers == snapshot


days = st.lists(st.integers(0, 6), max_size=9)


@given(
    run=days,
    long_run=st.one_of(st.none(), st.integers(0, 6)),
    hard=days,
    equipment=st.sampled_from([e.value for e in Equipment]),
)
def test_tidy_always_consistent_and_idempotent(
    run: list[int], long_run: int | None, hard: list[int], equipment: str
) -> None:
    tidied = A.tidy(
        {A.RUN_DAYS: run, "long_run_day": long_run, A.HARD_DAYS: hard, A.EQUIPMENT: equipment}
    )
    assert tidied[A.RUN_DAYS] == sorted(set(run))
    assert tidied["long_run_day"] in [None, *tidied[A.RUN_DAYS]]
    assert set(tidied[A.HARD_DAYS]) <= set(tidied[A.RUN_DAYS]) - {tidied["long_run_day"]}
    # Valid choices are kept, not just invalid ones dropped.
    if long_run in run:
        assert tidied["long_run_day"] == long_run
    assert set(tidied[A.HARD_DAYS]) == (set(hard) & set(run)) - {tidied["long_run_day"]}
    assert A.tidy(tidied) == tidied


# ------------------------------------------------------------------ toggle


def test_toggle_adds_and_removes_without_mutating() -> None:
    answers: dict[str, Any] = {A.RUN_DAYS: [WED, MON]}
    added = A.toggle(answers, A.RUN_DAYS, FRI)
    assert added[A.RUN_DAYS] == [MON, WED, FRI]
    assert answers == {A.RUN_DAYS: [WED, MON]}
    assert A.toggle(added, A.RUN_DAYS, WED)[A.RUN_DAYS] == [MON, FRI]
    assert A.toggle({}, A.HARD_DAYS, SUN) == {A.HARD_DAYS: [SUN]}
    assert A.toggle(A.toggle({}, A.HARD_DAYS, SUN), A.HARD_DAYS, SUN) == {A.HARD_DAYS: []}


# ------------------------------------------------------------------ week <-> answers


def test_week_from_answers_defaults_for_missing_answers() -> None:
    week = A.week_from_answers({A.RUN_DAYS: [MON]})
    assert week == RunnerWeek(run_days=frozenset({MON}), long_run_day=None)


def test_week_from_answers_reads_every_field() -> None:
    answers = {
        A.RUN_DAYS: [SUN, TUE, THU],
        "long_run_day": SUN,
        A.HARD_DAYS: [TUE],
        A.EXPERIENCE: "some",
        A.EQUIPMENT: "dumbbells",
        A.PULL_UP_BAR: True,
        A.SESSIONS: 3,
        A.REMINDER_TIME: "06:45",
        A.TIMEZONE: "Europe/Berlin",
    }
    assert A.week_from_answers(answers) == RunnerWeek(
        run_days=frozenset({TUE, THU, SUN}),
        long_run_day=SUN,
        hard_days=frozenset({TUE}),
        experience=Experience.SOME,
        equipment=Equipment.DUMBBELLS,
        pull_up_bar=True,
        sessions_per_week=3,
        reminder_time=time(6, 45),
        timezone="Europe/Berlin",
    )
    assert A.answers_from_week(A.week_from_answers(answers)) == A.tidy(answers)


@st.composite
def consistent_weeks(draw: st.DrawFn) -> RunnerWeek:
    """A week as the bot would store it: long run and hard days within the run days."""
    run_days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    long_run = draw(st.one_of(st.none(), st.sampled_from(sorted(run_days))))
    candidates = sorted(run_days - {long_run})
    hard = draw(st.frozensets(st.sampled_from(candidates))) if candidates else frozenset()
    equipment = draw(st.sampled_from(list(Equipment)))
    reminder = draw(st.one_of(st.none(), st.builds(time, st.integers(0, 23), st.integers(0, 59))))
    return RunnerWeek(
        run_days=run_days,
        long_run_day=long_run,
        hard_days=hard,
        experience=draw(st.sampled_from(list(Experience))),
        equipment=equipment,
        pull_up_bar=True if equipment is Equipment.GYM else draw(st.booleans()),
        sessions_per_week=draw(st.sampled_from([2, 3])),
        reminder_time=reminder,
        timezone=draw(st.sampled_from(["UTC", "Europe/Berlin", "Australia/Lord_Howe"])),
    )


@given(consistent_weeks())
def test_week_answers_round_trip(week: RunnerWeek) -> None:
    """Settings start from the stored week; saving unchanged answers must not alter it."""
    answers = A.answers_from_week(week)
    assert A.week_from_answers(answers) == week
    assert A.tidy(answers) == answers
    assert A.is_complete(answers)


def test_is_complete_needs_a_run_day() -> None:
    answers = A.answers_from_week(RunnerWeek(run_days=frozenset({MON})))
    assert A.is_complete(answers)
    assert not A.is_complete({**answers, A.RUN_DAYS: []})
    assert not A.is_complete({key: v for key, v in answers.items() if key != A.TIMEZONE})


# ------------------------------------------------------------------ session length


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("20", 20),
        ("20 min", 20),
        ("20min", 20),
        ("20 minutes", 20),
        ("20 Mins.", 20),
        ("25'", 25),
        ("about 15", 15),
        ("~20", 20),
        ("max 30 min", 30),
        ("up to 30 minutes", 30),
        ("a 20 min session", 20),
        ("30 min tops", 30),
        ("ten", 10),
        ("twenty minutes", 20),
        ("half an hour", 30),
        ("around half an hour", 30),
        ("a quarter of an hour", 15),
        ("an hour", 60),
        ("one hour", 60),
        ("1h", 60),
        ("1.5 hours", 90),
        ("1,5 h", 90),
        ("an hour and a half", 90),
        ("20-30 min", 30),  # a range: up to its top
        ("20 to 30", 30),
        ("120", 120),
    ],
)
def test_parse_minutes_reads_common_lengths(typed: str, minutes: int) -> None:
    assert A.parse_minutes(typed) == minutes


@pytest.mark.parametrize(
    "typed",
    ["", "0", "2", "3", "4 min", "121", "3 hours", "7am", "lots", "a while", "🤷", "session"],
)
def test_parse_minutes_rejects_what_is_not_a_sensible_length(typed: str) -> None:
    # "2" or "3" is most likely a sessions-per-week answer typed one question late.
    assert A.parse_minutes(typed) is None


@pytest.mark.parametrize(
    ("typed", "no_limit"),
    [
        ("no limit", True),
        ("No limit!", True),
        ("unlimited", True),
        ("none", True),
        ("no", True),
        ("doesn't matter", True),
        ("0", False),
        ("20", False),
        ("limit", False),
    ],
)
def test_is_no_limit(typed: str, no_limit: bool) -> None:
    assert A.is_no_limit(typed) is no_limit


# ------------------------------------------------------------------ race date

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12 April", date(2027, 4, 12)),
        ("2026-12-06", date(2026, 12, 6)),
        ("26 Nov", TODAY),
        ("25 Nov", date(2027, 11, 25)),  # no year: the next one, within the year
        ("2027-11-27", date(2027, 11, 27)),  # 366 days: still taken
        ("2027-11-28", A.DateProblem.TOO_FAR),
        ("1.1.2030", A.DateProblem.TOO_FAR),
        ("2026-11-25", A.DateProblem.PAST),
        ("18.4.25", A.DateProblem.PAST),
        ("someday", A.DateProblem.UNREADABLE),
        ("31 February", A.DateProblem.UNREADABLE),
        ("no", A.DateProblem.UNREADABLE),  # "no race" is the caller's to recognise
    ],
)
def test_race_date_from_text(typed: str, expected: date | A.DateProblem) -> None:
    assert A.race_date_from_text(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "no_race"),
    [
        ("no race", True),
        ("No race planned", True),
        ("not yet", True),
        ("none", True),
        ("no.", True),
        ("12 April", False),
        ("race", False),
    ],
)
def test_is_no_race(typed: str, no_race: bool) -> None:
    assert A.is_no_race(typed) is no_race


@given(
    run_days=st.lists(st.integers(0, 6), max_size=7, unique=True),
    long_run=st.one_of(st.none(), st.integers(0, 6)),
    hard=st.lists(st.integers(0, 6), max_size=7, unique=True),
    preview_day=st.one_of(st.none(), st.integers(0, 6)),
    other=st.dictionaries(st.sampled_from(["experience", "equipment", "sessions"]), st.text()),
)
def test_a_question_shared_between_runners_shows_each_their_own_answers(
    run_days: list[int],
    long_run: int | None,
    hard: list[int],
    preview_day: int | None,
    other: dict[str, Any],
) -> None:
    """Questions are built once per question and shown answers (``setup.question``); the
    shared one must be exactly what the runner's whole answers would build, so no answer a
    question shows may be missing from what it is cached by."""
    from bot.handlers import setup
    from testkit.harness import shared_content

    class Stand:
        content = shared_content()

    answers: dict[str, Any] = {
        A.RUN_DAYS: run_days,
        "long_run_day": long_run,
        A.HARD_DAYS: hard,
        A.PREVIEW_DAY: preview_day,
        **other,
    }
    whole = json.dumps({key: value for key, value in answers.items() if value is not None})
    t = Stand.content.texts
    for step in (*A.STEPS, *A.SETTINGS_STEPS):
        shared = setup.question(Stand, step, answers)  # type: ignore[arg-type]
        assert shared == setup._question.__wrapped__(t, step, whole), step

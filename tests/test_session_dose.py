"""Issue 13, the session itself: honest minutes, trimming that keeps what matters, and
plyometrics placed after a base and away from the key runs.

Exact numbers come from a small hand-made catalogue; the rules are checked as properties
over the real catalogue (which other work rewrites: expectations derive from it)."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach import session_time
from bot.coach.day import session_on
from bot.coach.plyo import BASE_WEEKS, plyo_allowed
from bot.coach.progression import Entry, training_week
from bot.coach.session import Session, build_session
from bot.coach.session_time import (
    FLOOR_SHARE,
    SessionItem,
    estimate_minutes,
    estimate_seconds,
    fit_to_budget,
)
from bot.coach.status import LogStatus
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.content import MAX_LEVEL, Catalog, Exercise, Level, Warmup
from testkit.harness import shared_content

RUNGS = max(MAX_LEVEL, 12)


def level(**values: Any) -> Level:
    fields: dict[str, Any] = {"variant": "Move", "sets": 1, "rest": 0}
    fields.update(values)
    if "seconds" not in fields:
        fields.setdefault("reps", 10)
    return Level(**fields)


def exercise(ident: str, *rungs: Level, **values: Any) -> Exercise:
    fields: dict[str, Any] = {"id": ident, "name": ident, "focus": Focus.LEGS, "cue": "Cue."}
    fields.update(values)
    ladder = list(rungs) + [rungs[-1]] * (RUNGS - len(rungs))
    return Exercise(levels=ladder, **fields)


def one(item_level: Level, **values: Any) -> tuple[SessionItem, ...]:
    return (SessionItem(exercise("x", item_level, **values), item_level),)


# ---- 1. honest minutes ------------------------------------------------------------------


def test_a_rep_takes_about_three_seconds_plus_its_tempo_and_each_move_needs_setting_up() -> None:
    setup = session_time.SETUP_SECONDS
    assert estimate_seconds(one(level(reps=10))) == setup + 30
    assert estimate_seconds(one(level(reps=10, tempo=3))) == setup + 60


def test_a_per_side_set_counts_both_sides_and_the_switch() -> None:
    assert estimate_seconds(one(level(reps=10, per_side=True))) == 45 + 2 * 30 + 10
    assert estimate_seconds(one(level(seconds=30, per_side=True, sets=2, rest=60))) == (
        45 + 2 * (60 + 10) + 60
    )


def test_rest_comes_between_sets() -> None:
    assert estimate_seconds(one(level(reps=10, sets=3, rest=60))) == 45 + 3 * 30 + 2 * 60


def test_the_warm_up_is_counted_in_the_minutes() -> None:
    items = one(level(reps=10, sets=3, rest=60))
    assert estimate_minutes(items, warmup_minutes=4) == estimate_minutes(items) + 4
    session = Session(Focus.LEGS, 1, items, warmup_minutes=4)
    assert session.minutes == estimate_minutes(items) + 4


def test_build_session_takes_the_focus_warm_up_from_the_catalogue() -> None:
    catalog = dataclasses.replace(
        shared_content().catalog,
        warmups={focus: Warmup(minutes=4, moves=["Brisk walk", "Leg swings"]) for focus in Focus},
    )
    for focus in Focus:
        session = build_session(catalog, focus, 3, Equipment.GYM, False)
        assert session.warmup_minutes == 4
        assert session.warmup_moves == ("Brisk walk", "Leg swings")
        assert session.minutes == estimate_minutes(session.items) + 4


def test_a_heavy_barbell_lift_takes_longer_to_set_up_and_has_ramp_up_sets_first() -> None:
    light = level(reps=5, sets=3, rest=120)
    heavy = level(reps=5, sets=3, rest=120, rir=2, load=True)
    plain = estimate_seconds(one(light))
    barbell = estimate_seconds(one(light, needs=["gym"]))
    assert barbell > plain
    ramped = estimate_seconds(one(heavy, needs=["gym"]))
    assert ramped == barbell + session_time.BARBELL_RAMP_UP_SECONDS
    # Ramp-up once, before the first heavy lift, not before every one.
    two = (*one(heavy, needs=["gym"]), *one(heavy, needs=["gym"]))
    assert estimate_seconds(two) == 2 * barbell + session_time.BARBELL_RAMP_UP_SECONDS


def gym_legs_top() -> tuple[SessionItem, ...]:
    """A heavy gym leg session as the catalogue writes it at the top (squat, RDL, split
    squat with a pause, calves, Copenhagen): it takes a runner 60-75 minutes."""
    squat = level(reps=4, sets=5, rest=180, rir=2, load=True)
    rdl = level(reps=5, sets=5, rest=180, rir=2, load=True)
    split = level(reps=10, sets=3, rest=90, per_side=True, tempo=2, rir=2, load=True)
    calf = level(reps=15, sets=3, rest=60, per_side=True, rir=2, load=True)
    copenhagen = level(seconds=20, sets=3, rest=60, per_side=True)
    return (
        *one(squat, needs=["gym"]),
        *one(rdl, needs=["gym"]),
        *one(split, needs=["dumbbells"]),
        *one(calf, needs=["dumbbells"]),
        *one(copenhagen),
    )


def test_a_heavy_gym_leg_session_estimates_what_it_really_takes() -> None:
    assert 55 <= estimate_minutes(gym_legs_top(), warmup_minutes=5) <= 75


def test_the_real_catalogues_top_gym_leg_session_estimates_55_to_75_minutes() -> None:
    """Issue 13: gym level-6 legs said 52 min for what takes 65-75 min."""
    catalog = shared_content().catalog
    session = build_session(catalog, Focus.LEGS, 12, Equipment.GYM, False)
    assert 55 <= session.minutes <= 75, [(item.exercise.id, item.level) for item in session.items]


# ---- 2. trimming keeps what matters ------------------------------------------------------


def l4_session() -> list[SessionItem]:
    """A level-4 leg session with the runner-specific work last, as the catalogue orders
    it: squat (main), lunge, step-up, then calves, Copenhagen, hips (keep)."""
    main = level(reps=10, sets=3, rest=75)
    accessory = level(reps=10, sets=3, rest=60, per_side=True)
    keep = level(reps=15, sets=3, rest=45, per_side=True)
    items = [SessionItem(exercise("squat", main), main)]
    items += [SessionItem(exercise(name, accessory), accessory) for name in ("lunge", "step_up")]
    items += [
        SessionItem(exercise(name, keep, keep=True), keep)
        for name in ("calf_raise", "copenhagen", "side_plank_hip")
    ]
    return items


def test_a_ten_minute_limit_keeps_the_main_lift_and_the_runner_specific_work() -> None:
    trimmed = fit_to_budget(l4_session(), 10)
    names = [item.exercise.id for item in trimmed]
    assert names[0] == "squat"
    assert {"calf_raise", "copenhagen", "side_plank_hip"} <= set(names)
    minutes = estimate_minutes(tuple(trimmed))
    assert FLOOR_SHARE * 10 <= minutes <= 10, minutes


def test_a_trimmed_session_takes_back_a_dropped_move_when_it_fits() -> None:
    main = level(reps=10, sets=2, rest=30)
    big = level(seconds=120, per_side=True, sets=3, rest=90)
    small = level(reps=10, sets=2, rest=30)
    items = [
        SessionItem(exercise("main", main), main),
        SessionItem(exercise("big", big), big),
        SessionItem(exercise("small", small), small),
    ]
    # Dropping from the end takes "small" first and then "big" (too long even at one
    # set); the main lift alone is under the floor, and "small" fits back in.
    budget = estimate_minutes((items[0], items[2]))
    trimmed = fit_to_budget(items, budget)
    assert [item.exercise.id for item in trimmed] == ["main", "small"]


def protected_core_fits(items: list[SessionItem], budget: int, warmup: int) -> bool:
    core = [
        SessionItem(item.exercise, item.level.model_copy(update={"sets": 1}))
        for index, item in enumerate(items)
        if index == 0 or item.exercise.keep
    ]
    return estimate_minutes(tuple(core), warmup) <= budget


def more_fits(
    full: list[SessionItem], trimmed: list[SessionItem], budget: int, warmup: int
) -> bool:
    """Some dropped move at one set, or one more set of a cut move, would still fit."""
    kept = {item.exercise.id: item for item in trimmed}
    for index, item in enumerate(full):
        now = kept.get(item.exercise.id)
        if now is None:
            tried = SessionItem(item.exercise, item.level.model_copy(update={"sets": 1}))
        elif now.level.sets < item.level.sets:
            tried = SessionItem(
                item.exercise, now.level.model_copy(update={"sets": now.level.sets + 1})
            )
        else:
            continue
        candidate = [kept.get(other.exercise.id) for other in full]
        candidate[index] = tried
        if estimate_minutes(tuple(x for x in candidate if x is not None), warmup) <= budget:
            return True
    return False


KITS = [(equipment, bar) for equipment in Equipment for bar in (False, True)]


@settings(max_examples=300, deadline=None)
@given(
    budget=st.integers(10, 90),
    level_=st.integers(1, 12),
    kit=st.sampled_from(KITS),
    focus=st.sampled_from(Focus),
    warmup=st.sampled_from((0, 3, 5)),
    keep_seed=st.integers(0, 2**16),
)
def test_trimming_fits_the_budget_keeps_main_and_keep_moves_and_holds_the_floor(
    budget: int,
    level_: int,
    kit: tuple[Equipment, bool],
    focus: Focus,
    warmup: int,
    keep_seed: int,
) -> None:
    real = shared_content().catalog
    # Mark some moves runner-specific (the real catalogue's keep flags are content too).
    exercises = {
        key: value.model_copy(update={"keep": value.keep or (keep_seed >> (n % 16)) & 1 == 1})
        for n, (key, value) in enumerate(real.exercises.items())
    }
    catalog = dataclasses.replace(
        real,
        exercises=exercises,
        warmups={f: Warmup(minutes=warmup, moves=["Walk"]) for f in Focus} if warmup else {},
    )
    full = build_session(catalog, focus, level_, *kit)
    trimmed = build_session(catalog, focus, level_, *kit, budget_minutes=budget)
    items = list(full.items)
    ids = [item.exercise.id for item in trimmed.items]
    assert ids[0] == items[0].exercise.id
    assert {item.exercise.id for item in items if item.exercise.keep} <= set(ids)
    # Order kept, nothing added, no set added.
    assert ids == [item.exercise.id for item in items if item.exercise.id in ids]
    before = {item.exercise.id: item.level.sets for item in items}
    assert all(1 <= item.level.sets <= before[item.exercise.id] for item in trimmed.items)
    if protected_core_fits(items, budget, warmup):
        assert trimmed.minutes <= budget
        if trimmed.minutes < FLOOR_SHARE * budget:
            assert not more_fits(items, list(trimmed.items), budget, warmup)
    if full.minutes <= budget:
        assert trimmed.items == full.items


# ---- 3. plyometrics: after a base, never within 48 h before a key run --------------------

WEEK = RunnerWeek(
    run_days=frozenset({1, 3, 6}), long_run_day=6, hard_days=frozenset({1}),
    experience=Experience.SOME, equipment=Equipment.NONE,
)  # fmt: skip
MONDAY = date(2026, 11, 2)


def weekly(weeks: int, end: date) -> list[Entry]:
    """A session every Monday and Thursday for ``weeks`` weeks up to ``end``."""
    return [
        Entry(end - timedelta(days=offset), Focus.LEGS, LogStatus.DONE)
        for offset in range(1, 7 * weeks, 3)
    ]


def test_no_plyometrics_before_a_base_of_training() -> None:
    wednesday = MONDAY + timedelta(days=2 + 7 * 6)  # long run Sun, hard Tue: Wed is clear
    assert plyo_allowed(WEEK, [], wednesday) is False
    first = [Entry(MONDAY, Focus.LEGS, LogStatus.DONE)]
    assert training_week(first, MONDAY + timedelta(days=2)) == 1
    assert plyo_allowed(WEEK, first, MONDAY + timedelta(days=2)) is False
    history = [Entry(MONDAY + timedelta(days=7 * n), Focus.LEGS, LogStatus.DONE) for n in range(6)]
    assert training_week(history, wednesday) == 7
    assert plyo_allowed(WEEK, history, wednesday) is True
    week_four = MONDAY + timedelta(days=2 + 7 * 3)
    assert training_week(history, week_four) == BASE_WEEKS
    assert plyo_allowed(WEEK, history, week_four) is False


def test_no_plyometrics_in_the_two_days_before_a_hard_run_or_the_long_run() -> None:
    history = [Entry(MONDAY + timedelta(days=7 * n), Focus.LEGS, LogStatus.DONE) for n in range(6)]
    week_seven = MONDAY + timedelta(days=7 * 6)
    allowed = {
        offset: plyo_allowed(WEEK, history, week_seven + timedelta(days=offset))
        for offset in range(7)
    }
    # Hard Tuesday (1), long Sunday (6): Sun and Mon are before Tuesday, Fri and Sat before Sunday.
    assert allowed == {0: False, 1: True, 2: True, 3: True, 4: False, 5: False, 6: False}


weeks_strategy = st.builds(
    lambda runs, long_run, hard: RunnerWeek(
        run_days=frozenset(runs)
        | ({long_run} if long_run is not None else set())
        | frozenset(hard),
        long_run_day=long_run,
        hard_days=frozenset(hard) - ({long_run} if long_run is not None else set()),
        experience=Experience.SOME,
    ),
    st.sets(st.integers(0, 6), max_size=6),
    st.none() | st.integers(0, 6),
    st.sets(st.integers(0, 6), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    week=weeks_strategy,
    days=st.sets(st.integers(0, 120), max_size=40),
    offset=st.integers(0, 130),
)
def test_no_session_with_plyometrics_has_a_key_run_in_the_next_two_days(
    week: RunnerWeek, days: set[int], offset: int
) -> None:
    start = date(2026, 1, 5)
    day = start + timedelta(days=offset)
    history = [
        Entry(start + timedelta(days=n), Focus.LEGS, LogStatus.DONE)
        for n in sorted(days)
        if n < offset
    ]
    if not plyo_allowed(week, history, day):
        return
    keys = set(week.hard_days) | ({week.long_run_day} - {None})
    assert all((day + timedelta(days=ahead)).weekday() not in keys for ahead in (1, 2))
    trained = training_week(history, day)
    assert trained is not None and trained > BASE_WEEKS


def plyo_catalog() -> Catalog:
    """The real catalogue with every other leg move marked plyometric (content may
    already mark some; which ones does not matter to the placement rule)."""
    real = shared_content().catalog
    exercises = {
        key: value.model_copy(update={"kind": "plyo"})
        if value.kind == "plyo" or (value.focus is Focus.LEGS and n % 2)
        else value
        for n, (key, value) in enumerate(real.exercises.items())
    }
    return dataclasses.replace(real, exercises=exercises)


PLYO_CATALOG = plyo_catalog()


@settings(max_examples=200, deadline=None)
@given(
    week=weeks_strategy,
    weeks_done=st.integers(0, 10),
    offset=st.integers(0, 6),
    level_=st.integers(1, 12),
    focus=st.sampled_from(Focus),
)
def test_session_on_never_puts_hops_before_a_key_run_or_in_the_first_weeks(
    week: RunnerWeek, weeks_done: int, offset: int, level_: int, focus: Focus
) -> None:
    catalog = PLYO_CATALOG
    day = MONDAY + timedelta(weeks=10, days=offset)
    history = weekly(weeks_done, day) if weeks_done else []
    plan = session_on(catalog, week, history, day, focus=focus)
    if plan is None:
        return
    if any(item.exercise.kind == "plyo" for item in plan.session.items):
        keys = set(week.hard_days) | ({week.long_run_day} - {None})
        assert all((day + timedelta(days=ahead)).weekday() not in keys for ahead in (1, 2))
        trained = training_week(history, day)
        assert trained is not None and trained > BASE_WEEKS


def test_a_session_with_plyometrics_doses_40_to_100_ground_contacts() -> None:
    """The dose is content (a plyometric rep is a ground contact); every session the
    catalogue builds holds none or 40-100 (Ramírez-Campillo et al. 2018: low-to-moderate
    volumes suffice for economy and speed)."""
    catalog = shared_content().catalog
    for focus, level_, (equipment, bar) in itertools.product(Focus, range(1, 13), KITS):
        session = build_session(catalog, focus, level_, equipment, bar)
        contacts = sum(
            item.level.sets * (item.level.reps or 0) * (2 if item.level.per_side else 1)
            for item in session.items
            if item.exercise.kind == "plyo"
        )
        assert contacts == 0 or 40 <= contacts <= 100, (focus, level_, equipment, contacts)

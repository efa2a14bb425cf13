"""Tests for the effective calendar: the weekly plan plus moves, skips, misses and pauses.

The example tests read as a coach's week with one runner; the hypothesis tests simulate
weeks of a runner's life (doing, skipping, moving, ignoring and pausing sessions, plus
some junk the store might hold) and check the product rules against a plain reference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach import calendar as calendar_mod
from bot.coach.calendar import (
    ALREADY_REOFFERED,
    DAY_LOGGED,
    DAY_TAKEN,
    DAY_VACATED,
    MOVE_HORIZON_DAYS,
    NOT_LATER,
    PAUSED,
    REOFFER_HORIZON_DAYS,
    SAME_FOCUS_TWICE,
    History,
    Move,
    Origin,
    Pause,
    Slot,
    is_missed,
    move_blockers,
    move_target,
    slot_on,
    slots_between,
)
from bot.coach.plan import (
    BACK_TO_BACK,
    EPOCH_MONDAY,
    LEGS_AFTER_LONG_RUN,
    LEGS_BEFORE_HARD_DAY,
    LEGS_BEFORE_LONG_RUN,
    LEGS_ON_LONG_RUN,
    LIGHT_ON_HARD_DAY,
    plan_for_date,
    plan_week,
    week_index_of,
)
from bot.coach.week import Focus, RunnerWeek, WeekPlan

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
LEGS, CORE, UPPER = Focus.LEGS, Focus.CORE, Focus.UPPER
PLANNED, MOVED, REOFFERED = Origin.PLANNED, Origin.MOVED, Origin.REOFFERED
DAY = timedelta(days=1)


def rw(
    run: Iterable[int] = (),
    long: int | None = None,
    hard: Iterable[int] = (),
    sessions: int = 2,
) -> RunnerWeek:
    return RunnerWeek(
        run_days=frozenset(run),
        long_run_day=long,
        hard_days=frozenset(hard),
        sessions_per_week=sessions,
    )


# An even week (parity picks the second focus of two-session weeks), Monday 13 Jan 2025.
WEEK1 = date(2025, 1, 13)
assert WEEK1.weekday() == MON and week_index_of(WEEK1) % 2 == 0


def on(weekday: int, week: int = 0) -> date:
    return WEEK1 + timedelta(days=7 * week + weekday)


# Issue 13's plan: two sessions are legs + legs and three legs + legs + upper wherever two
# legal legs days 48 h apart exist; only a week whose legal legs days touch keeps the
# legs + core/upper rotation (HARD_BACK_TO_BACK), so core stories use that week.
# Intermediate runner: five runs, Sunday long run, Tuesday intervals -> Tue legs, Fri legs.
FIVE_RUNS = rw({MON, TUE, THU, FRI, SUN}, SUN, {TUE})
# Club runner, three sessions: Tue/Thu workouts, Sunday long run -> Tue legs, Thu legs, Sat upper.
SIX_RUNS_3X = rw({TUE, WED, THU, FRI, SAT, SUN}, SUN, {TUE, THU}, sessions=3)
# Tuesday and Friday workouts, no long run -> Tue legs, Fri legs.
TUE_FRI_WORKOUTS = rw({TUE, THU, FRI, SAT}, None, {TUE, FRI})
# Tuesday and Saturday workouts, no long run -> Tue legs, Sat legs: Wednesday and Thursday
# both keep the legs rules, so a Tuesday session can move (and move again) within the week.
TUE_SAT_WORKOUTS = rw({TUE, THU, SAT}, None, {TUE, SAT})
# Back-to-back workouts Tue/Wed, Saturday long run -> Mon core, Wed legs (the only legal legs
# days, Wed and Thu, touch: one leg session and the core/upper rotation).
HARD_BACK_TO_BACK = rw({TUE, WED, THU, SAT, SUN}, SAT, {TUE, WED})


def test_story_weeks_are_what_the_stories_assume() -> None:
    assert plan_week(FIVE_RUNS).sessions == {TUE: LEGS, FRI: LEGS}
    assert plan_week(SIX_RUNS_3X).sessions == {TUE: LEGS, THU: LEGS, SAT: UPPER}
    assert plan_week(TUE_FRI_WORKOUTS).sessions == {TUE: LEGS, FRI: LEGS}
    assert plan_week(TUE_SAT_WORKOUTS).sessions == {TUE: LEGS, SAT: LEGS}
    assert plan_week(HARD_BACK_TO_BACK).sessions == {MON: CORE, WED: LEGS}


# --- Stories ------------------------------------------------------------------


@pytest.mark.parametrize(
    "week", [FIVE_RUNS, SIX_RUNS_3X, TUE_FRI_WORKOUTS, TUE_SAT_WORKOUTS, HARD_BACK_TO_BACK]
)
def test_when_all_goes_to_plan_the_calendar_is_the_plan(week: RunnerWeek) -> None:
    first, last = on(MON), on(SUN, week=3)
    days = [first + offset * DAY for offset in range((last - first).days + 1)]
    expected = [Slot(d, focus) for d in days if (focus := plan_for_date(week, d)) is not None]
    assert slots_between(week, first, last, History(), today=first) == expected
    all_done = History({slot.day: "done" for slot in expected}, since=first)
    for today in (first, on(THU, week=1), last, last + 30 * DAY):
        assert slots_between(week, first, last, all_done, today) == expected
        by_day = {slot.day: slot for slot in expected}
        assert [slot_on(week, d, all_done, today) for d in days] == [by_day.get(d) for d in days]


def test_skipped_tuesday_legs_move_to_wednesday() -> None:
    """Wednesday keeps every rule: Thursday is an easy run, the long run is days away, and
    Friday's legs come 48 h later."""
    tue, wed = on(TUE), on(WED)
    legs = slot_on(FIVE_RUNS, tue, History(), today=tue)
    assert legs == Slot(tue, LEGS)
    skipped = History(logged={tue: "skipped"}, since=on(MON))
    assert move_target(FIVE_RUNS, legs, skipped, today=tue) == wed

    moved = replace(skipped, moves=(Move(tue, wed, LEGS),))
    for today in (tue, wed):
        assert slot_on(FIVE_RUNS, tue, moved, today) is None
        assert slots_between(FIVE_RUNS, on(MON), on(SUN), moved, today) == [
            Slot(wed, LEGS, MOVED, from_day=tue),
            Slot(on(FRI), LEGS),
        ]
    # Done on Wednesday: a week on, nothing in that week counts as missed.
    done = replace(moved, logged={tue: "skipped", wed: "done", on(FRI): "done"})
    week = slots_between(FIVE_RUNS, on(MON), on(SUN), done, today=on(SUN, week=1))
    assert [(s.day, s.origin) for s in week] == [(wed, MOVED), (on(FRI), PLANNED)]
    assert not any(is_missed(s, done, on(SUN, week=1)) for s in week)


def test_skipped_thursday_legs_find_no_day_and_the_coach_can_say_why() -> None:
    """Three sessions around two workouts and a long run leave no room for legs."""
    thu = on(THU)
    legs = slot_on(SIX_RUNS_3X, thu, History(), today=thu)
    assert legs == Slot(thu, LEGS)
    skipped = History(logged={thu: "skipped"})
    assert move_target(SIX_RUNS_3X, legs, skipped, today=thu) is None
    why = {
        day.strftime("%a"): move_blockers(SIX_RUNS_3X, legs, day, skipped, today=thu)
        for day in (thu + offset * DAY for offset in range(1, 8))
    }
    assert why == {
        "Fri": [BACK_TO_BACK],  # Saturday's upper body
        "Sat": [DAY_TAKEN, LEGS_BEFORE_LONG_RUN],
        "Sun": [LEGS_ON_LONG_RUN, BACK_TO_BACK],
        "Mon": [LEGS_BEFORE_HARD_DAY, LEGS_AFTER_LONG_RUN, BACK_TO_BACK],  # Tuesday's legs
        "Tue": [DAY_TAKEN],  # next week's first legs: just do those
        "Wed": [LEGS_BEFORE_HARD_DAY, BACK_TO_BACK, SAME_FOCUS_TWICE],
        "Thu": [DAY_TAKEN, SAME_FOCUS_TWICE],
    }


def test_missed_tuesday_legs_are_reoffered_wednesday() -> None:
    """Wednesday keeps the legs rules (Thursday is an easy run) and sits between two free
    days; Friday's legs come 48 h later. (The plan puts no core in this week any more.)"""
    tue, wed = on(TUE), on(WED)
    assert slot_on(TUE_FRI_WORKOUTS, tue, History(), today=tue) == Slot(tue, LEGS)
    for today in (wed, on(THU), on(SUN), on(MON, week=5)):
        week = slots_between(TUE_FRI_WORKOUTS, on(MON), on(SUN), History(), today)
        if today <= on(FRI):
            assert week == [Slot(wed, LEGS, REOFFERED, from_day=tue), Slot(on(FRI), LEGS)]
        assert week[0] == Slot(wed, LEGS, REOFFERED, from_day=tue)  # stable as days pass
        assert slot_on(TUE_FRI_WORKOUTS, tue, History(), today) is None  # it left Tuesday


def test_missed_monday_core_finds_no_day_off_the_workouts() -> None:
    """No core on hard days: Monday's core, missed, can't go Tuesday or Wednesday
    (workouts, and Wednesday holds the legs) nor Thursday (next to the legs). Within three
    days there is no second chance, so it stays on Monday, missed (with five days it gets
    Friday: test_earlier_miss_wins_a_contested_day)."""
    core = Slot(on(MON), CORE)
    assert slot_on(HARD_BACK_TO_BACK, on(MON), History(), today=on(MON)) == core
    assert LIGHT_ON_HARD_DAY in move_blockers(
        HARD_BACK_TO_BACK, core, on(TUE), History(), today=on(MON)
    )
    legs_done = History({on(WED): "done"})
    for today in (on(TUE), on(FRI), on(SUN)):
        week = slots_between(HARD_BACK_TO_BACK, on(MON), on(SUN), legs_done, today)
        assert week == [core, Slot(on(WED), LEGS)]
        assert is_missed(core, legs_done, today)


def test_reoffered_session_missed_again_is_dropped() -> None:
    """Wednesday's second chance is missed too: it stays there, missed, no third chance."""
    wed = on(WED)
    reoffered = Slot(wed, LEGS, REOFFERED, from_day=on(TUE))
    for today in (on(THU), on(SUN), on(SUN, week=2)):
        week = slots_between(TUE_FRI_WORKOUTS, on(MON), on(SUN), History({on(FRI): "done"}), today)
        assert week == [reoffered, Slot(on(FRI), LEGS)]
        assert is_missed(reoffered, History(), today)
    assert move_target(TUE_FRI_WORKOUTS, reoffered, History(), today=on(THU)) is None
    assert ALREADY_REOFFERED in move_blockers(
        TUE_FRI_WORKOUTS, reoffered, on(THU), History(), today=on(THU)
    )
    # Skipping the second chance drops it the same way.
    skipped = History({wed: "skipped"})
    assert slot_on(TUE_FRI_WORKOUTS, wed, skipped, today=on(SUN)) == reoffered
    assert slot_on(TUE_FRI_WORKOUTS, on(THU), skipped, today=on(SUN)) is None


@pytest.mark.parametrize("status", ["skipped", "done"])
def test_logged_session_is_no_miss_and_not_reoffered(status: str) -> None:
    tue = on(TUE)
    history = History({tue: status})
    week = slots_between(TUE_FRI_WORKOUTS, on(MON), on(SUN), history, today=on(THU))
    assert week == [Slot(tue, LEGS), Slot(on(FRI), LEGS)]
    assert not is_missed(week[0], history, on(THU))
    assert not is_missed(week[1], history, on(THU))  # not yet
    assert is_missed(week[1], history, on(SAT))


def test_pause_across_a_planned_day_makes_no_miss() -> None:
    paused = History(pauses=(Pause(on(SUN, week=-1), until=on(TUE)),))
    week = slots_between(TUE_FRI_WORKOUTS, on(MON), on(SUN), paused, today=on(SUN))
    # Monday is gone without a trace; Friday's legs, missed, get Saturday instead.
    assert week == [Slot(on(SAT), LEGS, REOFFERED, from_day=on(FRI))]
    # Open-ended: nothing at all until the runner resumes.
    open_ended = History(pauses=(Pause(on(THU)),))
    assert slots_between(TUE_FRI_WORKOUTS, on(THU), on(SUN, week=8), open_ended, on(MON)) == []


def test_pause_blocks_reoffers_and_moves() -> None:
    """Missed Tuesday; the runner pauses Wednesday only: no day left within three days
    (Thursday is the eve of Friday's workout and next to Friday's legs)."""
    paused = History(pauses=(Pause(on(WED), until=on(WED)),))
    assert slot_on(TUE_FRI_WORKOUTS, on(WED), paused, today=on(SUN)) is None
    assert slot_on(TUE_FRI_WORKOUTS, on(TUE), paused, today=on(SUN)) == Slot(on(TUE), LEGS)
    legs = Slot(on(TUE), LEGS)
    assert PAUSED in move_blockers(TUE_SAT_WORKOUTS, legs, on(WED), paused, today=on(TUE))
    assert move_target(TUE_SAT_WORKOUTS, legs, paused, today=on(TUE)) == on(THU)


def test_session_moved_in_advance_is_no_miss_but_missing_it_later_is() -> None:
    """Moved on Monday (no log on Tuesday at all): Tuesday isn't missed; Wednesday can be."""
    history = History(moves=(Move(on(TUE), on(WED), LEGS),), since=on(MON))
    moved = Slot(on(WED), LEGS, MOVED, from_day=on(TUE))
    week = slots_between(TUE_SAT_WORKOUTS, on(MON), on(SUN), history, today=on(WED))
    assert week == [moved, Slot(on(SAT), LEGS)]
    # Wednesday passes without a log: the moved session gets its one second chance.
    week = slots_between(TUE_SAT_WORKOUTS, on(MON), on(SUN), history, today=on(FRI))
    assert week == [Slot(on(THU), LEGS, REOFFERED, from_day=on(WED)), Slot(on(SAT), LEGS)]


def test_a_moved_session_can_move_again() -> None:
    tue, wed, thu = on(TUE), on(WED), on(THU)
    history = History({tue: "skipped"}, moves=(Move(tue, wed, LEGS),))
    moved = slot_on(TUE_SAT_WORKOUTS, wed, history, today=wed)
    assert moved == Slot(wed, LEGS, MOVED, from_day=tue)
    history = History({tue: "skipped", wed: "skipped"}, moves=(*history.moves,))
    assert move_target(TUE_SAT_WORKOUTS, moved, history, today=wed) == thu
    history = replace(history, moves=(*history.moves, Move(wed, thu, LEGS)))
    assert slots_between(TUE_SAT_WORKOUTS, tue, on(SUN), history, today=on(SAT)) == [
        Slot(thu, LEGS, MOVED, from_day=wed),
        Slot(on(SAT), LEGS),
    ]


def test_move_that_no_longer_fits_is_ignored() -> None:
    """The store can hold moves the coach never offered (or the week changed since)."""
    tue, sat = on(TUE), on(SAT)
    junk = History(
        moves=(
            Move(tue, sat, LEGS),  # Saturday is the day before the long run, next to Friday's
            Move(tue, on(FRI), LEGS),  # Friday is taken
            Move(tue, on(WED), CORE),  # there is no core on Tuesday
            Move(on(WED), on(THU), LEGS),  # nor any session on Wednesday
        )
    )
    assert slots_between(FIVE_RUNS, on(MON), on(SUN), junk, today=on(MON)) == [
        Slot(tue, LEGS),
        Slot(on(FRI), LEGS),
    ]


def test_move_into_a_pause_drops_the_session() -> None:
    history = History(
        {on(TUE): "skipped"},
        moves=(Move(on(TUE), on(WED), LEGS),),
        pauses=(Pause(on(WED), until=on(WED)),),
        since=on(MON),
    )
    assert slots_between(FIVE_RUNS, on(MON), on(SUN), history, today=on(SUN)) == [
        Slot(on(FRI), LEGS)
    ]


def test_day_a_session_left_stays_empty() -> None:
    """Tuesday's "skipped" belongs to the legs that went to Wednesday: nothing else goes there."""
    history = History({on(TUE): "skipped"}, moves=(Move(on(TUE), on(WED), LEGS),))
    legs = Slot(on(FRI, week=-1), LEGS)  # last week's Friday legs, skipped too
    assert move_blockers(FIVE_RUNS, legs, on(TUE), history, today=on(MON)) == [
        DAY_VACATED,
        BACK_TO_BACK,
        DAY_LOGGED,
    ]


def test_move_target_offers_today_for_a_past_session() -> None:
    """Yesterday's legs, skipped: today is fine if it keeps the rules."""
    legs = Slot(on(TUE), LEGS)
    history = History({on(TUE): "skipped"})
    assert move_target(TUE_SAT_WORKOUTS, legs, history, today=on(WED)) == on(WED)
    assert move_target(TUE_SAT_WORKOUTS, legs, history, today=on(THU)) == on(THU)
    assert NOT_LATER in move_blockers(TUE_SAT_WORKOUTS, legs, on(WED), history, today=on(THU))
    # A day with a log already belongs to something else.
    logged = History({on(TUE): "skipped", on(WED): "done"})
    assert DAY_LOGGED in move_blockers(TUE_SAT_WORKOUTS, legs, on(WED), logged, today=on(WED))
    assert move_target(TUE_SAT_WORKOUTS, legs, logged, today=on(WED)) == on(THU)


def test_move_target_respects_horizon_and_next_same_focus() -> None:
    # A week with core (the legs days Wed and Thu touch): Mon core, Wed legs.
    core = Slot(on(MON), CORE)
    history = History({on(MON): "skipped"})
    # Tuesday and Wednesday are workouts, Thursday is next to Wednesday's legs: Friday.
    assert move_target(HARD_BACK_TO_BACK, core, history, today=on(MON)) == on(FRI)
    assert move_target(HARD_BACK_TO_BACK, core, history, on(MON), horizon_days=3) is None
    assert move_target(HARD_BACK_TO_BACK, core, history, on(MON), horizon_days=4) == on(FRI)
    # Legs can't jump over the week's other legs, nor next week's.
    assert SAME_FOCUS_TWICE in move_blockers(
        FIVE_RUNS, Slot(on(TUE), LEGS), on(SAT), History(), on(TUE)
    )
    three = replace(FIVE_RUNS, sessions_per_week=3)  # Tue legs, Thu legs, Sat upper
    legs = Slot(on(TUE), LEGS)
    assert move_blockers(three, legs, on(TUE, week=1) + DAY, History(), on(TUE)) == [
        BACK_TO_BACK,
        SAME_FOCUS_TWICE,
    ]


def test_since_ignores_days_before_coaching_started() -> None:
    """Signed up on Wednesday: Tuesday's legs were never the runner's to miss."""
    history = History(since=on(WED))
    assert slots_between(TUE_FRI_WORKOUTS, on(MON), on(THU), history, today=on(THU)) == [
        Slot(on(TUE), LEGS)
    ]


def test_earlier_miss_wins_a_contested_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two misses can only compete with a longer horizon: with three days, a miss's
    candidates all sit next to the following session. Five days shows the rule.

    Monday core may skip to Friday (Tue/Wed are workouts and Thursday is next to
    Wednesday's legs); Wednesday legs would have had Thursday, which is now next to it.
    """
    monkeypatch.setattr(calendar_mod, "REOFFER_HORIZON_DAYS", 5)
    both = slots_between(HARD_BACK_TO_BACK, on(MON), on(SUN), History(), today=on(SUN))
    assert both == [Slot(on(WED), LEGS), Slot(on(FRI), CORE, REOFFERED, from_day=on(MON))]
    only_legs = slots_between(
        HARD_BACK_TO_BACK, on(MON), on(SUN), History({on(MON): "done"}), today=on(SUN)
    )
    assert only_legs == [Slot(on(MON), CORE), Slot(on(THU), LEGS, REOFFERED, from_day=on(WED))]


def test_slot_on_looks_at_a_bounded_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """A year of unlogged sessions (every one a miss) still costs a few days around the date."""
    asked: list[date] = []
    real_plan_week = calendar_mod.plan_week

    def recording(week: RunnerWeek, week_index: int = 0) -> WeekPlan:
        asked.append(EPOCH_MONDAY + timedelta(weeks=week_index))
        return real_plan_week(week, week_index)

    monkeypatch.setattr(calendar_mod, "plan_week", recording)
    today = on(MON, week=52)
    for week in (SIX_RUNS_3X, TUE_FRI_WORKOUTS, FIVE_RUNS, rw(sessions=3)):
        for day in (today - 40 * DAY, today - DAY, today, today + 3 * DAY):
            asked.clear()
            slot_on(week, day, History(), today)
            # Mondays of the weeks whose plan was read: this one and the one before.
            assert day - 14 * DAY < min(asked) and max(asked) <= day + DAY
            assert len(asked) == len(set(asked)) <= 3


# --- Property-based -----------------------------------------------------------

SIM_DAYS = 14
PROPS = settings(max_examples=200, deadline=None)


# Strategies are built once: building them inside the draws costs more than the calendar.
week_masks = st.integers(0, 127)
long_run_picks = st.integers(-1, 6)  # -1: no long run
session_counts = st.integers(1, 3)


@st.composite
def runner_weeks(draw: st.DrawFn) -> RunnerWeek:
    """Any running week, as in test_plan (drawn as bit masks, which is cheaper): the long
    run is one of the run days or none. Reminder time and kit don't matter here."""
    run_mask = draw(week_masks)
    run_days = [d for d in range(7) if run_mask >> d & 1]
    pick = draw(long_run_picks)
    long_run = run_days[pick % len(run_days)] if run_days and pick >= 0 else None
    hard_mask = draw(week_masks)
    hard = [d for d in run_days if hard_mask >> d & 1 and d != long_run]
    return rw(run_days, long_run, hard, draw(session_counts))


class Life:
    """A simulated stretch of one runner's calendar."""

    def __init__(self, week: RunnerWeek, start: date, history: History, junk: bool) -> None:
        self.week = week
        self.start = start
        self.history = history
        self.junk = junk  # holds moves and logs the bot itself would never write
        self.first = start - 7 * DAY
        self.last = start + (SIM_DAYS + 7) * DAY

    def __repr__(self) -> str:
        return f"Life({self.week!r}, {self.start!r}, {self.history!r}, junk={self.junk})"

    def slots(self, today: date) -> dict[date, Slot]:
        found = slots_between(self.week, self.first, self.last, self.history, today)
        return {slot.day: slot for slot in found}

    def paused(self, day: date) -> bool:
        return any(p.covers(day) for p in self.history.pauses)


starts = st.dates(date(2020, 1, 1), date(2030, 12, 31))
sinces = st.booleans()
# Pauses the runner will start (``/pause``), and after how many days they ``/resume``.
pause_plans = st.lists(
    st.tuples(st.integers(0, SIM_DAYS - 1), st.none() | st.integers(0, 5)), max_size=2
)
now_and_then = st.integers(0, 3).map(lambda n: n == 0)
actions = st.sampled_from(["done", "skip", "skip-and-move", "ignore"])
junk_offsets = st.integers(-7, SIM_DAYS + 7)
junk_logs = st.lists(st.tuples(junk_offsets, st.sampled_from(["done", "skipped"])), max_size=3)
junk_moves = st.lists(
    st.tuples(junk_offsets, junk_offsets, st.sampled_from(list(Focus)), st.integers(0, 9)),
    max_size=3,
)
junk_pauses = st.lists(st.tuples(junk_offsets, st.integers(0, 3)), max_size=1)


@st.composite
def lives(draw: st.DrawFn) -> Life:
    """Day by day, as the bot sees it: the runner does, skips (and maybe moves), ignores
    or pauses each session; moves come from ``move_target`` like the Move button's."""
    week = draw(runner_weeks())
    start = draw(starts)
    since = start if draw(sinces) else None
    logged: dict[date, str] = {}
    moves: list[Move] = []
    pauses: list[Pause] = []

    def history() -> History:
        return History(dict(logged), tuple(moves), tuple(pauses), since)

    planned_pauses = dict(draw(pause_plans))
    for offset in range(SIM_DAYS):
        today = start + offset * DAY
        if offset in planned_pauses and not any(p.covers(today) for p in pauses):
            length = planned_pauses[offset]
            pauses.append(Pause(today, None if length is None else today + length * DAY))
        recent = slots_between(week, today - DAY, today, history(), today)
        yesterday = next((s for s in recent if s.day < today), None)
        slot = next((s for s in recent if s.day == today), None)
        # Now and then the runner moves a session they missed yesterday.
        if yesterday is not None and is_missed(yesterday, history(), today):
            if draw(now_and_then):
                target = move_target(week, yesterday, history(), today)
                if target is not None:
                    moves.append(Move(yesterday.day, target, yesterday.focus))
                    slot = slot_on(week, today, history(), today)
        if slot is None:
            continue
        action = draw(actions)
        if action == "done":
            logged[today] = "done"
        elif action.startswith("skip"):
            logged[today] = "skipped"
            if action == "skip-and-move":
                target = move_target(week, slot, history(), today)
                if target is not None:
                    moves.append(Move(today, target, slot.focus))
    junk = draw(st.booleans())
    if junk:
        for offset, status in draw(junk_logs):
            logged[start + offset * DAY] = status
        for offset, to_offset, focus, at in draw(junk_moves):
            day = start + offset * DAY
            move = Move(day, start + to_offset * DAY, plan_for_date(week, day) or focus)
            moves.insert(at % (len(moves) + 1), move)
        for offset, length in draw(junk_pauses):
            pauses.append(Pause(start + offset * DAY, start + (offset + length) * DAY))
    return Life(week, start, history(), junk)


# "Today", as days after the simulated stretch began (a few past its end, too).
todays = st.integers(0, SIM_DAYS + 4)


def ref_week_ok(week: RunnerWeek, day: date, focus: Focus) -> bool:
    """Straight from the rules: legs clear of the long run and the eve of hard days;
    core and upper off the long-run day and hard days."""
    wd = day.weekday()
    if focus is LEGS:
        before, after = (wd - 1) % 7, (wd + 1) % 7
        return week.long_run_day not in (wd, before, after) and after not in week.hard_days
    return wd != week.long_run_day and wd not in week.hard_days


def ref_day_ok(life: Life, slots: dict[date, Slot], day: date, focus: Focus, source: date) -> bool:
    """Could a session of ``focus`` leaving ``source`` go on ``day``, given ``slots``?"""
    if life.paused(day) or day in slots or not ref_week_ok(life.week, day, focus):
        return False
    if any(n in slots and n != source for n in (day - DAY, day + DAY)):
        return False
    between = (source + n * DAY for n in range(1, (day - source).days))
    return not any(d in slots and slots[d].focus == focus for d in between)


@PROPS
@given(lives(), todays)
def test_property_calendar_keeps_the_rules(life: Life, today_offset: int) -> None:
    today = life.start + today_offset * DAY
    listed = slots_between(life.week, life.first, life.last, life.history, today)
    slots = {slot.day: slot for slot in listed}
    assert len(slots) == len(listed)  # (b) one session a day at most
    assert [s.day for s in listed] == sorted(slots)
    sources = [s.from_day for s in listed if s.from_day is not None]
    assert len(sources) == len(set(sources))  # (g) nothing is in two places at once
    for day, slot in slots.items():
        assert not life.paused(day)  # (d)
        if slot.origin is PLANNED:
            assert slot.from_day is None and plan_for_date(life.week, day) is slot.focus
            continue
        assert slot.from_day is not None and slot.from_day not in slots  # (g) it left
        assert ref_week_ok(life.week, day, slot.focus)  # (a) hard legs rules, light days
        assert day - DAY not in slots and day + DAY not in slots  # (c) never back to back
        if slot.origin is REOFFERED:
            assert slot.from_day < day <= slot.from_day + REOFFER_HORIZON_DAYS * DAY
            assert slot.from_day < today and slot.from_day not in life.history.logged
            assert life.history.since is None or slot.from_day >= life.history.since
    if not life.junk:  # every move the coach offered took its session away
        assert not any(move.from_day in slots for move in life.history.moves)


@PROPS
@given(lives(), todays)
def test_property_slot_on_agrees_with_slots_between(life: Life, today_offset: int) -> None:
    """(e) the windowed computation gives the same answer however little it looks at."""
    today = life.start + today_offset * DAY
    slots = life.slots(today)
    for offset in range((life.last - life.first).days + 1):
        day = life.first + offset * DAY
        assert slot_on(life.week, day, life.history, today) == slots.get(day)
    middle = [s for d, s in slots.items() if life.start <= d <= life.start + 6 * DAY]
    assert middle == slots_between(life.week, life.start, life.start + 6 * DAY, life.history, today)


@PROPS
@given(lives(), todays, st.integers(1, 30))
def test_property_past_days_are_final(life: Life, today_offset: int, later: int) -> None:
    """(f) with the same history, days before today never change as today advances."""
    today = life.start + today_offset * DAY
    before = slots_between(life.week, life.first, today - DAY, life.history, today)
    after = slots_between(life.week, life.first, today - DAY, life.history, today + later * DAY)
    assert before == after


@PROPS
@given(lives(), todays)
def test_property_reoffers_take_the_first_day_that_keeps_the_rules(
    life: Life, today_offset: int
) -> None:
    """Every day a miss passed over breaks a rule; the day it got keeps them all.

    Judged on the final calendar with re-offered sessions also back on their missed
    days: that holds every session there was when each re-offer was placed (and more),
    so days passed over stay blocked.
    """
    today = life.start + today_offset * DAY
    final = life.slots(today)
    # Put every re-offered session back on its missed day too: when a re-offer was placed,
    # later misses were still sitting there.
    slots = final | {
        s.from_day: Slot(s.from_day, s.focus)
        for s in final.values()
        if s.origin is REOFFERED and s.from_day is not None
    }
    vacated = {move.from_day for move in life.history.moves}  # a superset: some are ignored
    horizon = REOFFER_HORIZON_DAYS
    for day, slot in final.items():
        if slot.origin is REOFFERED:
            assert slot.from_day is not None
            missed, passed_over = slot.from_day, (day - slot.from_day).days - 1
            rest = {d: s for d, s in slots.items() if d != day}
            assert ref_day_ok(life, rest, day, slot.focus, missed)
        elif is_missed(slot, life.history, today) and day + (horizon + 1) * DAY <= life.last:
            missed, passed_over = day, horizon  # missed, never re-offered
        else:
            continue
        for n in range(1, passed_over + 1):
            other = missed + n * DAY
            assert other in vacated or not ref_day_ok(life, slots, other, slot.focus, missed)


@PROPS
@given(lives(), todays, st.integers(-2, 3))
def test_property_move_target_keeps_the_rules(life: Life, today_offset: int, pick: int) -> None:
    """The offered day is the first that keeps every rule, and the move lands there."""
    today = life.start + today_offset * DAY
    slot = slot_on(life.week, today + pick * DAY, life.history, today)
    if slot is None:
        return
    target = move_target(life.week, slot, life.history, today)
    after = max(slot.day, today - DAY)
    last = target or after + MOVE_HORIZON_DAYS * DAY
    for offset in range(1, (last - after).days):
        assert move_blockers(life.week, slot, after + offset * DAY, life.history, today)
    if target is None:
        return
    assert slot.origin is not REOFFERED
    assert move_blockers(life.week, slot, target, life.history, today) == []
    before = life.slots(today)
    assert ref_day_ok(life, before, target, slot.focus, slot.day)
    moved = replace(life.history, moves=(*life.history.moves, Move(slot.day, target, slot.focus)))
    assert slot_on(life.week, target, moved, today) == Slot(
        target, slot.focus, MOVED, from_day=slot.day
    )
    assert slot_on(life.week, slot.day, moved, today) is None
    # From today on, everything else stays put but re-offers (a past miss can now find
    # a day: the moved session left its day free).
    after_move = slots_between(life.week, today, life.last, moved, today)
    fixed_before = {
        s
        for s in before.values()
        if s.origin is not REOFFERED and s.day >= today and s.day != slot.day
    }
    fixed_after = {s for s in after_move if s.origin is not REOFFERED and s.day != target}
    assert fixed_before == fixed_after

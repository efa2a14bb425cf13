"""Issue 13, progression: levels 1..12 in small earned steps, safe first exposures (a new
exercise starts at rung 1), no feedback and reduced sessions hold, breaks in proportion,
and the next session asks once about an unrated one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.coach.day import session_on
from bot.coach.pause import Reason, step_back_levels
from bot.coach.progression import (
    BREAK_DAYS,
    MAX_LEVEL,
    MIN_LEVEL,
    STEP_UP_AFTER,
    Entry,
    Feedback,
    break_step_back,
    levels_on,
    unrated_before,
)
from bot.coach.rungs import EASY_STEP, picked, rungs_on
from bot.coach.week import STARTING_LEVEL, Equipment, Experience, Focus, RunnerWeek
from bot.content import kit_for, load_content
from bot.messages.callbacks import FeedbackAnswer, FeedbackButton
from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, onboard

CONTENT = load_content()
CATALOG = CONTENT.catalog
T = CONTENT.texts
MONDAY = date(2026, 11, 2)
GYM = RunnerWeek(
    run_days=frozenset({1, 3, 6}),
    long_run_day=6,
    hard_days=frozenset({1}),
    experience=Experience.EXPERIENCED,
    equipment=Equipment.GYM,
    sessions_per_week=3,
)


def done(day: date, focus: Focus, feedback: Feedback | None = None) -> Entry:
    return Entry(day=day, focus=focus, status="done", feedback=feedback)


def every_third_day(n: int, focus: Focus, feedback: Feedback | None) -> list[Entry]:
    return [done(MONDAY + timedelta(days=3 * i), focus, feedback) for i in range(n)]


# ---- 1. levels 1..12, starting levels, step up after two counted sessions ----------------


def test_levels_run_from_1_to_12_and_experience_starts_at_1_4_7() -> None:
    assert (MIN_LEVEL, MAX_LEVEL, STEP_UP_AFTER) == (1, 12, 2)
    assert [STARTING_LEVEL[e] for e in Experience] == [1, 4, 7]
    history = every_third_day(40, Focus.LEGS, Feedback.RIGHT)
    after = MONDAY + timedelta(days=3 * 40)
    assert levels_on(1, history, after)[Focus.LEGS].level == 12  # 22 sessions reach the top
    sixth = MONDAY + timedelta(days=18)
    assert levels_on(1, history, sixth)[Focus.LEGS].level == 4  # one level per 2 sessions


# ---- 3. no feedback is not "easy"; reduced sessions never count --------------------------


def test_sessions_without_feedback_hold_the_level() -> None:
    history = every_third_day(30, Focus.LEGS, None)
    state = levels_on(1, history, MONDAY + timedelta(days=90))[Focus.LEGS]
    assert (state.level, state.last_change) == (1, None)


def test_reduced_sessions_never_count_toward_the_next_level() -> None:
    history = every_third_day(10, Focus.CORE, Feedback.EASY)
    day = MONDAY + timedelta(days=30)
    assert levels_on(4, history, day, reduced=lambda d: True)[Focus.CORE].level == 4
    # only the full sessions count: every other one reduced, so half the steps
    halves = levels_on(4, history, day, reduced=lambda d: (d - MONDAY).days % 6 == 0)
    assert halves[Focus.CORE].level == 4 + 5 // STEP_UP_AFTER


# ---- 5. breaks in proportion -------------------------------------------------------------


def test_a_break_gives_back_one_level_per_two_weeks_away_beyond_the_first_two() -> None:
    assert [break_step_back(d) for d in (14, 15, 28, 29, 42, 43, 70)] == [0, 1, 1, 2, 2, 3, 4]
    history = every_third_day(30, Focus.UPPER, Feedback.RIGHT)  # level 12 by day 87
    last = history[-1].day
    assert levels_on(1, history, last + timedelta(days=1))[Focus.UPPER].level == 12
    assert levels_on(1, history, last + timedelta(days=60))[Focus.UPPER].level == 8
    assert levels_on(1, history, last + timedelta(days=365))[Focus.UPPER].level == 1


def test_pauses_step_back_in_proportion_and_illness_sooner_than_a_holiday() -> None:
    assert step_back_levels(Reason.ILLNESS, 6) == 0
    assert step_back_levels(Reason.ILLNESS, 7) == 1
    assert step_back_levels(Reason.HOLIDAY, 7) == 0
    assert step_back_levels(Reason.HOLIDAY, 14) == 1
    assert step_back_levels(Reason.INJURY, 90) == 6
    assert step_back_levels(Reason.HOLIDAY, 90) == 6
    assert step_back_levels(Reason.OTHER, 365) == MAX_LEVEL - MIN_LEVEL
    for days in range(0, 400):
        body = step_back_levels(Reason.ILLNESS, days)
        rest = step_back_levels(Reason.HOLIDAY, days)
        assert body >= rest
        assert body <= step_back_levels(Reason.INJURY, days + 1)
        assert rest <= step_back_levels(Reason.OTHER, days + 1)


# ---- 2. per-exercise rungs ---------------------------------------------------------------


def test_an_experienced_runner_s_first_session_does_every_move_at_its_first_rung() -> None:
    for focus in Focus:
        rungs = rungs_on(CATALOG, GYM, [], MONDAY, focus, 7)
        kit = kit_for(GYM.equipment, GYM.pull_up_bar)
        assert set(rungs) == {e.id for e in picked(CATALOG, focus, 7, kit, None)}
        assert set(rungs.values()) == {1}
    day = MONDAY + timedelta(days=1)  # Tuesday
    plan = session_on(CATALOG, GYM, [], day, focus=Focus.LEGS)
    assert plan is not None and plan.state.level == 7
    for item in plan.session.items:
        first = item.exercise.levels[0]
        assert (item.level.variant, item.level.reps, item.level.seconds) == (
            first.variant,
            first.reps,
            first.seconds,
        ), item.exercise.id


def test_a_new_move_climbs_one_rung_when_right_two_when_easy_up_to_the_level() -> None:
    kit = kit_for(GYM.equipment, GYM.pull_up_bar)
    # plyometrics wait for a few base weeks (bot.coach.plyo): not done, so still rung 1
    moves = [e for e in picked(CATALOG, Focus.LEGS, 7, kit, None) if e.kind != "plyo"]
    # "right" every time: the level climbs too (7 -> 8 after two), the rung +1 per session
    right: list[Entry] = []
    for n in range(1, 4):
        right.append(done(MONDAY + timedelta(days=3 * (n - 1)), Focus.LEGS, Feedback.RIGHT))
        day = MONDAY + timedelta(days=3 * n)
        level = levels_on(7, right, day)[Focus.LEGS].level
        rungs = rungs_on(CATALOG, GYM, right, day, Focus.LEGS, level)
        for move in moves:
            if move.id in rungs:
                assert rungs[move.id] == min(1 + n, level, len(move.levels)), (move.id, n)
    easy = [done(MONDAY, Focus.LEGS, Feedback.EASY)]
    rungs = rungs_on(CATALOG, GYM, easy, MONDAY + timedelta(days=3), Focus.LEGS, 7)
    for move in moves:
        assert rungs[move.id] == min(1 + EASY_STEP, len(move.levels)), move.id
    for held in (Feedback.HARD, None):
        once = [done(MONDAY, Focus.LEGS, held)]
        rungs = rungs_on(CATALOG, GYM, once, MONDAY + timedelta(days=3), Focus.LEGS, 7)
        assert set(rungs.values()) == {1}
        reduced = [done(MONDAY, Focus.LEGS, Feedback.EASY)]
        rungs = rungs_on(
            CATALOG, GYM, reduced, MONDAY + timedelta(days=3), Focus.LEGS, 7, reduced=lambda d: True
        )
        assert set(rungs.values()) == {1}


def test_a_caught_up_move_follows_the_level_and_two_too_hard_give_a_rung_back() -> None:
    kit = kit_for(GYM.equipment, GYM.pull_up_bar)
    history = every_third_day(8, Focus.LEGS, Feedback.EASY)  # 1 -> 3 -> 5 -> 7 = level 7
    day = MONDAY + timedelta(days=24)
    level = levels_on(7, history, day)[Focus.LEGS].level
    assert level == 11
    rungs = rungs_on(CATALOG, GYM, history, day, Focus.LEGS, level)
    done_before = {e.id for e in picked(CATALOG, Focus.LEGS, 7, kit, None) if e.kind != "plyo"}
    for move in picked(CATALOG, Focus.LEGS, level, kit, None):
        if move.id in done_before:
            assert rungs[move.id] == min(level, len(move.levels)), move.id
    # a new move at level 7, found too hard twice, goes back to rung 1 (never below)
    too_hard = [done(MONDAY, Focus.LEGS, Feedback.RIGHT)] + [
        done(MONDAY + timedelta(days=3 * n), Focus.LEGS, Feedback.TOO_HARD) for n in (1, 2)
    ]
    rungs = rungs_on(CATALOG, GYM, too_hard, MONDAY + timedelta(days=9), Focus.LEGS, 6)
    assert set(rungs.values()) == {1}


# ---- 4. ask once -------------------------------------------------------------------------


def test_the_next_session_asks_once_about_an_unrated_one() -> None:
    thursday, saturday = MONDAY + timedelta(days=3), MONDAY + timedelta(days=5)
    sessions = {MONDAY, thursday, saturday, saturday + timedelta(days=2)}

    def between(first: date, last: date) -> list[date]:
        return sorted(day for day in sessions if first <= day <= last)

    history = [done(MONDAY, Focus.LEGS, Feedback.RIGHT), done(thursday, Focus.CORE)]
    assert unrated_before(history, thursday, between) is None  # Monday's was rated
    assert unrated_before(history, saturday, between) == thursday
    history.append(done(saturday, Focus.UPPER, Feedback.EASY))
    assert unrated_before(history, saturday + timedelta(days=2), between) is None
    far = thursday + timedelta(days=BREAK_DAYS + 1)
    assert unrated_before(history[:2], far, lambda first, last: []) is None
    # Saturday skipped: its message asked already, so Monday's does not ask again.
    skipped = [*history[:2], Entry(day=saturday, focus=Focus.UPPER, status="skipped")]
    assert unrated_before(skipped, saturday + timedelta(days=2), between) is None


def test_the_ask_line_names_the_day_and_the_buttons_are_that_day_s_feedback() -> None:
    from bot.messages.ask_feedback import line, rows

    tuesday = date(2026, 11, 24)
    text = line(T, tuesday, date(2026, 11, 26))
    assert "Tuesday's" in text and "hold your level" in text
    assert "yesterday's" in line(T, tuesday, tuesday + timedelta(days=1))
    data = [button.callback_data for row in rows(T, tuesday) for button in row]
    assert data == [FeedbackButton(tuesday, answer).pack() for answer in FeedbackAnswer]
    from bot.messages.views import feedback_keyboard

    under_done = feedback_keyboard(T, tuesday).inline_keyboard
    assert [list(row) for row in under_done] == rows(T, tuesday)


async def test_tapping_the_asked_feedback_records_it_on_the_earlier_day(
    bot: BotHarness, clock
) -> None:
    from bot.messages.ask_feedback import rows

    await onboard(bot)  # a session on Thursday 26 Nov
    thursday = date(2026, 11, 26)
    await bot.say("done")  # no feedback tapped
    clock.set(datetime(2026, 11, 28, 8, 0, tzinfo=UTC))  # Saturday: the next session
    [today] = await bot.say("/today")
    easy = next(
        b.callback_data
        for row in rows(T, thursday)
        for b in row
        if b.callback_data == FeedbackButton(thursday, FeedbackAnswer.EASY).pack()
    )
    assert isinstance(easy, str)
    [thanks] = await bot.press(today["message_id"], easy)
    assert thanks["text"] == T("feedback.thanks_easy")
    async with transaction(bot.sessions) as session:
        [log] = (await session.exec(select(SessionLog))).all()
    assert (log.local_date, log.feedback) == (thursday, "easy")


# ---- 6. properties over random runners and feedback histories ----------------------------

FEEDBACK = st.sampled_from([None, *Feedback])


@st.composite
def histories(draw: st.DrawFn, max_gap: int = BREAK_DAYS) -> tuple[list[Entry], set[date]]:
    """Done sessions on random foci, gaps and answers (None included), some reduced."""
    entries: list[Entry] = []
    reduced: set[date] = set()
    day = MONDAY
    for _ in range(draw(st.integers(0, 30))):
        day += timedelta(days=draw(st.integers(1, max_gap)))
        entries.append(done(day, draw(st.sampled_from(list(Focus))), draw(FEEDBACK)))
        if draw(st.booleans()) and draw(st.booleans()):
            reduced.add(day)
    return entries, reduced


@settings(max_examples=60, deadline=None)
@given(histories(), st.integers(1, 12))
def test_a_level_moves_at_most_one_per_session_and_never_up_without_a_counted_answer(
    drawn: tuple[list[Entry], set[date]], start: int
) -> None:
    history, reduced = drawn
    for entry in history:
        before = levels_on(start, history, entry.day, reduced=reduced.__contains__)
        after = levels_on(
            start, history, entry.day + timedelta(days=1), reduced=reduced.__contains__
        )
        change = after[entry.focus].level - before[entry.focus].level
        assert abs(change) <= 1
        if entry.feedback is None or entry.day in reduced:
            assert change <= 0
        if entry.feedback in (Feedback.HARD, None):
            assert change == 0
        for focus in Focus:
            if focus is not entry.focus:
                assert after[focus] == before[focus]


@settings(max_examples=40, deadline=None)
@given(
    histories(),
    st.integers(1, 12),
    st.sampled_from(list(Experience)),
    st.sampled_from(list(Equipment)),
    st.booleans(),
    st.sampled_from(list(Focus)),
)
def test_a_rung_starts_at_1_and_never_passes_the_level_or_the_ladder(
    drawn: tuple[list[Entry], set[date]],
    level: int,
    experience: Experience,
    equipment: Equipment,
    bar: bool,
    focus: Focus,
) -> None:
    history, reduced = drawn
    week = RunnerWeek(experience=experience, equipment=equipment, pull_up_bar=bar)
    day = (history[-1].day if history else MONDAY) + timedelta(days=2)
    fresh = rungs_on(CATALOG, week, [], day, focus, level)
    assert fresh and set(fresh.values()) == {1}
    rungs = rungs_on(CATALOG, week, history, day, focus, level, reduced=reduced.__contains__)
    for exercise_id, rung in rungs.items():
        ladder = len(CATALOG.exercises[exercise_id].levels)
        assert 1 <= rung <= min(level, ladder)
        # A move caught up with its level follows the level (which the test draws freely),
        # so the climb bound holds for moves still below it: +2 at most per session.
        if rung < min(level, ladder):
            assert rung <= 1 + EASY_STEP * len(history)  # climbs only with sessions done


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 800), st.integers(0, 800))
def test_the_break_step_back_grows_with_the_gap(a: int, b: int) -> None:
    short, long = sorted((a, b))
    assert break_step_back(short) <= break_step_back(long)
    for reason in Reason:
        assert step_back_levels(reason, short) <= step_back_levels(reason, long)


@settings(max_examples=40, deadline=None)
@given(histories(), st.integers(1, 12))
def test_a_year_away_lands_at_level_2_or_below(
    drawn: tuple[list[Entry], set[date]], start: int
) -> None:
    history, _ = drawn
    day = (history[-1].day if history else MONDAY) + timedelta(days=365)
    if not history:
        return
    assert all(state.level <= 2 for state in levels_on(start, history, day).values())

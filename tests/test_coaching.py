"""Progression, feedback, lighter weeks, race phases, sore swaps and time budgets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.coach.day import Coaching, session_on
from bot.coach.phases import RacePhase, adjust, is_lighter_week, race_phase
from bot.coach.progression import Change, Entry, Feedback, levels_on, training_week
from bot.coach.session import build_session
from bot.coach.session_time import SessionItem, estimate_minutes
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.content import load_content
from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, onboard, shared_content

CATALOG = load_content().catalog
T = shared_content().texts
MONDAY = date(2026, 11, 2)


def done(day: date, focus: Focus, feedback: Feedback | None = None, sore: bool = False) -> Entry:
    return Entry(day=day, focus=focus, status="done", feedback=feedback, sore=sore)


def test_two_sessions_that_did_not_feel_hard_step_the_focus_up() -> None:
    history = [done(MONDAY, Focus.CORE, Feedback.EASY)]
    assert levels_on(2, history, MONDAY + timedelta(days=3))[Focus.CORE].level == 2
    history.append(done(MONDAY + timedelta(days=3), Focus.CORE, Feedback.RIGHT))
    state = levels_on(2, history, MONDAY + timedelta(days=7))[Focus.CORE]
    assert (state.level, state.last_change) == (3, Change.UP)
    assert levels_on(2, history, MONDAY + timedelta(days=7))[Focus.LEGS].level == 2


def test_hard_holds_and_two_too_hard_in_a_row_step_back() -> None:
    days = [MONDAY + timedelta(days=3 * n) for n in range(6)]
    hard = [done(day, Focus.LEGS, Feedback.HARD) for day in days[:4]]
    assert levels_on(3, hard, days[5])[Focus.LEGS].level == 3
    too_hard = [done(days[0], Focus.LEGS, Feedback.TOO_HARD)]
    assert levels_on(3, too_hard, days[2])[Focus.LEGS].level == 3
    too_hard.append(done(days[1], Focus.LEGS, Feedback.TOO_HARD))
    state = levels_on(3, too_hard, days[2])[Focus.LEGS]
    assert (state.level, state.last_change) == (2, Change.DOWN)
    broken_run = [
        done(days[0], Focus.LEGS, Feedback.TOO_HARD),
        done(days[1], Focus.LEGS, Feedback.HARD),
        done(days[2], Focus.LEGS, Feedback.TOO_HARD),
    ]
    assert levels_on(3, broken_run, days[4])[Focus.LEGS].level == 3


def test_levels_step_back_in_proportion_to_a_break() -> None:
    history = [
        done(MONDAY + timedelta(days=n), Focus.UPPER, Feedback.RIGHT) for n in range(0, 12, 2)
    ]
    before = levels_on(1, history, MONDAY + timedelta(days=13))[Focus.UPPER].level
    assert before == 4
    assert levels_on(1, history, MONDAY + timedelta(days=10 + 14))[Focus.UPPER].level == 4
    three_weeks = levels_on(1, history, MONDAY + timedelta(days=10 + 21))[Focus.UPPER]
    assert (three_weeks.level, three_weeks.last_change) == (3, Change.BREAK)
    six_weeks = levels_on(1, history, MONDAY + timedelta(days=10 + 42))[Focus.UPPER]
    assert six_weeks.level == 2  # one level per two weeks beyond the first two
    two_months = levels_on(1, history, MONDAY + timedelta(days=10 + 60))[Focus.UPPER]
    assert two_months.level == 1  # three levels back, no cap at two any more


def test_every_fourth_week_of_continuous_training_is_lighter() -> None:
    history = [done(MONDAY + timedelta(days=n), Focus.CORE) for n in range(0, 60, 3)]
    weeks = {training_week(history, MONDAY + timedelta(weeks=w, days=1)) for w in range(8)}
    assert weeks == set(range(1, 9))
    lighter = [w for w in range(8) if is_lighter_week(history, MONDAY + timedelta(weeks=w, days=1))]
    assert lighter == [3, 7]  # weeks 4 and 8
    assert training_week([], MONDAY) is None


def test_race_phases() -> None:
    race = date(2027, 4, 18)
    assert race_phase(race - timedelta(days=15), race) is None
    assert race_phase(race - timedelta(days=14), race) is RacePhase.TAPER
    assert race_phase(race - timedelta(days=7), race) is RacePhase.TAPER
    assert race_phase(race - timedelta(days=6), race) is RacePhase.RACE_WEEK
    assert race_phase(race, race) is RacePhase.RACE_WEEK
    assert race_phase(race + timedelta(days=1), race) is RacePhase.RECOVERY
    assert race_phase(race + timedelta(days=8), race) is None
    # Race week: short easy core, two levels down, about half the work.
    week_of_race = adjust(Focus.LEGS, 4, lighter_week=False, phase=RacePhase.RACE_WEEK)
    assert (week_of_race.focus, week_of_race.level, week_of_race.volume) == (Focus.CORE, 2, 0.5)
    assert week_of_race.swapped_from is Focus.LEGS
    # Taper: the same session at the same level (intensity held; Bosquet 2007), half the
    # volume: sets x reps halve, the level does not drop any more.
    taper = adjust(Focus.LEGS, 4, lighter_week=False, phase=RacePhase.TAPER)
    assert (taper.focus, taper.level, taper.volume) == (Focus.LEGS, 4, 0.5)
    assert taper.fewer_sets == 0 and week_of_race.fewer_sets == 0


def test_sore_before_a_long_run_or_hard_day_swaps_legs_for_core_or_upper() -> None:
    checked = 0
    for long_run, hard in ((6, {3}), (5, {1}), (6, {1}), (0, {3})):
        week = RunnerWeek(
            run_days=frozenset({1, 3, 5, 6, 0}),
            long_run_day=long_run,
            hard_days=frozenset(hard),
            sessions_per_week=3,
            experience=Experience.SOME,
        )
        for offset in range(14):
            day = date(2026, 11, 23) + timedelta(days=offset)
            plain = session_on(CATALOG, week, [], day)
            if plain is None or plain.session.focus is not Focus.LEGS:
                continue
            sore = [done(day - timedelta(days=1), Focus.CORE, sore=True)]
            swapped = session_on(CATALOG, week, sore, day)
            assert swapped is not None
            near = {(day.weekday() + n) % 7 for n in (1, 2, 3)} & (hard | {long_run})
            assert swapped.sore_swap == bool(near), (week, day)
            if near:
                assert swapped.session.focus in (Focus.CORE, Focus.UPPER)
                checked += 1
            old = [done(day - timedelta(days=5), Focus.CORE, sore=True)]
            assert not session_on(CATALOG, week, old, day).sore_swap  # type: ignore[union-attr]
    assert checked >= 2


def test_sessions_fit_the_time_budget() -> None:
    # The time limit trims accessories and sets, never the main lift (the first move) nor
    # the keep moves (calves, hips, tendons); it is met whenever those fit at one set each.
    checked = 0
    for focus in Focus:
        for level in (1, 4, 7, 12):
            for equipment in Equipment:
                full = build_session(CATALOG, focus, level, equipment, True)
                protected = [
                    item
                    for index, item in enumerate(full.items)
                    if index == 0 or item.exercise.keep
                ]
                one_set = tuple(
                    SessionItem(i.exercise, i.level.model_copy(update={"sets": 1}))
                    for i in protected
                )
                for budget in (10, 20, 30):
                    session = build_session(
                        CATALOG, focus, level, equipment, True, budget_minutes=budget
                    )
                    # A short limit keeps a short warm-up (session.warmup_within).
                    floor = estimate_minutes(one_set, session.warmup_minutes)
                    ids = [item.exercise.id for item in session.items]
                    assert ids[0] == full.items[0].exercise.id, (focus, level, budget)
                    assert {i.exercise.id for i in protected} <= set(ids), (focus, level, budget)
                    if floor <= budget:
                        assert session.minutes <= budget, (focus, level, equipment, budget)
                        checked += 1
                    else:  # over only as the protected moves at one set each
                        assert set(ids) == {i.exercise.id for i in protected}
                        assert all(item.level.sets == 1 for item in session.items)
    assert checked >= 50
    short = session_on(
        CATALOG,
        RunnerWeek(run_days=frozenset({0}), sessions_per_week=3),
        [],
        date(2026, 11, 24),
        Coaching(budget_minutes=10),
        focus=Focus.CORE,
    )
    assert short is not None and short.session.minutes <= 10


# ---- through the bot ------------------------------------------------------------------


async def test_feedback_is_one_tap_after_done_and_is_stored(bot: BotHarness) -> None:
    await onboard(bot)
    [reply] = await bot.say("done")
    labels = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["😌 Easy", "👍 Just right", "😅 Hard", "🥵 Too hard", "🤕 Sore", "↩️ Undo"]
    [thanks] = await bot.tap("Hard", reply)
    assert "hold this level" in thanks["text"]
    await bot.tap("Sore", reply)
    async with transaction(bot.sessions) as session:
        [log] = (await session.exec(select(SessionLog))).all()
    assert (log.feedback, log.sore) == ("hard", True)


async def test_a_reply_soon_after_a_workout_is_kept_as_a_note(bot: BotHarness, clock) -> None:
    await onboard(bot)
    await bot.say("done")
    clock.advance(minutes=20)
    [reply] = await bot.say("the side planks were brutal")
    assert "Added to today's log" in reply["text"]
    async with transaction(bot.sessions) as session:
        [log] = (await session.exec(select(SessionLog))).all()
    assert log.note == "the side planks were brutal"
    clock.advance(hours=3)
    [later] = await bot.say("random words")
    assert "I didn't catch that" in later["text"]


async def test_easy_sessions_step_the_next_one_up_and_the_message_says_what_changed(
    bot: BotHarness, clock
) -> None:
    await onboard(bot)  # a session on Thursdays, level 4 ("some experience")
    first = (await bot.say("/today"))[0]["text"]
    assert "Level 4" in first and "Why today" in first
    for week in range(2):
        clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC) + timedelta(weeks=week))
        [reply] = await bot.say("done")
        await bot.tap("Easy", reply)
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
    third = (await bot.say("/today"))[0]["text"]
    assert "Level 5" in third
    assert "since last time" in third


async def test_done_without_feedback_holds_the_level(bot: BotHarness, clock) -> None:
    await onboard(bot)
    for week in range(3):
        clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC) + timedelta(weeks=week))
        await bot.say("done")
    clock.set(datetime(2026, 12, 17, 9, 0, tzinfo=UTC))
    assert "Level 4" in (await bot.say("/today"))[0]["text"]


async def test_settings_set_a_time_budget_that_sessions_fit(bot: BotHarness) -> None:
    await onboard(bot, experience="experienced", equipment="gym")
    long = (await bot.say("/today"))[0]["text"]
    menu = (await bot.say("/settings"))[-1]
    await bot.tap("Session length", menu)
    saved = (await bot.tap("10 min"))[-1]
    assert "about 10 minutes" in saved["text"]
    short = (await bot.say("/today"))[0]["text"]
    minutes = int(short.split("about ")[1].split(" min")[0])
    assert minutes <= 10 < int(long.split("about ")[1].split(" min")[0])


async def test_a_race_date_in_settings_brings_the_taper(bot: BotHarness, clock) -> None:
    await onboard(bot)
    menu = (await bot.say("/settings"))[-1]
    await bot.tap("Race date", menu)
    [bad] = (await bot.say("someday"))[:1]
    assert "couldn't read that" in bad["text"]
    await bot.say("2026-12-06")  # 10 days ahead: a half marathon's taper (14 days)
    replies = await bot.say("half")  # the distance is asked right after the date
    assert "Race on 6 Dec 2026" in replies[-1]["text"]
    today = (await bot.say("/today"))[0]["text"]
    assert T("phase.taper") in today
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))  # race week: core only
    race_week = (await bot.say("/today"))[0]["text"]
    assert T("phase.race_week") in race_week and "Core" in race_week


def test_damaged_swaps_read_as_none() -> None:
    from bot.services.plan import swaps_of
    from bot.store.models import Runner

    assert swaps_of(Runner(chat_id=1, swaps="{not json")) == {}
    assert swaps_of(Runner(chat_id=1, swaps="[1, 2]")) == {}
    assert swaps_of(Runner(chat_id=1, swaps='{"plank": "hollow_hold"}')) == {"plank": "hollow_hold"}

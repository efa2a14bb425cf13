"""What /progress is built from (bot/coach/progress.py, bot/services/progress.py): the
pure ``progress_from`` on plain inputs, the fast training index against the functions it
stands in for, the minutes estimate against ``session_on``, and ``read_progress`` through
the store on both databases — the level it shows is the level /today uses, and a runner
reads only their own rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coach import season
from bot.coach.day import Coaching, session_on
from bot.coach.phases import reduced_on
from bot.coach.plan import plan_for_date
from bot.coach.plyo import plyo_allowed
from bot.coach.progress import (
    CHART_WEEKS,
    TrainingIndex,
    minutes_estimator,
    progress_from,
)
from bot.coach.progression import Break, Entry, Feedback, levels_on, training_week
from bot.coach.status import LogStatus
from bot.coach.streaks import WeekFacts, WeekMark
from bot.coach.week import STARTING_LEVEL, Focus
from bot.services.progress import last_week_tally, read_progress, streak_on
from bot.store import moves
from bot.store.db import transaction
from bot.store.models import PausePeriod, Runner, SessionLog
from bot.store.runners import week_of
from testkit.harness import CHAT, BotHarness, onboard, shared_content

CATALOG = shared_content().catalog
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 6, 1)
DAY = timedelta(days=1)


def done(
    day: date,
    focus: Focus,
    feedback: Feedback | None = Feedback.RIGHT,
    loads: tuple[tuple[str, float], ...] = (),
) -> Entry:
    return Entry(day, focus, LogStatus.DONE, feedback, loads=loads)


def flat_minutes(
    log: Sequence[Entry], start: int, until: date, breaks: Sequence[Break], index: TrainingIndex
) -> int:
    """20 minutes a session done: the pure tests count sessions, not build them."""
    return 20 * sum(1 for e in log if e.status == LogStatus.DONE and e.day < until)


# ---- the training index stands in for progression's and phases' own scans ----------------


@settings(max_examples=100)
@given(
    st.sets(st.integers(0, 150), max_size=40),
    st.one_of(st.none(), st.integers(20, 170)),
    st.sampled_from([None, "5k", "half", "marathon"]),
)
def test_the_training_index_agrees_with_training_week_reduced_on_and_plyo_allowed(
    offsets: set[int], race: int | None, distance: str | None
) -> None:
    history = [done(MONDAY + DAY * n, Focus.LEGS) for n in sorted(offsets)]
    race_day = None if race is None else MONDAY + DAY * race
    index = TrainingIndex(history, race_day, distance)
    reduced = reduced_on(history, race_day, distance)
    week = season.BEGINNER.week
    for n in range(0, 180, 3):
        day = MONDAY + DAY * n
        assert index.training_week(day) == training_week(history, day)
        assert index.reduced(day) == reduced(day)
        assert index.plyo_allowed(week, day) == plyo_allowed(week, history, day)


# ---- progress_from on plain inputs ------------------------------------------------------------


def test_counts_first_day_and_twelve_weeks_padded_before_sign_up() -> None:
    today = MONDAY + timedelta(weeks=3, days=2)  # Wednesday of the 4th week
    log = [
        done(MONDAY + DAY, Focus.LEGS),
        done(MONDAY + 3 * DAY, Focus.CORE),
        done(MONDAY + timedelta(weeks=1, days=1), Focus.LEGS),
        Entry(MONDAY + timedelta(weeks=1, days=3), Focus.CORE, LogStatus.SKIPPED),
        done(MONDAY + timedelta(weeks=3), Focus.UPPER),
    ]
    weeks = [
        WeekFacts(MONDAY, 2, 2),
        WeekFacts(MONDAY + timedelta(weeks=1), 2, 1, skipped=1),
        WeekFacts(MONDAY + timedelta(weeks=2), 2, 0, paused=True),
        WeekFacts(MONDAY + timedelta(weeks=3), 2, 1),
    ]
    progress = progress_from(today, weeks, log, 4, (Focus.LEGS, Focus.CORE), flat_minutes)
    assert len(progress.weeks) == CHART_WEEKS
    assert [t.mark for t in progress.weeks[:8]] == [WeekMark.REST] * 8
    assert [t.mark for t in progress.weeks[8:]] == [
        WeekMark.FULL,
        WeekMark.ALMOST,
        WeekMark.PAUSED,
        WeekMark.NOW,
    ]
    assert progress.weeks[-1].facts.monday == MONDAY + timedelta(weeks=3)
    assert (progress.streak.current, progress.streak.best) == (1, 1)
    assert (progress.done_total, progress.minutes_total) == (4, 80)
    assert progress.done_this_month == 4  # all in June
    assert progress.first_day == MONDAY + DAY
    assert progress.foci == (Focus.LEGS, Focus.CORE)
    assert progress.level_start[Focus.LEGS] == (4, MONDAY + DAY)
    assert progress.level_start[Focus.UPPER] == (4, MONDAY + timedelta(weeks=3))
    assert set(progress.levels) == set(Focus)
    assert all(len(levels) == CHART_WEEKS for levels in progress.levels.values())


def test_levels_climb_with_rated_sessions_and_end_on_the_level_of_the_next_session() -> None:
    log = [done(MONDAY + timedelta(weeks=n, days=1), Focus.LEGS) for n in range(6)]
    today = MONDAY + timedelta(weeks=6, days=3)
    progress = progress_from(today, [], log, 1, (Focus.LEGS,), flat_minutes)
    legs = progress.levels[Focus.LEGS]
    assert legs == tuple(sorted(legs))  # never down with sessions that felt right
    expected = levels_on(1, log, today, reduced=reduced_on(log, None))[Focus.LEGS].level
    assert legs[-1] == progress.level_now[Focus.LEGS] == expected
    # 6 sessions felt right, up every 2, but week 4 was a lighter week: it did not count.
    assert expected == 3
    assert progress.level_start[Focus.LEGS] == (1, MONDAY + DAY)


def test_lifts_most_logged_first_heaviest_per_week_and_first_and_last() -> None:
    today = MONDAY + timedelta(weeks=2, days=6)
    log = [
        done(MONDAY, Focus.LEGS, loads=(("goblet_squat", 12.0), ("rdl", 20.0))),
        done(MONDAY + 2 * DAY, Focus.LEGS, loads=(("goblet_squat", 14.0),)),
        done(MONDAY + timedelta(weeks=2), Focus.LEGS, loads=(("goblet_squat", 16.0),)),
        done(MONDAY + timedelta(weeks=2, days=1), Focus.UPPER, loads=(("row", 10.0),)),
    ]
    progress = progress_from(today, [], log, 4, (Focus.LEGS,), flat_minutes)
    assert [lift.exercise for lift in progress.lifts] == ["goblet_squat", "row", "rdl"]
    squat = progress.lifts[0]
    assert squat.kg[-3:] == (14.0, None, 16.0)
    assert squat.first == (MONDAY, 12.0) and squat.last == (MONDAY + timedelta(weeks=2), 16.0)
    assert all(len(lift.kg) == CHART_WEEKS for lift in progress.lifts)


def test_nothing_done_yet() -> None:
    progress = progress_from(MONDAY, [WeekFacts(MONDAY, 2, 0)], [], 4, (Focus.LEGS,), flat_minutes)
    assert (progress.done_total, progress.first_day, progress.lifts) == (0, None, ())
    assert progress.level_now[Focus.LEGS] == 4 and progress.level_start == {}


def test_the_minutes_estimate_is_within_5_percent_of_session_on_over_simulated_seasons() -> None:
    """The module docstring's figure (-0.5 % to +2.6 % over the six seasons), kept."""
    for runner in (season.BEGINNER, season.GYM):
        weeks = season.simulate(CATALOG, runner, season.SEASON_START)
        plans = [plan for week in weeks for plan in week.sessions]
        history = [
            Entry(plan.day, plan.session.focus, LogStatus.DONE, Feedback.RIGHT) for plan in plans
        ]
        index = TrainingIndex(history, None)
        end = weeks[-1].monday + timedelta(days=7)
        estimated = minutes_estimator(CATALOG, runner.week)(
            history, STARTING_LEVEL[runner.week.experience], end, (), index
        )
        actual = sum(plan.session.minutes for plan in plans)
        assert abs(estimated - actual) <= 0.05 * actual, (runner.name, estimated, actual)


def test_level_now_is_the_level_session_on_builds_the_next_session_at() -> None:
    runner = season.INTERMEDIATE
    weeks = season.simulate(CATALOG, runner, season.SEASON_START)
    history = [
        Entry(plan.day, plan.session.focus, LogStatus.DONE, fb)
        for week in weeks
        for plan, fb in zip(
            week.sessions,
            (Feedback.RIGHT, Feedback.EASY, Feedback.HARD) * 3,
            strict=False,
        )
    ]
    today = weeks[-1].monday + timedelta(days=7)
    while plan_for_date(runner.week, today) is None:
        today += DAY
    progress = progress_from(
        today,
        [],
        history,
        STARTING_LEVEL[runner.week.experience],
        tuple(Focus),
        flat_minutes,
        level_window_weeks=26,
    )
    plan = session_on(CATALOG, runner.week, history, today, Coaching())
    assert plan is not None
    assert progress.level_now[plan.planned] == plan.state.level


# ---- through the store ------------------------------------------------------------------------


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


async def seed(
    bot: BotHarness, chat_id: int, days: list[tuple[date, str]], joined: date, status: str = "done"
) -> None:
    """Logs of the runner's planned sessions on ``days`` (day, focus) felt just right, and
    their sign-up moved back to ``joined``."""
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, chat_id)
        assert runner is not None
        runner.created_at = at(joined.year, joined.month, joined.day, 9, 0)
        session.add(runner)
        for day, focus in days:
            session.add(
                SessionLog(
                    chat_id=chat_id,
                    local_date=day,
                    focus=focus,
                    status=status,
                    feedback="right",
                    created_at=at(day.year, day.month, day.day, 9, 0),
                )
            )


async def copy_runner(bot: BotHarness, chat_id: int) -> None:
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None
        other = Runner.model_validate(runner.model_dump() | {"chat_id": chat_id})
        session.add(other)


def planned_days(runner: Runner, first: date, last: date) -> list[tuple[date, str]]:
    week = week_of(runner)
    found = []
    day = first
    while day <= last:
        focus = plan_for_date(week, day)
        if focus is not None:
            found.append((day, focus.value))
        day += DAY
    return found


async def test_read_progress_counts_only_the_runners_own_rows_and_the_level_is_todays(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))  # Thursday
    await onboard(bot)  # Legs Tue, Legs Thu, Upper Sat in some weeks; level 4
    other = CHAT + 7
    await copy_runner(bot, other)
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
    assert runner is not None
    joined = date(2026, 9, 14)  # a Monday: this is training week 11, not a lighter one
    mine = planned_days(runner, joined, date(2026, 11, 25))
    # Week of 26 Oct: one session left out (almost); week of 9 Nov: two left out (short);
    # the week of 2 Nov between them is a lighter one (training week 8), done in full.
    week_2 = [d for d in mine if date(2026, 10, 26) <= d[0] <= date(2026, 11, 1)]
    week_9 = [d for d in mine if date(2026, 11, 9) <= d[0] <= date(2026, 11, 15)]
    mine = [d for d in mine if d not in week_2[:1] + week_9[:2]]
    await seed(bot, CHAT, mine, joined)
    theirs = planned_days(runner, date(2026, 1, 5), date(2026, 11, 25))
    await seed(bot, other, theirs, date(2026, 1, 5))
    async with transaction(bot.sessions) as session:
        session.add(
            PausePeriod(chat_id=other, first_day=date(2026, 10, 5), last_day=date(2026, 10, 20))
        )

    async with transaction(bot.sessions) as session:
        progress = await read_progress(session, CHAT, clock.now(), catalog=CATALOG)
        alone = await read_progress(session, other, clock.now(), catalog=CATALOG)
        streak = await streak_on(session, runner, date(2026, 11, 26))
    assert progress is not None and alone is not None
    assert streak == progress.streak  # the cheap read counts as /progress does
    assert progress.done_total == len(mine) and alone.done_total == len(theirs)
    assert progress.first_day == mine[0][0]
    assert progress.streak.weeks[0].facts.monday == joined
    marks = {t.facts.monday: t.mark for t in progress.streak.weeks}
    assert marks[date(2026, 10, 26)] is WeekMark.ALMOST
    assert marks[date(2026, 11, 2)] is WeekMark.FULL
    assert marks[date(2026, 11, 9)] is WeekMark.SHORT
    assert marks[date(2026, 11, 23)] is WeekMark.NOW  # Thursday's session not done yet
    assert not any(t.mark is WeekMark.PAUSED for t in progress.streak.weeks)
    assert progress.streak.current == 1 and progress.streak.best == 7
    assert progress.minutes_total > 10 * len(mine)

    # The level shown is the level /today builds today's session at.
    [today] = await bot.say("/today")
    focus = plan_for_date(week_of(runner), date(2026, 11, 26))
    assert focus is not None
    shown = re.search(r"Level (\d+)", today["text"])
    assert shown is not None, today["text"]
    assert int(shown.group(1)) == progress.level_now[focus] > 4


async def test_the_weekly_preview_tally_is_last_weeks_and_the_streak(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
    assert runner is not None
    joined = date(2026, 11, 2)
    await seed(bot, CHAT, planned_days(runner, joined, date(2026, 11, 29)), joined)
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None
        sunday, week, streak = date(2026, 11, 29), None, None
        week, streak = await last_week_tally(session, runner, sunday)
        monday_week, _ = await last_week_tally(session, runner, date(2026, 11, 30))
    assert week.facts.monday == date(2026, 11, 23) == monday_week.facts.monday
    assert week.mark is WeekMark.FULL and week.facts.done == week.facts.planned > 0
    assert streak.current == 4 == week.streak


def test_a_fake_minutes_of_sees_the_whole_log_in_order() -> None:
    seen: list[date] = []

    def minutes(
        log: Sequence[Entry], start: int, until: date, breaks: Sequence[Break], index: object
    ) -> int:
        seen.extend(entry.day for entry in log)
        return 0

    log = [done(MONDAY + 2 * DAY, Focus.LEGS), done(MONDAY, Focus.CORE)]
    progress_from(MONDAY + 3 * DAY, [], log, 4, (Focus.LEGS,), minutes)
    assert seen == [MONDAY, MONDAY + 2 * DAY]


def test_a_future_week_given_is_not_judged() -> None:
    facts = [WeekFacts(MONDAY, 2, 2), replace(WeekFacts(MONDAY + timedelta(weeks=1), 2, 0))]
    progress = progress_from(MONDAY + 2 * DAY, facts, [], 4, (Focus.LEGS,), flat_minutes)
    assert progress.streak.weeks[-1].mark is WeekMark.NOW


async def test_a_moved_session_done_on_its_new_day_and_a_short_taper_week(
    bot: BotHarness, clock
) -> None:
    """Tuesday's session skipped and moved to Wednesday, done there: the week is full,
    with one moved. The taper's and race week's sessions left undone: eased, not short."""
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot, sessions="2")  # Legs Tue and Fri
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None
        runner.race_date = date(2026, 11, 22)  # a half on Sunday
        runner.race_distance = "half"
        session.add(runner)
    logged = [
        (date(2026, 10, 27), "moved"),
        (date(2026, 10, 28), "done"),
        (date(2026, 10, 30), "done"),
        (date(2026, 11, 3), "done"),
        (date(2026, 11, 6), "done"),
        (date(2026, 11, 10), "done"),  # the taper: Friday's left undone
    ]
    joined = date(2026, 10, 26)
    for status in ("moved", "done"):
        await seed(bot, CHAT, [(d, "legs") for d, s in logged if s == status], joined, status)
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None
        moved = await moves.add_move(
            session,
            runner=runner,
            from_day=date(2026, 10, 27),
            to_day=date(2026, 10, 28),
            focus="legs",
            now=clock.now(),
        )
    assert moved
    async with transaction(bot.sessions) as session:
        progress = await read_progress(session, CHAT, clock.now(), catalog=CATALOG)
    assert progress is not None
    weeks = {t.facts.monday: t for t in progress.streak.weeks}
    first = weeks[date(2026, 10, 26)]
    assert (first.facts.planned, first.facts.done, first.facts.moved) == (2, 2, 1)
    assert first.mark is WeekMark.FULL
    assert weeks[date(2026, 11, 9)].facts.eased and weeks[date(2026, 11, 9)].mark is WeekMark.EASED
    assert weeks[date(2026, 11, 16)].mark in (WeekMark.EASED, WeekMark.REST)
    assert progress.streak.current == 2

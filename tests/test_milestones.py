"""Milestones celebrated once (issue 15, point 5): the pure rules of bot.coach.milestones,
and the one line under "✅ Logged" through the real bot, never twice — across a second
"done", undo and redo, a restart and a second instance — and never two on one day."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.coach.milestones import (
    SESSION_COUNTS,
    STREAK_WEEKS,
    Kind,
    LevelUp,
    Milestone,
    Stored,
    decide,
    earlier_levels,
    from_key,
    level_of_done,
    level_up,
    most_notable,
    reached,
)
from bot.coach.progression import Entry, Feedback
from bot.coach.status import LogStatus
from bot.coach.week import Focus
from bot.services.log import LogOutcome, LogResult, log_session
from bot.store.db import transaction
from bot.store.models import Milestone as MilestoneRow
from bot.store.models import SessionLog
from testkit.harness import BotHarness, onboard, runner_row, texts

THURSDAY = date(2026, 11, 26)  # the harness clock's day: Legs in the default week

# ------------------------------------------------------------------------- pure rules


def test_keys_round_trip() -> None:
    for milestone in [
        Milestone(Kind.FIRST),
        *(Milestone(Kind.SESSIONS, n) for n in SESSION_COUNTS),
        *(Milestone(Kind.STREAK, n) for n in STREAK_WEEKS),
        *(Milestone(Kind.LEVEL, n, focus) for n in (2, 12) for focus in Focus),
    ]:
        assert from_key(milestone.key) == milestone
    assert Milestone(Kind.LEVEL, 5, Focus.LEGS).key == "level:legs:5"
    assert from_key("sessions:x") is None and from_key("nonsense") is None


def test_what_a_done_reaches() -> None:
    assert reached(done_total=1) == [Milestone(Kind.FIRST)]
    assert reached(done_total=2) == []
    assert reached(done_total=10) == [Milestone(Kind.SESSIONS, 10)]
    assert reached(done_total=11, streak=4) == [Milestone(Kind.STREAK, 4)]
    assert reached(done_total=11, streak=5) == []
    up = LevelUp(Focus.LEGS, 4, best_before=3)
    assert reached(done_total=7, level=up) == [Milestone(Kind.LEVEL, 4, Focus.LEGS)]
    # the first session of a focus is not a level-up, nor a level regained
    assert reached(done_total=7, level=LevelUp(Focus.CORE, 4, None)) == []
    assert reached(done_total=7, level=LevelUp(Focus.CORE, 4, 4)) == []
    # most notable first: 100 sessions (~40 weeks) above a 26-week streak
    both = reached(done_total=100, streak=26, level=up)
    assert [m.key for m in both] == ["sessions:100", "streak:26", "level:legs:4"]


def test_notability_order() -> None:
    order = most_notable(
        [
            Milestone(Kind.FIRST),
            Milestone(Kind.LEVEL, 3, Focus.CORE),
            Milestone(Kind.SESSIONS, 10),
            Milestone(Kind.STREAK, 4),
            Milestone(Kind.SESSIONS, 100),
            Milestone(Kind.STREAK, 52),
        ]
    )
    assert [m.key for m in order] == [
        "streak:52",
        "sessions:100",
        "streak:4",  # a tie with 10 sessions (4 weeks): the streak first
        "sessions:10",
        "level:core:3",
        "first",
    ]


def test_decide_one_a_day_and_holds_the_rest() -> None:
    ten, level = Milestone(Kind.SESSIONS, 10), Milestone(Kind.LEVEL, 4, Focus.LEGS)
    first = decide([ten, level], [], THURSDAY)
    assert first.celebrate == ten and first.hold == (level,) and not first.held_before
    # later that day: nothing more, whatever it reaches
    stored = [Stored("sessions:10", THURSDAY, THURSDAY), Stored(level.key, THURSDAY, None)]
    assert decide([Milestone(Kind.STREAK, 4)], stored, THURSDAY).celebrate is None
    # the next day with nothing new: the held one, naming its day
    later = decide([], stored, THURSDAY + timedelta(days=2))
    assert later.celebrate == level and later.held_before and later.reached_on == THURSDAY
    # never twice
    assert decide([ten], stored, THURSDAY + timedelta(days=3)).celebrate == level
    done = [Stored("sessions:10", THURSDAY, THURSDAY), Stored(level.key, THURSDAY, THURSDAY)]
    assert decide([ten, level], done, THURSDAY + timedelta(days=3)) == decide([], [], THURSDAY)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*SESSION_COUNTS, *STREAK_WEEKS, 1, 2, 3]), max_size=3),
        min_size=1,
        max_size=12,
    )
)
def test_each_celebrated_once_and_one_a_day(days: list[list[int]]) -> None:
    """Over any run of done days (each reaching some milestones), every milestone is
    celebrated at most once, at most one a day, and nothing reached is lost: it is
    celebrated or still held."""
    stored: dict[str, Stored] = {}
    celebrated: list[str] = []
    for index, numbers in enumerate(days):
        today = THURSDAY + timedelta(days=index)
        new = most_notable(
            {
                Milestone(Kind.SESSIONS if n in SESSION_COUNTS else Kind.LEVEL, n, Focus.CORE)
                if n not in STREAK_WEEKS
                else Milestone(Kind.STREAK, n)
                for n in numbers
            }
        )
        decision = decide(new, stored.values(), today)
        for held in decision.hold:
            stored[held.key] = Stored(held.key, today, None)
        if decision.celebrate is not None:
            key = decision.celebrate.key
            stored[key] = Stored(key, stored[key].reached_on if key in stored else today, today)
            celebrated.append(key)
    assert len(celebrated) == len(set(celebrated)) <= len(days)
    reached_keys = {
        m.key
        for numbers in days
        for n in numbers
        for m in [
            Milestone(Kind.SESSIONS if n in SESSION_COUNTS else Kind.LEVEL, n, Focus.CORE)
            if n not in STREAK_WEEKS
            else Milestone(Kind.STREAK, n)
        ]
    }
    assert reached_keys == set(stored)


def test_level_of_done_follows_progression() -> None:
    monday = date(2026, 11, 2)
    history = [
        Entry(monday, Focus.LEGS, LogStatus.DONE, Feedback.RIGHT),
        Entry(monday + timedelta(days=2), Focus.CORE, LogStatus.DONE),
        Entry(monday + timedelta(days=3), Focus.LEGS, LogStatus.DONE, Feedback.EASY),
        Entry(monday + timedelta(days=7), Focus.LEGS, LogStatus.DONE),
    ]
    assert level_of_done(3, history, monday, Focus.LEGS) == LevelUp(Focus.LEGS, 3, None)
    assert level_of_done(3, history, monday + timedelta(days=7), Focus.LEGS) == LevelUp(
        Focus.LEGS, 4, 3
    )
    assert level_of_done(3, history, monday + timedelta(days=2), Focus.CORE) == LevelUp(
        Focus.CORE, 3, None
    )


# ------------------------------------------------------------------- through the bot


async def seed_done(
    bot: BotHarness, days: list[tuple[date, Focus, str | None]], chat_id: int | None = None
) -> None:
    """Done sessions logged before the test's day (a runner with a history)."""
    async with transaction(bot.sessions) as session:
        for day, focus, feedback in days:
            session.add(
                SessionLog(
                    chat_id=chat_id or bot.chat_id,
                    local_date=day,
                    focus=focus.value,
                    status=LogStatus.DONE.value,
                    feedback=feedback,
                    created_at=datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC),
                )
            )


async def stored_milestones(bot: BotHarness) -> dict[str, bool]:
    """key -> celebrated (False: held)."""
    async with transaction(bot.sessions) as session:
        rows = (await session.exec(select(MilestoneRow))).all()
    return {row.key: row.celebrated_at is not None for row in rows}


def earlier(count: int, legs_rated: int = 0) -> list[tuple[date, Focus, str | None]]:
    """``count`` done sessions on the days before Thursday, the first ``legs_rated`` of
    them legs that felt just right (two earn the next level), the rest core."""
    return [
        (
            THURSDAY - timedelta(days=count - index),
            Focus.LEGS if index < legs_rated else Focus.CORE,
            "right" if index < legs_rated else None,
        )
        for index in range(count)
    ]


async def test_first_session_is_celebrated_once(bot: BotHarness) -> None:
    await onboard(bot)
    first = texts(await bot.say("done"))
    assert "✅ Logged" in first and "Your first session" in first
    assert await stored_milestones(bot) == {"first": True}
    again = texts(await bot.say("done"))  # a second "done": nothing written, no cheer
    assert "already logged" in again and "first session" not in again
    await bot.say("undo")
    redo = texts(await bot.say("done"))
    assert "✅ Logged" in redo and "first session" not in redo
    await bot.restart()
    await bot.say("undo")
    bot.clock.advance(days=2)  # Saturday's session, after a restart: still not again
    saturday = texts(await bot.say("done"))
    assert "✅ Logged" in saturday and "first session" not in saturday
    assert await stored_milestones(bot) == {"first": True}


async def test_tenth_session(bot: BotHarness) -> None:
    await onboard(bot)
    await seed_done(bot, earlier(9))
    reply = texts(await bot.say("done"))
    assert "<b>10 sessions</b> done" in reply
    assert await stored_milestones(bot) == {"sessions:10": True}


async def test_an_existing_runner_is_not_congratulated_on_the_past(bot: BotHarness) -> None:
    await onboard(bot)
    await seed_done(bot, earlier(30))
    reply = texts(await bot.say("done"))
    assert "✅ Logged" in reply and "🏅" not in reply and "🎉" not in reply
    assert await stored_milestones(bot) == {}


async def test_two_on_one_day_one_is_held_for_the_next_done(bot: BotHarness) -> None:
    # Two legs sessions that felt right earn the next level: Thursday's is the first at it,
    # and the 10th session. One line: the 10 sessions (more notable); the level waits.
    await onboard(bot)
    await seed_done(bot, earlier(9, legs_rated=2))
    thursday = texts(await bot.say("done"))
    assert "<b>10 sessions</b>" in thursday and "level" not in thursday.split("Logged")[1]
    held = await stored_milestones(bot)
    [level_key] = [key for key in held if key.startswith("level:legs:")]
    assert held == {"sessions:10": True, level_key: False}
    bot.clock.advance(days=2)  # Saturday's upper-body session reaches nothing new
    saturday = texts(await bot.say("done"))
    level = level_key.rsplit(":", 1)[1]
    assert f"On Thursday 26 you did Legs at <b>level {level}</b> for the first time" in saturday
    assert await stored_milestones(bot) == {"sessions:10": True, level_key: True}


async def test_a_level_up_is_celebrated_in_the_first_session_at_it(bot: BotHarness) -> None:
    await onboard(bot)
    await seed_done(bot, earlier(4, legs_rated=2))
    reply = texts(await bot.say("done"))
    assert "New best: <b>Legs level" in reply and "your first session at it" in reply


async def test_a_double_tap_celebrates_once(bot: BotHarness) -> None:
    await onboard(bot)
    [session] = await bot.say("/today")
    replies = []
    for _ in range(2):  # the same ✅ Done twice: the second is a toast
        replies += await bot.tap("Done", session)
    assert texts(replies).count("Your first session") == 1
    assert await stored_milestones(bot) == {"first": True}


def full_weeks(weeks: int) -> list[tuple[date, Focus, str | None]]:
    """Every planned session (Tue legs, Thu legs, Sat upper) done in the ``weeks`` weeks
    before Thursday's, and this week's Tuesday."""
    this_monday = THURSDAY - timedelta(days=3)
    days = []
    for back in range(weeks, 0, -1):
        monday = this_monday - timedelta(weeks=back)
        days += [
            (monday + timedelta(days=1), Focus.LEGS, None),
            (monday + timedelta(days=3), Focus.LEGS, None),
            (monday + timedelta(days=5), Focus.UPPER, None),
        ]
    return [*days, (this_monday + timedelta(days=1), Focus.LEGS, None)]


async def test_a_four_week_streak_is_celebrated_when_the_week_completes(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    await seed_done(bot, full_weeks(3))
    thursday = texts(await bot.say("done"))
    bot.clock.advance(days=2)
    saturday = texts(await bot.say("done"))
    replies = thursday + saturday
    assert replies.count("4 weeks in a row") == 1, replies
    assert (await stored_milestones(bot)).get("streak:4") is True


async def test_two_instances_logging_at_once_celebrate_once(bot: BotHarness) -> None:
    """Two processes take the same "done" at the same moment (a webhook retry landing on a
    second instance): one log, one milestone, one reply that carries it."""
    await onboard(bot)
    runner = await runner_row(bot)

    async def done() -> LogOutcome:
        async with transaction(bot.sessions) as session:
            return await log_session(session, runner, now=bot.clock.now())

    outcomes = await asyncio.gather(done(), done())
    assert sorted(outcome.result for outcome in outcomes) == [
        LogResult.ALREADY,
        LogResult.LOGGED,
    ]
    assert [outcome.milestone for outcome in outcomes if outcome.milestone] == [
        Milestone(Kind.FIRST)
    ]
    assert await stored_milestones(bot) == {"first": True}


# ------------------------------------------- the level a lighter week's session showed


def test_a_level_up_compares_the_levels_shown() -> None:
    """A session held at the old level in a lighter week (shown 5, progression at 6) is
    no level-up, and does not count as level 6 done: the next session built at 6 is."""
    tue, thu = date(2026, 12, 15), date(2026, 12, 17)
    shown = {tue: 5, thu: 5}
    asked: list[date] = []

    def shown_on(day: date) -> int | None:
        asked.append(day)
        return shown.get(day)

    before = [(date(2026, 12, 8), 5)]
    assert level_up(Focus.LEGS, 5, before, shown_on) == LevelUp(Focus.LEGS, 5, 5)
    assert reached(done_total=12, level=LevelUp(Focus.LEGS, 5, 5)) == []
    asked.clear()
    up = level_up(Focus.LEGS, 6, [*before, (tue, 6), (thu, 6)], shown_on)
    assert up == LevelUp(Focus.LEGS, 6, 5)
    assert reached(done_total=14, level=up) == [Milestone(Kind.LEVEL, 6, Focus.LEGS)]
    assert asked == [thu, tue]  # only where the held level could reach the one compared
    asked.clear()
    top = [(date(2026, 6, 2) + timedelta(weeks=week), 12) for week in range(20)]
    shown[top[-1][0]] = 12
    assert level_up(Focus.LEGS, 12, top, shown_on).best_before == 12
    assert asked == [top[-1][0]]  # at the top level: the newest session settles it
    assert level_up(Focus.LEGS, 3, [], shown_on) == LevelUp(Focus.LEGS, 3, None)


def test_earlier_levels_are_the_focus_sessions_before_the_day() -> None:
    monday = date(2026, 11, 23)
    history = [
        Entry(monday, Focus.LEGS, LogStatus.DONE, Feedback.RIGHT),
        Entry(monday + timedelta(days=2), Focus.CORE, LogStatus.DONE),
        Entry(monday + timedelta(days=4), Focus.LEGS, LogStatus.DONE, Feedback.RIGHT),
        Entry(monday + timedelta(days=7), Focus.LEGS, LogStatus.DONE),
    ]
    found = earlier_levels(3, history, monday + timedelta(days=7), Focus.LEGS)
    assert [day for day, _ in found] == [monday, monday + timedelta(days=4)]
    assert all(level == 3 for _, level in found)


BERLIN = ZoneInfo("Europe/Berlin")
LIGHTER_TUESDAY = date(2026, 12, 15)  # the default plan's first lighter week (every 4th)


async def test_a_lighter_week_session_is_no_level_up(bot: BotHarness) -> None:
    """Helper T's finding through the bot: every session done and felt just right up to
    the first lighter week; its Tuesday's message shows Legs at the held level, and the
    "done" cheers no other level. The first session built at the new level, the Tuesday
    after, is the one cheered."""
    await onboard(bot)
    days = [date(2026, 11, 28), *(date(2026, 12, d) for d in (1, 3, 5, 8, 12))]
    focus = {1: Focus.LEGS, 3: Focus.LEGS, 5: Focus.UPPER}
    right: str | None = "right"
    await seed_done(
        bot, [(THURSDAY, Focus.LEGS, right)] + [(day, focus[day.weekday()], right) for day in days]
    )
    for day in (LIGHTER_TUESDAY, LIGHTER_TUESDAY + timedelta(days=7)):
        bot.clock.set(datetime(day.year, day.month, day.day, 19, tzinfo=BERLIN))
        [session] = await bot.say("/today")
        shown = session["text"].split("Level ", 1)[1].split()[0].strip("<>/b")
        reply = texts(await bot.say("done"))
        if "New best" in reply:
            assert f"Legs level {shown}</b>" in reply, (session["text"][:200], reply)
        await bot.tap("Just right")
        if day == LIGHTER_TUESDAY:
            lighter = shown
    assert f"Legs level {int(lighter) + 1}</b>" in reply, reply

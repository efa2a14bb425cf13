"""The weekly preview opens with last week's tally and, once a month, a recap of the month
before (issue 15, point 6): the pure pieces, and the preview the real bot's tick sends."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.coach.status import LogStatus
from bot.coach.streaks import Streak, WeekFacts, WeekMark, WeekTally
from bot.coach.week import Focus
from bot.messages.preview import recap_text, tally_lines
from bot.services.previews import (
    MonthRecap,
    PreviewTally,
    month_before,
    month_end,
    recap_due,
)
from bot.services.progress import read_progress
from bot.store.db import transaction
from bot.store.models import Runner, SessionLog
from testkit.harness import CHAT, BotHarness, onboard, shared_content

T = shared_content().texts
CATALOG = shared_content().catalog
BERLIN = ZoneInfo("Europe/Berlin")
HEADER = "Your week ahead"
THURSDAY = date(2026, 11, 26)  # the harness clock's day; the default week: Tue, Thu, Sat


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


# ------------------------------------------------------------------------- pure pieces


def test_the_first_preview_of_a_month_brings_the_recap() -> None:
    assert [recap_due(date(2026, 12, day)) for day in (1, 6, 7, 8, 13)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert month_before(date(2026, 12, 6)) == date(2026, 11, 1)
    assert month_before(date(2027, 1, 3)) == date(2026, 12, 1)


def test_a_month_is_the_calendar_month() -> None:
    assert month_end(date(2026, 11, 1)) == date(2026, 11, 30)
    assert month_end(date(2026, 12, 1)) == date(2026, 12, 31)
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert [month_end(date(2027, m, 1)).day for m in range(1, 13)] == [
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    ]  # fmt: skip


def tallied(mark: WeekMark, done: int, planned: int, streak: int) -> PreviewTally:
    week = WeekTally(WeekFacts(date(2026, 11, 23), planned, done), mark, streak)
    return PreviewTally(week, Streak(streak, max(streak, 6), 9, 12, (week,)))


@pytest.mark.parametrize(
    ("mark", "done", "planned", "streak", "expected"),
    [
        (WeekMark.FULL, 3, 3, 5, "Last week: 3 of 3 ✅ · streak 5 weeks"),
        (WeekMark.FULL, 2, 2, 1, "Last week: 2 of 2 ✅ · streak 1 week"),
        (WeekMark.ALMOST, 2, 3, 5, "Last week: 2 of 3 — almost · streak 5 weeks, still on"),
        (WeekMark.ALMOST, 1, 2, 0, "Last week: 1 of 2 — almost"),
        (
            WeekMark.SHORT,
            0,
            3,
            0,
            "Last week: 0 of 3 — a new week, a fresh start · 9 of the last 12 weeks full",
        ),
        (WeekMark.PAUSED, 0, 3, 4, "Last week: paused ⏸ · streak 4 weeks, still on"),
        (
            WeekMark.EASED,
            1,
            2,
            4,
            "Last week: 1 of 2 in a lighter week · streak 4 weeks, still on",
        ),
        (WeekMark.REST, 0, 0, 2, "Last week: nothing planned · streak 2 weeks, still on"),
    ],
)
def test_the_tally_line_is_forgiving(
    mark: WeekMark, done: int, planned: int, streak: int, expected: str
) -> None:
    assert tally_lines(T, tallied(mark, done, planned, streak)) == [expected]
    on_its_sunday = dataclasses.replace(tallied(mark, done, planned, streak), this_week=True)
    assert tally_lines(T, on_its_sunday) == ["This week" + expected.removeprefix("Last week")]


def test_no_tally_in_the_first_week() -> None:
    assert tally_lines(T, PreviewTally(None, None)) == []


def test_the_recap_paragraph() -> None:
    recap = MonthRecap(
        date(2026, 11, 1), 11, 12, 230, ((Focus.LEGS, 2), (Focus.UPPER, 1)), streak=4
    )
    assert recap_text(T, recap) == (
        "📆 <b>November in short:</b> 11 of 12 sessions done, about 230 minutes of "
        "strength. Up a level: Legs +2, Upper body +1. Streak at the month's end: 4 weeks."
    )
    steady = dataclasses.replace(recap, levels=(), streak=0)
    assert "Levels held steady." in recap_text(T, steady)
    assert "Streak" not in recap_text(T, steady)


# ------------------------------------------------------------------- through the bot


def previews(bot: BotHarness) -> list[str]:
    return [
        m["text"]
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and HEADER in m["text"]
    ]


async def seed(
    bot: BotHarness, days: Sequence[tuple[date, Focus, str | None]], status: str = "done"
) -> None:
    async with transaction(bot.sessions) as session:
        for day, focus, feedback in days:
            session.add(
                SessionLog(
                    chat_id=bot.chat_id,
                    local_date=day,
                    focus=focus.value,
                    status=status,
                    feedback=feedback,
                    created_at=datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC),
                )
            )


def week_of_sessions(monday: date, feedback: str | None = None) -> list[Any]:
    """The default plan's Tuesday and Thursday legs and Saturday upper body, done."""
    return [
        (monday + timedelta(days=1), Focus.LEGS, feedback),
        (monday + timedelta(days=3), Focus.LEGS, feedback),
        (monday + timedelta(days=5), Focus.UPPER, feedback),
    ]


async def preview_on(bot: BotHarness, instant: datetime) -> str:
    before = len(previews(bot))
    bot.clock.set(instant)
    await bot.tick()
    found = previews(bot)
    assert len(found) == before + 1, "no preview sent"
    return found[-1]


async def test_the_runners_first_week_has_no_tally(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("done")
    text = await preview_on(bot, berlin(2026, 11, 29, 18, 0))
    assert text.splitlines()[0].startswith("📅") and "week:" not in text


async def test_a_full_week_and_the_streak_open_the_preview(bot: BotHarness) -> None:
    await onboard(bot)
    mondays = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    await seed(bot, [day for monday in mondays for day in week_of_sessions(monday)])
    await seed(bot, week_of_sessions(date(2026, 11, 23))[:2])  # Tuesday and today
    bot.clock.set(berlin(2026, 11, 28, 9, 0))
    await bot.say("done")  # Saturday's upper body: the week is full
    text = await preview_on(bot, berlin(2026, 11, 29, 18, 0))
    assert text.splitlines()[0] == "This week: 3 of 3 ✅ · streak 4 weeks"
    assert text.splitlines()[2].startswith("📅") and "in short" not in text


async def test_one_short_is_almost_and_the_streak_holds(bot: BotHarness) -> None:
    await onboard(bot)
    # Two full weeks, then the third (not a lighter one: that is every 4th) one short.
    mondays = [date(2026, 11, 9), date(2026, 11, 16)]
    await seed(bot, [day for monday in mondays for day in week_of_sessions(monday)])
    await seed(bot, week_of_sessions(date(2026, 11, 23))[:2])  # Saturday not done
    text = await preview_on(bot, berlin(2026, 11, 29, 18, 0))
    assert text.splitlines()[0] == "This week: 2 of 3 — almost · streak 2 weeks, still on"


async def test_the_first_preview_of_december_recaps_november(bot: BotHarness) -> None:
    await onboard(bot)
    # November's weeks (2, 9, 16, 23): the first two felt just right (four legs sessions:
    # two levels; two upper body: one), one session of the 16th's week skipped (almost:
    # the streak holds, and the full week after adds to it).
    await seed(bot, week_of_sessions(date(2026, 11, 2), "right"))
    await seed(bot, week_of_sessions(date(2026, 11, 9), "right"))
    await seed(bot, week_of_sessions(date(2026, 11, 16))[:2])
    await seed(bot, week_of_sessions(date(2026, 11, 23)))
    await seed(bot, [(date(2026, 11, 21), Focus.UPPER, None)], status=LogStatus.SKIPPED)
    first = await preview_on(bot, berlin(2026, 11, 29, 18, 0))
    assert "in short" not in first
    december = await preview_on(bot, berlin(2026, 12, 6, 18, 0))
    lines = december.splitlines()
    assert lines[0].startswith("This week: 0 of 3")
    recap = lines[1]
    assert recap.startswith("📆 <b>November in short:</b> 11 of 12 sessions done, about ")
    assert "Up a level: Legs +2, Upper body +1." in recap
    assert recap.endswith("Streak at the month's end: 3 weeks.")
    minutes = int(recap.split("about ")[1].split(" minutes")[0])
    assert 11 * 10 <= minutes <= 11 * 30  # eleven sessions of the 20-minute budget
    assert lines[3].startswith("📅")
    # the next preview of December has none
    assert "in short" not in await preview_on(bot, berlin(2026, 12, 13, 18, 0))


async def test_no_recap_of_a_month_with_nothing_done(bot: BotHarness) -> None:
    """Signed up on 26 November, nothing done: December's first preview has no paragraph
    of zeros (helper T's finding: "November in short: 0 of 1 sessions done")."""
    await onboard(bot)
    december = await preview_on(bot, berlin(2026, 12, 6, 18, 0))
    assert "in short" not in december and "📅" in december


def preview_recap(bot: BotHarness) -> str:
    return next(
        line for text in reversed(previews(bot)) for line in text.splitlines() if "in short" in line
    )


async def test_the_recap_counts_the_calendar_months_days(bot: BotHarness) -> None:
    """Helper T's finding: the December recap counted Saturday 2 January (the week of
    28 Dec has its Thursday in December). Now: December's days, as /progress's "This
    month": Tue 29 and Thu 31 Dec done, Sat 2 Jan not December's, and the week of 28 Dec
    planned only on its December days."""
    await onboard(bot)
    mondays = [date(2026, 11, 30) + timedelta(weeks=w) for w in range(5)]
    done = [day for monday in mondays for day in week_of_sessions(monday)]
    await seed(bot, [(THURSDAY, Focus.LEGS, None), (date(2026, 11, 28), Focus.UPPER, None)])
    await seed(bot, done)  # the last: Saturday 2 January
    december = [day for day, _, _ in done if day.month == 12]
    await preview_on(bot, berlin(2027, 1, 3, 18, 0))
    recap = preview_recap(bot)
    assert recap.startswith(f"📆 <b>December in short:</b> {len(december)} of {len(december)} ")


async def test_the_recap_minutes_are_progress_minutes(bot: BotHarness) -> None:
    """The recap's minutes are /progress's for the same sessions (helper T: 40 against
    /progress's 33 for the same two November sessions)."""
    await onboard(bot)
    await seed(bot, [(THURSDAY, Focus.LEGS, None), (date(2026, 11, 28), Focus.UPPER, None)])
    bot.clock.set(berlin(2026, 11, 30, 9, 0))
    async with transaction(bot.sessions) as session:
        progress = await read_progress(session, CHAT, bot.clock.now(), catalog=CATALOG)
    assert progress is not None and progress.done_total == 2
    await preview_on(bot, berlin(2026, 12, 6, 18, 0))
    assert f"about {progress.minutes_total} minutes" in preview_recap(bot)


async def test_the_week_ending_on_the_previews_day_is_this_week(bot: BotHarness) -> None:
    """Helper T's finding: the Sunday preview said "Last week: 3 of 3" of the week ending
    that day while "what did I do last week?" a minute later meant the week before. On its
    Sunday the week is "this week"; a Monday preview tallies the week before as "last"."""
    await onboard(bot)
    await seed(bot, week_of_sessions(date(2026, 11, 16)))
    await seed(bot, week_of_sessions(date(2026, 11, 23)))
    sunday = await preview_on(bot, berlin(2026, 11, 29, 18, 0))
    assert sunday.splitlines()[0].startswith("This week: 3 of 3 ✅"), sunday
    answer = await bot.say("what did I do last week?")
    assert "(Monday 16 Nov – Sunday 22 Nov)" in answer[0]["text"]
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
        assert runner is not None
        runner.preview_day = 0  # Monday, from this Monday on
        runner.next_preview_utc = berlin(2026, 11, 30, 18, 0)
    monday = await preview_on(bot, berlin(2026, 11, 30, 18, 0))
    assert monday.splitlines()[0].startswith("Last week: 3 of 3 ✅"), monday

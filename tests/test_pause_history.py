"""Every pause is kept after it ends (``pause_periods``): /pause and /resume through the
real bot write it in step with the runner row, so a past week stays paused in the streak
and the chart whatever pause comes later."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coach.pause import PauseState
from bot.coach.plan import plan_for_date
from bot.coach.streaks import WeekMark
from bot.services.progress import read_progress
from bot.store import pauses
from bot.store.db import transaction
from bot.store.runners import week_of
from testkit.harness import CHAT, BotHarness, onboard, runner_row, shared_content

CATALOG = shared_content().catalog

BERLIN = ZoneInfo("Europe/Berlin")
THU = date(2026, 11, 26)  # the default onboarding's day (tests/conftest.py's clock)


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


async def pause_for(bot: BotHarness, length: str, reason: str) -> None:
    [question] = await bot.say("/pause")
    await bot.tap(length, question)
    await bot.tap(reason)


async def periods(bot: BotHarness, chat_id: int = CHAT) -> list[tuple[date, date | None, str]]:
    async with transaction(bot.sessions) as session:
        rows = await pauses.periods_of(session, chat_id)
    return [(row.first_day, row.last_day, str(row.reason)) for row in rows]


async def test_a_timed_pause_is_kept_and_an_early_resume_closes_it_the_day_before(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    await pause_for(bot, "A week", "Illness")
    assert await periods(bot) == [(THU, date(2026, 12, 2), "illness")]
    clock.set(at(2026, 11, 28, 9, 0))
    await bot.say("/resume")
    assert await periods(bot) == [(THU, date(2026, 11, 27), "illness")]


async def test_an_open_pause_ends_at_resume_and_a_later_pause_keeps_the_first(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    await pause_for(bot, "Until I resume", "Holiday")
    assert await periods(bot) == [(THU, None, "holiday")]
    clock.set(at(2026, 12, 11, 9, 0))
    await bot.say("/resume")
    first = (THU, date(2026, 12, 10), "holiday")
    assert await periods(bot) == [first]
    clock.set(at(2027, 1, 4, 9, 0))
    await pause_for(bot, "A few days", "Injury")
    assert await periods(bot) == [first, (date(2027, 1, 4), date(2027, 1, 6), "injury")]


async def test_changing_a_running_pause_keeps_one_period(bot: BotHarness, clock) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    await pause_for(bot, "A few days", "Other")
    clock.set(at(2026, 11, 27, 9, 0))
    [status] = await bot.say("/pause")  # already paused: keep it, or a new length
    await bot.tap("A week", status)
    await bot.tap("Illness")
    assert await periods(bot) == [(THU, date(2026, 12, 3), "illness")]


async def test_pause_and_resume_the_same_day_leave_no_period(bot: BotHarness, clock) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    await pause_for(bot, "A few days", "Other")
    await bot.say("/resume")
    assert await periods(bot) == []


async def test_a_runner_reads_only_their_own_pauses(bot: BotHarness, clock) -> None:
    other = CHAT + 1
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    await pause_for(bot, "A week", "Holiday")
    async with transaction(bot.sessions) as session:
        await pauses.record(
            session,
            other,
            PauseState(),
            PauseState(False, "illness", THU - timedelta(days=30), THU - timedelta(days=20)),
            at(2026, 11, 26, 6, 0),
        )
    assert await periods(bot) == [(THU, date(2026, 12, 2), "holiday")]
    assert await periods(bot, other) == [
        (THU - timedelta(days=30), THU - timedelta(days=20), "illness")
    ]


async def test_an_old_paused_week_is_still_paused_after_a_later_pause(
    bot: BotHarness, clock
) -> None:
    """The runner row forgets a pause once another one starts; the streak does not: the
    week with a few days off stays PAUSED (never breaks the streak) in January too."""
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    runner = await runner_row(bot)
    week = week_of(runner)
    monday = date(2026, 11, 30)
    sessions = [monday + timedelta(days=n) for n in range(7)]
    sessions = [day for day in sessions if plan_for_date(week, day) is not None]
    assert len(sessions) == 3, sessions
    first, second, _ = sessions
    clock.set(at(first.year, first.month, first.day, 9, 0))
    await bot.say("done")
    paused_on = first + timedelta(days=1)
    clock.set(at(paused_on.year, paused_on.month, paused_on.day, 9, 0))
    await pause_for(bot, "A few days", "Other")  # covers the second session
    assert paused_on <= second <= paused_on + timedelta(days=2)
    clock.set(at(2027, 1, 4, 9, 0))
    await pause_for(bot, "A week", "Holiday")
    runner = await runner_row(bot)
    assert runner.paused_from == date(2027, 1, 4)  # the row holds the latest pause only

    clock.set(at(2027, 1, 20, 9, 0))
    async with transaction(bot.sessions) as session:
        progress = await read_progress(session, CHAT, clock.now(), catalog=CATALOG)
    assert progress is not None
    marks = {tallied.facts.monday: tallied for tallied in progress.streak.weeks}
    old = marks[monday]
    assert (old.facts.planned, old.facts.done, old.facts.paused) == (2, 1, True)
    assert old.mark is WeekMark.PAUSED
    assert marks[date(2027, 1, 4)].mark is WeekMark.PAUSED  # all of it paused: shown as paused

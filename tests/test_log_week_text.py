"""/week's text says what each day holds as /today and "done" do: the sore-legs swap's
session, race week's core, no strength on race day; and race day brings no reminder."""

from __future__ import annotations

from datetime import UTC, datetime

from testkit.harness import BotHarness, FakeClock, onboard
from tests.test_log_exact import race_on_thursday, sore_on_tuesday


def line_of(week: str, day: str) -> str:
    [line] = [line for line in week.splitlines() if f" {day} — " in line]
    return line


async def test_week_names_the_swapped_session_not_the_planned_legs(
    bot: BotHarness, clock: FakeClock
) -> None:
    await sore_on_tuesday(bot, clock)
    [week] = await bot.say("/week")
    thursday = line_of(week["text"], "Thu")
    assert "Upper body" in thursday and "Legs" not in thursday, thursday


async def test_week_in_race_week_says_core_the_day_before_and_nothing_on_race_day(
    bot: BotHarness, clock: FakeClock
) -> None:
    await race_on_thursday(bot, clock)
    clock.set(datetime(2026, 12, 2, 6, 0, tzinfo=UTC))  # Wednesday
    [week] = await bot.say("/week")
    wednesday = line_of(week["text"], "Wed")
    assert "Core" in wednesday and "Legs" not in wednesday, wednesday
    thursday = line_of(week["text"], "Thu")
    assert not any(focus in thursday for focus in ("Core", "Legs", "Upper")), thursday


async def test_race_day_brings_no_reminder(bot: BotHarness, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Monday; core on Thursdays
    await onboard(bot, race_date="2026-12-03")
    clock.set(datetime(2026, 12, 3, 7, 0, tzinfo=UTC))  # race morning, after 07:00 Berlin
    mark = len(bot.stub.sent_messages(bot.chat_id))
    await bot.tick()
    assert bot.stub.sent_messages(bot.chat_id)[mark:] == []

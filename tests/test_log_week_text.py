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
    await sore_on_tuesday(bot, clock)  # Thursday's legs become core (issue 13's plan)
    [week] = await bot.say("/week")
    thursday = line_of(week["text"], "Thu")
    assert "Core" in thursday and "Legs" not in thursday, thursday


async def test_week_in_race_week_says_core_for_the_legs_and_nothing_on_race_eve_or_race_day(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Monday's legs 3 days before a half are core; race eve (Wednesday, once the core
    day this test checked) and race day hold nothing since issue 13."""
    await race_on_thursday(bot, clock)
    clock.set(datetime(2026, 12, 2, 6, 0, tzinfo=UTC))  # Wednesday
    [week] = await bot.say("/week")
    monday = line_of(week["text"], "Mon")
    assert "Core" in monday and "Legs" not in monday, monday
    for day in ("Wed", "Thu"):
        line = line_of(week["text"], day)
        assert not any(focus in line for focus in ("Core", "Legs", "Upper")), line


async def test_race_day_brings_no_reminder(bot: BotHarness, clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Monday; legs on Thursdays
    await onboard(bot, race_date="2026-12-03")
    clock.set(datetime(2026, 12, 3, 7, 0, tzinfo=UTC))  # race morning, after 07:00 Berlin
    mark = len(bot.stub.sent_messages(bot.chat_id))
    await bot.tick()
    assert bot.stub.sent_messages(bot.chat_id)[mark:] == []


async def test_the_preview_holds_no_session_on_race_day(bot: BotHarness, clock: FakeClock) -> None:
    """Legs on Thursdays, the race on Thursday 3 Dec: Sunday's preview of that week says
    race day, with no session beside it, as /today and /week will on the day."""
    from tests.test_preview import berlin, day_lines, previews, setup_thursday, tick_at

    await setup_thursday(bot, clock, race_date="2026-12-03")
    assert await tick_at(bot, clock, berlin(2026, 11, 29, 18, 0)) == 1
    [preview] = previews(bot)
    thursday = day_lines(preview["text"])["Thu 3"]
    assert not any(focus in thursday for focus in ("Core", "Legs", "Upper")), thursday


async def test_the_summary_says_why_a_week_of_hard_days_has_no_legs(bot: BotHarness) -> None:
    await bot.say("/start")
    answers = ["mon tue wed thu fri sat sun", "sun", "mon tue wed thu fri sat", "some", "none"]
    for answer in [*answers, "no", "2", "20", "7am", "Berlin", "no race"]:
        replies = await bot.say(answer)
    summary = replies[-1]["text"]
    assert "Looks good" in str(replies[-1].get("reply_markup")), summary
    assert "No legs session this week:" in summary, summary


async def test_the_evening_check_in_names_the_session_today_shows(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Sore after Tuesday's legs: Thursday's legs become core (issue 13's plan: legs Tue
    and Thu; of core and upper body, neither done, core first); the evening check-in,
    planned with the morning's reminder, names what /today shows, not the plan's legs."""
    from tests.test_promises_checkin import checkins, toggle_checkin

    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # Monday
    await onboard(bot, run_days="tue thu sun", long_run="sun", hard_days="thu")
    assert "check-in is on" in await toggle_checkin(bot)
    clock.set(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))  # Tuesday
    [done] = await bot.say("done")
    await bot.tap("Sore", done)
    for hour in (6, 19):  # Thursday: the 07:00 reminder, then the 20:00 check-in (Berlin)
        clock.set(datetime(2026, 11, 26, hour, 0, tzinfo=UTC))
        await bot.tick()
    [checkin] = checkins(bot)
    assert "Core" in checkin["text"] and "Legs" not in checkin["text"], checkin["text"]
    [today] = await bot.say("/today")
    assert "<b>Core</b>" in today["text"] and "instead of legs" in today["text"], today["text"]

"""/resume says which session is on: today's while it is not logged (a same-morning
/resume must not leave the runner thinking today is off), else the next one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.coach.plan import plan_for_date
from bot.store import runners
from testkit.harness import CHAT, BotHarness, onboard, runner_row, shared_content

BERLIN = ZoneInfo("Europe/Berlin")
T = shared_content().texts
UPPER = T("focus.upper")
THURSDAY = date(2026, 11, 26)


async def focus_on(bot: BotHarness, day: date) -> str:
    """The focus the runner's plan holds on ``day``, as the runner reads it (the plan, not
    a literal: 3 sessions are legs, legs, upper since issue 13)."""
    focus = plan_for_date(runners.week_of(await runner_row(bot)), day)
    assert focus is not None, day
    return T(f"focus.{focus.value}")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def pause_for(bot: BotHarness, length: str, reason: str) -> None:
    [question] = await bot.say("/pause")
    await bot.tap(length, question)
    await bot.tap(reason)


def reminders_sent(bot: BotHarness) -> list[dict]:
    return [
        m
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and m["text"].startswith("⏰ Time for today")
    ]


async def test_resume_the_next_morning_before_the_reminder_says_today_is_on(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 25, 8, 0))  # Wednesday
    await onboard(bot)  # Legs Tue, Legs Thu, Upper Sat; 07:00
    await pause_for(bot, "A few days", "Other")
    clock.set(at(2026, 11, 26, 6, 0))  # Thursday, before the reminder
    [back] = await bot.say("/resume")
    thursday = await focus_on(bot, THURSDAY)
    assert T("pause.today_still_on", focus=thursday) in back["text"]
    assert back["text"].endswith(
        T("pause.today_still_on", focus=thursday) + " Next reminder: today 07:00."
    )
    clock.set(at(2026, 11, 26, 7, 0))
    await bot.tick()
    assert len(reminders_sent(bot)) == 1


async def test_resume_the_same_morning_after_the_reminder_says_today_is_still_on(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot)
    clock.set(at(2026, 11, 26, 7, 0))
    await bot.tick()  # today's reminder is sent
    await pause_for(bot, "A week", "Illness")
    clock.set(at(2026, 11, 26, 9, 30))
    [back] = await bot.say("/resume")
    thursday = await focus_on(bot, THURSDAY)
    assert T("pause.today_still_on", focus=thursday) in back["text"]
    assert "Next reminder: Saturday 28 07:00." in back["text"]  # today's went out already
    [today] = await bot.say("/today")
    assert thursday in today["text"] and "paused" not in today["text"].lower()


async def test_resume_after_today_is_logged_or_on_a_rest_day_names_the_next_session(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 8, 0))
    await onboard(bot)
    await bot.say("done")
    [again] = await bot.say("/resume")
    thursday = await focus_on(bot, THURSDAY)
    assert T("pause.today_still_on", focus=thursday) not in again["text"]
    assert await focus_on(bot, date(2026, 11, 28)) == UPPER
    assert T("pause.next_session_on", focus=UPPER, day="Saturday 28 Nov") in again["text"]
    clock.set(at(2026, 11, 27, 9, 0))  # Friday: rest
    await pause_for(bot, "Until I resume", "Holiday")
    [back] = await bot.say("/resume")
    assert T("pause.next_session_on", focus=UPPER, day="Saturday 28 Nov") in back["text"]

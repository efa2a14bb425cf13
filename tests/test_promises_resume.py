"""/resume says which session is on: today's while it is not logged (a same-morning
/resume must not leave the runner thinking today is off), else the next one."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from testkit.harness import CHAT, BotHarness, onboard, shared_content

BERLIN = ZoneInfo("Europe/Berlin")
T = shared_content().texts
CORE, UPPER = T("focus.core"), T("focus.upper")


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
    await onboard(bot)  # Legs Tue, Core Thu, Upper Sat; 07:00
    await pause_for(bot, "A few days", "Other")
    clock.set(at(2026, 11, 26, 6, 0))  # Thursday, before the reminder
    [back] = await bot.say("/resume")
    assert T("pause.today_still_on", focus=CORE) in back["text"]
    assert back["text"].endswith(
        T("pause.today_still_on", focus=CORE) + " Next reminder: today 07:00."
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
    assert T("pause.today_still_on", focus=CORE) in back["text"]
    assert "Next reminder: Saturday 28 07:00." in back["text"]  # today's went out already
    [today] = await bot.say("/today")
    assert CORE in today["text"] and "paused" not in today["text"].lower()


async def test_resume_after_today_is_logged_or_on_a_rest_day_names_the_next_session(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 8, 0))
    await onboard(bot)
    await bot.say("done")
    [again] = await bot.say("/resume")
    assert T("pause.today_still_on", focus=CORE) not in again["text"]
    assert T("pause.next_session_on", focus=UPPER, day="Saturday 28 Nov") in again["text"]
    clock.set(at(2026, 11, 27, 9, 0))  # Friday: rest
    await pause_for(bot, "Until I resume", "Holiday")
    [back] = await bot.say("/resume")
    assert T("pause.next_session_on", focus=UPPER, day="Saturday 28 Nov") in back["text"]

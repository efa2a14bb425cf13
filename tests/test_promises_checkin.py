"""The evening check-in is kept for runners with no daily reminder: once, on session days
they have not logged, at the evening hour — not on logged, paused or rest days — through
re-ticks and restarts, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.coach.plan import plan_for_date
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Reminder
from testkit.harness import CHAT, BotHarness, onboard, runner_row, shared_content

BERLIN = ZoneInfo("Europe/Berlin")
T = shared_content().texts
THU, FRI, SAT = date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)  # Legs, rest, Upper


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def checkins(bot: BotHarness) -> list[dict]:
    return [
        m
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and m["text"].startswith("🌙 Evening check-in:")
    ]


async def rows(bot: BotHarness) -> list[tuple[date, str, str]]:
    async with transaction(bot.sessions) as session:
        found = (await session.exec(select(Reminder).order_by(Reminder.id))).all()
    return [(row.local_date, row.kind, row.status) for row in found if row.kind != "preview"]


async def toggle_checkin(bot: BotHarness) -> str:
    menu = (await bot.say("/settings"))[-1]
    [reply] = await bot.tap("Evening check-in:", menu)
    return str(reply["text"])


async def no_reminders(bot: BotHarness) -> None:
    await bot.say("/settings")
    await bot.tap(T("settings_field.reminder_time"))
    await bot.tap(T("buttons.no_reminders"))
    assert (await runner_row(bot)).reminder_time is None


async def checkin_only(bot: BotHarness, clock, hour: int = 6) -> None:
    """Set up on Thursday morning with a 07:00 reminder, turn the check-in on, then turn
    the daily reminder off: the check-in is all that is left."""
    clock.set(at(2026, 11, 26, hour, 0))
    await onboard(bot)  # Legs Tue, Legs Thu, Upper Sat (3 sessions: legs, legs, upper)
    assert "check-in is on" in await toggle_checkin(bot)
    await no_reminders(bot)


async def tick_at(bot: BotHarness, clock, *moments: tuple[int, ...]) -> None:
    for moment in moments:
        clock.set(at(*moment))
        await bot.tick()


async def test_a_runner_without_a_reminder_gets_the_evening_check_in_once(
    bot: BotHarness, clock
) -> None:
    await checkin_only(bot, clock)
    await tick_at(bot, clock, (2026, 11, 26, 7, 0), (2026, 11, 26, 12, 0), (2026, 11, 26, 19, 59))
    assert checkins(bot) == []  # no morning reminder, nothing before the evening
    assert not [m for m in bot.stub.sent_messages(CHAT) if m["text"].startswith("⏰")]
    await tick_at(bot, clock, (2026, 11, 26, 20, 0), (2026, 11, 26, 20, 0), (2026, 11, 26, 20, 1))
    await bot.restart()
    await tick_at(bot, clock, (2026, 11, 26, 20, 30), (2026, 11, 26, 23, 59))
    [checkin] = checkins(bot)
    # The check-in names the session the plan holds today (derived, not a literal).
    focus = plan_for_date(runners.week_of(await runner_row(bot)), THU)
    assert focus is not None
    assert checkin["text"] == T("misc.checkin", focus=T(f"focus.{focus.value}"))
    assert "Skip" in str(checkin["reply_markup"])
    assert await rows(bot) == [(THU, "checkin", "sent")]


async def test_no_check_in_on_a_logged_day_or_a_rest_day_and_one_on_the_next_session_day(
    bot: BotHarness, clock
) -> None:
    await checkin_only(bot, clock)
    clock.set(at(2026, 11, 26, 18, 0))
    await bot.say("done")
    await tick_at(bot, clock, (2026, 11, 26, 20, 0), (2026, 11, 26, 21, 0))
    await tick_at(bot, clock, (2026, 11, 27, 0, 0), (2026, 11, 27, 20, 0))  # Friday: rest
    assert checkins(bot) == []
    await tick_at(bot, clock, (2026, 11, 28, 0, 1), (2026, 11, 28, 20, 0), (2026, 11, 28, 20, 5))
    [checkin] = checkins(bot)
    assert T("focus.upper") in checkin["text"]
    assert FRI not in {day for day, _, _ in await rows(bot)}
    assert await rows(bot) == [(THU, "checkin", "cancelled"), (SAT, "checkin", "sent")]


async def test_no_check_in_while_paused_and_none_after_it_is_turned_off(
    bot: BotHarness, clock
) -> None:
    await checkin_only(bot, clock)
    [question] = await bot.say("/pause")
    await bot.tap("A few days", question)
    await bot.tap("Other")  # Thursday to Saturday
    await tick_at(bot, clock, (2026, 11, 26, 20, 0), (2026, 11, 28, 20, 0))
    assert checkins(bot) == []
    clock.set(at(2026, 11, 30, 9, 0))
    await bot.say("/resume")
    await tick_at(bot, clock, (2026, 12, 1, 0, 0))  # Tuesday, Legs: planned at the day's start
    assert (await rows(bot))[-1] == (date(2026, 12, 1), "checkin", "scheduled")
    clock.set(at(2026, 12, 1, 12, 0))
    assert "check-in is off" in await toggle_checkin(bot)
    await tick_at(bot, clock, (2026, 12, 1, 20, 0), (2026, 12, 3, 20, 0))
    assert checkins(bot) == []
    assert (await runner_row(bot)).next_reminder_utc is None


async def test_after_a_day_down_the_missed_evening_is_recorded_and_today_still_asked(
    bot: BotHarness, clock
) -> None:
    await checkin_only(bot, clock)
    # Down from Thursday morning until Saturday 21:00 (Upper, not logged).
    await tick_at(bot, clock, (2026, 11, 28, 21, 0), (2026, 11, 28, 21, 1))
    [checkin] = checkins(bot)
    assert T("focus.upper") in checkin["text"]
    assert await rows(bot) == [(THU, "checkin", "missed"), (SAT, "checkin", "sent")]


async def test_the_pause_confirmation_names_no_reminder_when_only_the_check_in_is_on(
    bot: BotHarness, clock
) -> None:
    await checkin_only(bot, clock)
    [question] = await bot.say("/pause")
    await bot.tap("A week", question)
    [confirmation] = await bot.tap("Holiday")
    assert "Paused until <b>Thursday 3 Dec</b>" in confirmation["text"]
    assert "First reminder back" not in confirmation["text"]  # the stored instant is 00:00
    assert (await runner_row(bot)).next_reminder_utc == at(2026, 12, 3, 0, 0)


async def test_turning_the_check_in_on_without_a_reminder_time_keeps_the_promise(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot, reminder="no reminders")
    assert "check-in is on" in await toggle_checkin(bot)
    await tick_at(bot, clock, (2026, 11, 26, 20, 0), (2026, 11, 26, 20, 1))
    assert len(checkins(bot)) == 1

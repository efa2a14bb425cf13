"""Reminders through the real bot: at the runner's local time, on strength days, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import Reminder
from testkit.harness import CHAT, BotHarness, onboard, runner_row
from tests.planned_day import session_label

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def reminder_rows(bot: BotHarness) -> list[Reminder]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(Reminder).order_by(Reminder.local_date))).all())


def reminders_sent(bot: BotHarness) -> list[dict]:
    return [m for m in bot.stub.sent_messages(CHAT) if "Time for today's strength" in m["text"]]


async def test_the_reminder_comes_at_the_runners_local_time_with_the_session(
    bot: BotHarness, clock
) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)  # a session on Thursday (Legs since issue 13), reminders at 07:00 Berlin
    focus = await session_label(bot)
    assert (await runner_row(bot)).next_reminder_utc == berlin(2026, 11, 26, 7, 0)
    clock.set(berlin(2026, 11, 26, 6, 59))
    assert (await bot.tick()).sent == 0
    clock.set(berlin(2026, 11, 26, 7, 0))
    report = await bot.tick()
    assert report.sent == 1
    [reminder] = reminders_sent(bot)
    assert focus in reminder["text"]
    labels = [b["text"] for row in reminder["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["✅ Done", "⏭ Skip", "⇄ Swap", "⏰ Later"]
    [row] = await reminder_rows(bot)
    assert (row.local_date, row.status, row.message_id) == (
        date(2026, 11, 26),
        "sent",
        reminder["message_id"],
    )
    # the next one is Saturday's upper-body session at 07:00
    assert (await runner_row(bot)).next_reminder_utc == berlin(2026, 11, 28, 7, 0)
    # With the session: the very message /today shows (moves, doses, notes), under the nudge.
    [today] = await bot.say("/today")
    assert reminder["text"].endswith("\n\n" + today["text"]), (reminder["text"], today["text"])


async def test_no_reminder_on_days_without_strength_and_never_twice(bot: BotHarness, clock) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)
    sent_days = []
    instant = berlin(2026, 11, 26, 6, 0)
    # Tick every 30 minutes for a week, restarting the bot once a day.
    while instant < berlin(2026, 12, 3, 6, 0):
        instant += timedelta(minutes=30)
        clock.set(instant)
        before = len(reminders_sent(bot))
        await bot.tick()
        if len(reminders_sent(bot)) > before:  # a session reminder, not the Sunday preview
            sent_days.append(instant.astimezone(BERLIN))
        if instant.astimezone(BERLIN).hour == 12 and instant.minute == 0:
            await bot.restart()
    assert [(d.date(), d.strftime("%H:%M")) for d in sent_days] == [
        (date(2026, 11, 26), "07:00"),
        (date(2026, 11, 28), "07:00"),
        (date(2026, 12, 1), "07:00"),
    ]
    assert len(reminders_sent(bot)) == 3


async def test_no_reminder_when_the_session_is_already_logged(bot: BotHarness, clock) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)
    await bot.say("done")  # an early bird
    clock.set(berlin(2026, 11, 26, 7, 0))
    report = await bot.tick()
    assert report.sent == 0
    assert reminders_sent(bot) == []


async def test_no_reminder_while_paused_and_back_after_resume(bot: BotHarness, clock) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)
    [asked] = await bot.say("/pause")
    await bot.tap("Until I resume", asked)
    [paused] = await bot.tap("Other")
    assert "Paused until you send /resume" in paused["text"]
    for hour in range(7, 24):
        clock.set(berlin(2026, 11, 26, hour, 0))
        assert (await bot.tick()).sent == 0
    clock.set(berlin(2026, 11, 27, 9, 0))
    [resumed] = await bot.say("/resume")
    assert "Next reminder: Saturday 28 07:00" in resumed["text"]
    clock.set(berlin(2026, 11, 28, 7, 0))
    assert (await bot.tick()).sent == 1


async def test_two_ticks_at_once_send_one_reminder(bot: BotHarness, clock) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)
    clock.set(berlin(2026, 11, 26, 7, 0))
    reports = await asyncio.gather(bot.tick(), bot.tick())
    assert sum(report.sent for report in reports) == 1
    assert len(reminders_sent(bot)) == 1


async def test_a_reminder_missed_during_downtime_is_sent_late_the_same_day(
    bot: BotHarness, clock
) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)
    await bot.stop()
    clock.set(berlin(2026, 11, 26, 9, 30))  # down from 06:30 to 09:30
    await bot.start()
    assert (await bot.tick()).sent == 1
    assert len(reminders_sent(bot)) == 1


async def test_a_reminder_too_late_is_recorded_as_missed_not_sent(bot: BotHarness, clock) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)
    clock.set(berlin(2026, 11, 27, 10, 0))  # down until the next day
    report = await bot.tick()
    assert (report.sent, report.missed) == (0, 1)
    [row] = await reminder_rows(bot)
    assert (row.local_date, row.status) == (date(2026, 11, 26), "missed")
    assert (await runner_row(bot)).next_reminder_utc == berlin(2026, 11, 28, 7, 0)


async def test_a_runner_who_blocked_the_bot_is_not_reminded_until_they_write(
    bot: BotHarness, clock
) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)
    bot.stub.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    clock.set(berlin(2026, 11, 26, 7, 0))
    report = await bot.tick()
    assert report.blocked == 1
    runner = await runner_row(bot)
    assert (runner.active, runner.next_reminder_utc) == (False, None)
    clock.set(berlin(2026, 11, 28, 7, 0))
    assert (await bot.tick()).sent == 0
    await bot.say("/today")  # they unblocked and wrote again
    runner = await runner_row(bot)
    assert runner.active and runner.next_reminder_utc == berlin(2026, 12, 1, 7, 0)


async def test_seven_am_stays_seven_am_across_the_spring_dst_change(bot: BotHarness, clock) -> None:
    clock.set(berlin(2027, 3, 22, 5, 0))  # Monday before the change on Sunday 28 March 2027
    await onboard(bot, run_days="mon-sun", long_run="sun", hard_days="tue thu")
    local_times = []
    for _ in range(8):
        due = (await runner_row(bot)).next_reminder_utc
        assert due is not None
        clock.set(due)
        assert (await bot.tick()).sent == 1
        local_times.append(due.astimezone(BERLIN))
    assert {t.strftime("%H:%M") for t in local_times} == {"07:00"}
    assert len({t.date() for t in local_times}) == 8
    assert any(t.date() > date(2027, 3, 28) for t in local_times)
    offsets = {t.utcoffset() for t in local_times}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}


async def test_a_runner_who_moves_timezone_is_not_reminded_twice_for_one_day(
    bot: BotHarness, clock
) -> None:
    clock.set(berlin(2026, 11, 26, 6, 0))
    await onboard(bot)
    clock.set(berlin(2026, 11, 26, 7, 0))
    assert (await bot.tick()).sent == 1
    # 07:05 in Berlin is 01:05 the same day in New York: Thursday has been reminded.
    clock.set(berlin(2026, 11, 26, 7, 5))
    await bot.say("/settings")
    await bot.tap("Timezone")
    await bot.say("new york")
    runner = await runner_row(bot)
    assert runner.timezone == "America/New_York"
    new_york = ZoneInfo("America/New_York")
    assert runner.next_reminder_utc == datetime(2026, 11, 28, 7, 0, tzinfo=new_york)
    for hour in range(8, 24):
        clock.set(berlin(2026, 11, 26, hour, 0) + timedelta(hours=6))
        assert (await bot.tick()).sent == 0

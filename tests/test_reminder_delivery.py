"""Reminders under faults, snoozes, check-ins, DST and travel — through the real bot."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.health import Health, PollWatch, Watchdog
from bot.sending import RetryPolicy, with_retries
from bot.store.db import transaction
from bot.store.models import Reminder
from testkit.harness import CHAT, BotHarness, button_data, onboard, runner_row
from tests.planned_day import session_label

BERLIN = ZoneInfo("Europe/Berlin")


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)


async def rows(bot: BotHarness) -> list[tuple[date, str, str]]:
    async with transaction(bot.sessions) as session:
        found = (await session.exec(select(Reminder).order_by(Reminder.id))).all()
    # Weekly previews have tests of their own (tests/test_preview.py).
    return [(row.local_date, row.kind, row.status) for row in found if row.kind != "preview"]


def reminders_sent(bot: BotHarness) -> list[dict]:
    return [
        m
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and m["text"].startswith("⏰ Time for today")
    ]


async def tick_reminds(bot: BotHarness) -> bool:
    """One tick; True if it sent a session reminder (not the Sunday preview)."""
    before = len(reminders_sent(bot))
    await bot.tick()
    return len(reminders_sent(bot)) > before


async def setup_thursday(bot: BotHarness, clock, **answers: str) -> None:
    clock.set(at(BERLIN, 2026, 11, 26, 6, 0))
    await onboard(bot, **answers)  # Legs Tue, Legs Thu, Upper Sat (issue 13); 07:00 Berlin


# ---- catch-up ---------------------------------------------------------------------------


async def test_a_late_tick_still_sends_the_reminder_once(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 40))  # the event loop stalled for 40 minutes
    assert (await bot.tick()).sent == 1
    assert (await bot.tick()).sent == 0
    assert len(reminders_sent(bot)) == 1


async def test_every_day_missed_during_a_long_downtime_is_recorded(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    clock.set(at(BERLIN, 2026, 12, 1, 9, 0))  # down from Thursday to Tuesday 09:00
    report = await bot.tick()
    assert (report.sent, report.missed) == (1, 2)
    assert await rows(bot) == [
        (date(2026, 11, 26), "daily", "missed"),
        (date(2026, 11, 28), "daily", "missed"),
        (date(2026, 12, 1), "daily", "sent"),
    ]
    assert (await runner_row(bot)).next_reminder_utc == at(BERLIN, 2026, 12, 3, 7, 0)


# ---- Telegram's limits and errors -------------------------------------------------------


async def test_server_errors_are_retried_with_backoff(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    bot.stub.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    report = await bot.tick()
    assert (report.sent, report.failed) == (1, 0)
    assert bot.sleeps == [0.5, 1.0]
    assert await rows(bot) == [(date(2026, 11, 26), "daily", "sent")]


async def test_retries_stop_at_the_cap(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    bot.stub.fail_next("sendMessage", 500, "Internal Server Error", times=10)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    report = await bot.tick()
    # Out of tries within the send: not failed for good, but deferred to a later tick.
    assert (report.sent, report.failed, report.deferred) == (0, 0, 1)
    assert bot.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert await rows(bot) == [(date(2026, 11, 26), "daily", "retry")]


async def test_a_429_waits_retry_after_and_delivers(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    bot.stub.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    report = await bot.tick()
    assert (report.sent, report.failed) == (1, 0)
    assert len(reminders_sent(bot)) == 1


async def test_chat_not_found_stops_reminders_until_the_runner_writes(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    bot.stub.fail_next("sendMessage", 400, "Bad Request: chat not found")
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    assert (await bot.tick()).blocked == 1
    assert not (await runner_row(bot)).active
    await bot.say("hello again")
    runner = await runner_row(bot)
    assert runner.active and runner.next_reminder_utc == at(BERLIN, 2026, 11, 28, 7, 0)


async def test_another_bad_request_is_not_retried_and_not_blocking(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    bot.stub.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    report = await bot.tick()
    assert (report.failed, report.blocked, bot.sleeps) == (1, 0, [])
    assert (await runner_row(bot)).active


async def test_a_success_after_a_timeout_is_counted_as_a_possible_duplicate() -> None:
    from telegram.error import TimedOut

    calls = []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise TimedOut("answer lost")
        return "ok"

    async def no_wait(_: float) -> None:
        return None

    delivered = await with_retries(flaky, policy=RetryPolicy(attempts=3), sleep=no_wait)
    assert (delivered.value, delivered.maybe_duplicate, len(calls)) == ("ok", True, 2)


# ---- snooze -------------------------------------------------------------------------------


async def snooze(bot: BotHarness, choice: str) -> list[dict]:
    [reminder] = reminders_sent(bot)[-1:]
    await bot.tap("Later", reminder)
    current = bot.stub.message(CHAT, reminder["message_id"])
    assert current is not None
    return await bot.tap(choice, current)


async def test_later_reminds_once_more_and_keeps_the_daily_schedule(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    await bot.tick()
    schedule = (await runner_row(bot)).next_reminder_utc
    clock.set(at(BERLIN, 2026, 11, 26, 7, 5))
    [reply] = await snooze(bot, "1 hour")
    assert "08:05" in reply["text"]
    assert (await runner_row(bot)).next_reminder_utc == schedule
    clock.set(at(BERLIN, 2026, 11, 26, 8, 4))
    assert (await bot.tick()).sent == 0
    await bot.restart()  # a snooze survives a restart
    clock.set(at(BERLIN, 2026, 11, 26, 8, 5))
    assert (await bot.tick()).sent == 1
    clock.set(at(BERLIN, 2026, 11, 26, 12, 0))
    assert (await bot.tick()).sent == 0
    assert len(reminders_sent(bot)) == 2
    assert (await runner_row(bot)).next_reminder_utc == schedule


async def test_no_snoozed_reminder_after_the_session_is_logged(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    await bot.tick()
    await snooze(bot, "30 min")
    await bot.say("done")
    clock.set(at(BERLIN, 2026, 11, 26, 7, 31))
    report = await bot.tick()
    assert report.sent == 0
    assert (date(2026, 11, 26), "snooze", "cancelled") in await rows(bot)


async def test_a_snooze_past_midnight_is_refused_politely(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock, reminder="22:30")
    clock.set(at(BERLIN, 2026, 11, 26, 22, 30))
    await bot.tick()
    [reminder] = reminders_sent(bot)  # "3 hours" is no longer offered: pressed from old data
    [reply] = await bot.press(reminder["message_id"], button_data(reminder, "Later") + ":180")
    assert "too late today" in reply["text"]
    assert all(kind == "daily" for _, kind, _ in await rows(bot))


async def test_a_snooze_button_from_yesterday_is_answered_not_scheduled(
    bot: BotHarness, clock
) -> None:
    await setup_thursday(bot, clock)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    await bot.tick()
    [reminder] = reminders_sent(bot)
    clock.set(at(BERLIN, 2026, 11, 27, 9, 0))
    await bot.press(reminder["message_id"], button_data(reminder, "Later") + ":60")
    assert "earlier day" in bot.callback_answers()[-1]
    assert all(kind == "daily" for _, kind, _ in await rows(bot))


# ---- evening check-in -----------------------------------------------------------------------


async def turn_checkin_on(bot: BotHarness) -> None:
    menu = (await bot.say("/settings"))[-1]
    [reply] = await bot.tap("Evening check-in: off", menu)
    assert "check-in is on" in reply["text"]
    assert (await runner_row(bot)).checkin_enabled


async def test_the_evening_check_in_is_off_by_default(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    for hour in (7, 20, 21, 23):
        clock.set(at(BERLIN, 2026, 11, 26, hour, 0))
        await bot.tick()
    assert [kind for _, kind, _ in await rows(bot)] == ["daily"]


async def test_one_evening_check_in_when_the_session_is_not_logged(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    await turn_checkin_on(bot)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    await bot.tick()
    for minute in (0, 1, 30):
        clock.set(at(BERLIN, 2026, 11, 26, 20, minute))
        await bot.tick()
    checkins = [m for m in bot.stub.sent_messages(CHAT) if "Evening check-in:" in m["text"]]
    assert len(checkins) == 1
    assert f"today's {await session_label(bot)} session" in checkins[0]["text"]


async def test_no_check_in_when_the_session_is_logged(bot: BotHarness, clock) -> None:
    await setup_thursday(bot, clock)
    await turn_checkin_on(bot)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    await bot.tick()
    await bot.say("done")
    clock.set(at(BERLIN, 2026, 11, 26, 20, 0))
    assert (await bot.tick()).sent == 0
    assert (date(2026, 11, 26), "checkin", "cancelled") in await rows(bot)


# ---- DST and the calendar -------------------------------------------------------------------


def transitions(zone: ZoneInfo, year: int) -> list[date]:
    """The local dates on which the zone's UTC offset changes."""
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        before = datetime(day.year, day.month, day.day, tzinfo=zone).utcoffset()
        after = (
            datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(days=1)
        ).utcoffset()
        if before != after:
            days.append(day)
        day += timedelta(days=1)
    return days


@pytest.mark.parametrize(
    ("zone_name", "city"),
    [("America/New_York", "new york"), ("Australia/Lord_Howe", "Lord Howe")],
)
async def test_seven_am_stays_seven_am_across_both_changes(
    bot: BotHarness, clock, zone_name: str, city: str
) -> None:
    zone = ZoneInfo(zone_name)
    changes = transitions(zone, 2027)
    assert len(changes) == 2
    clock.set(at(zone, 2027, 1, 1, 5, 0))
    await onboard(bot, run_days="mon-sun", long_run="sun", hard_days="tue thu", zone=city)
    seen: list[datetime] = []
    while len(seen) < 300:
        due = (await runner_row(bot)).next_reminder_utc
        assert due is not None
        if due.astimezone(zone).date() > changes[1] + timedelta(days=7):
            break
        clock.set(due)
        assert (await bot.tick()).sent == 1
        seen.append(due.astimezone(zone))
    assert {moment.strftime("%H:%M") for moment in seen} == {"07:00"}
    assert len({moment.date() for moment in seen}) == len(seen)
    offsets = {moment.utcoffset() for moment in seen}
    assert len(offsets) == 2


async def test_a_time_that_does_not_exist_comes_once_at_the_first_valid_minute(
    bot: BotHarness, clock
) -> None:
    clock.set(at(BERLIN, 2027, 3, 27, 12, 0))  # the day before spring-forward
    # With a Wednesday long run, Sunday 28 March 2027 is a legs day (issue 13's plan).
    await onboard(bot, run_days="mon-sun", long_run="wed", hard_days="none", reminder="2:30")
    sent_local = []
    for minutes in range(0, 60 * 48, 15):
        clock.set(at(BERLIN, 2027, 3, 27, 12, 0) + timedelta(minutes=minutes))
        if await tick_reminds(bot):
            sent_local.append(clock.now().astimezone(BERLIN))
    on_the_day = [moment for moment in sent_local if moment.date() == date(2027, 3, 28)]
    assert [moment.strftime("%H:%M") for moment in on_the_day] == ["03:00"]
    assert len({moment.date() for moment in sent_local}) == len(sent_local)


async def test_a_repeated_time_on_the_fall_back_day_comes_once(bot: BotHarness, clock) -> None:
    clock.set(at(BERLIN, 2026, 10, 24, 12, 0))
    # With a Wednesday long run, Sunday 25 October 2026 is a legs day (issue 13's plan).
    await onboard(bot, run_days="mon-sun", long_run="wed", hard_days="none", reminder="2:30")
    sent = []
    instant = at(BERLIN, 2026, 10, 24, 12, 0)
    while instant < at(BERLIN, 2026, 10, 27, 12, 0):
        instant += timedelta(minutes=10)
        clock.set(instant)
        if await tick_reminds(bot):
            sent.append(instant.astimezone(BERLIN))
    assert len({moment.date() for moment in sent}) == len(sent)
    assert date(2026, 10, 25) in {moment.date() for moment in sent}
    assert all(moment.strftime("%H:%M") == "02:30" for moment in sent)
    fall_back = [m for m in sent if m.date() == date(2026, 10, 25)]
    assert fall_back[0].utcoffset() == timedelta(hours=2)  # the first of the two 02:30s


async def test_the_29th_of_february_is_a_day_like_any_other(bot: BotHarness, clock) -> None:
    clock.set(at(BERLIN, 2028, 2, 28, 5, 0))
    # With a Wednesday long run, Tuesday 29 February 2028 is an upper-body day (issue 13).
    await onboard(bot, run_days="mon-sun", long_run="wed", hard_days="none")
    days = []
    for _ in range(6):
        due = (await runner_row(bot)).next_reminder_utc
        assert due is not None
        clock.set(due)
        assert (await bot.tick()).sent == 1
        days.append(due.astimezone(BERLIN).date())
    assert days == sorted(set(days))
    assert date(2028, 2, 29) in days


# ---- watchdog ---------------------------------------------------------------------------------


def test_the_watchdog_logs_a_stalled_scheduler_and_poller_loudly(caplog) -> None:
    now = [0.0]
    health = Health(monotonic=lambda: now[0])
    health.watch_polling = True
    watchdog = Watchdog(health, tick_limit=90, poll_limit=90)
    now[0] = 60
    health.tick_completed()
    health.poll_succeeded()
    assert watchdog.check() == []
    now[0] = 200  # 140 s since the last tick and poll
    with caplog.at_level(logging.ERROR, logger="bot.watchdog"):
        stalls = watchdog.check()
    assert len(stalls) == 2
    assert [r.levelno for r in caplog.records] == [logging.ERROR, logging.ERROR]
    assert "scheduler stalled" in caplog.text and "polling stalled" in caplog.text


async def test_a_successful_get_updates_is_noted(bot: BotHarness) -> None:
    health = bot.deps.health
    before = health.last_poll
    watched = PollWatch(bot.app.bot._request[0], health)  # the getUpdates request
    assert isinstance(bot.app.bot._request[0], PollWatch)
    await watched.do_request(f"{bot.stub.base_url}123:abc/getUpdates", "POST")
    assert health.last_poll >= before

"""⏰ Later offers only the delays that still fit the day, and every delay it offers is
taken: the offer and the snooze ask one rule (``services.snooze.fitting``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.messages.callbacks import SNOOZE_MINUTES
from bot.services.snooze import fitting
from testkit.harness import CHAT, BotHarness, onboard, shared_content

BERLIN = ZoneInfo("Europe/Berlin")
T = shared_content().texts
LABELS = {minutes: T(f"buttons.snooze_{minutes}") for minutes in SNOOZE_MINUTES}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def reminders_sent(bot: BotHarness) -> list[dict]:
    return [
        m
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and m["text"].startswith("⏰ Time for today")
    ]


def labels(message: dict) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


async def reminded_at(bot: BotHarness, clock, reminder: str, hour: int, minute: int) -> dict:
    """Set up on Thursday (a Core day) with a reminder at ``reminder``; tick at the given
    time on Thursday and return the reminder it sent."""
    clock.set(at(2026, 11, 26, 6, 0))
    await onboard(bot, reminder=reminder)
    clock.set(at(2026, 11, 26, hour, minute))
    await bot.tick()
    [sent] = reminders_sent(bot)
    return sent


async def test_at_ten_in_the_evening_three_hours_is_not_offered_and_one_hour_is_kept(
    bot: BotHarness, clock
) -> None:
    reminder = await reminded_at(bot, clock, "22:00", 22, 0)
    assert await bot.tap("Later", reminder) == []  # the offer edits the reminder in place
    offer = bot.stub.message(CHAT, reminder["message_id"])
    assert offer is not None
    shown = labels(offer)
    assert LABELS[30] in shown and LABELS[60] in shown
    assert LABELS[180] not in shown
    [reply] = await bot.tap(LABELS[60], offer)
    assert reply["text"] == T("misc.snoozed", time="23:00")
    clock.set(at(2026, 11, 26, 23, 0))
    assert (await bot.tick()).sent == 1


async def test_with_no_delay_left_in_the_day_it_says_so_instead_of_offering_buttons(
    bot: BotHarness, clock
) -> None:
    reminder = await reminded_at(bot, clock, "23:00", 23, 0)
    clock.set(at(2026, 11, 26, 23, 40))  # Later tapped 40 minutes on: 30 min would be tomorrow
    [reply] = await bot.tap("Later", reminder)
    assert reply["text"] == T("snooze.no_time_left")
    assert not reply.get("reply_markup")
    current = bot.stub.message(CHAT, reminder["message_id"])
    assert current is not None
    shown = labels(current)
    assert not any(label in shown for label in LABELS.values())
    assert T("buttons.later") not in shown
    assert any("Done" in label for label in shown)  # the session's own buttons stay


async def test_a_reminder_sent_too_late_for_any_delay_comes_without_later(
    bot: BotHarness, clock
) -> None:
    reminder = await reminded_at(bot, clock, "23:45", 23, 45)
    shown = labels(reminder)
    assert T("buttons.later") not in shown and any("Done" in label for label in shown)


@pytest.mark.parametrize(("hour", "minute"), [(21, 0), (22, 45), (23, 15), (23, 29)])
async def test_every_delay_offered_is_accepted(
    bot: BotHarness, clock, hour: int, minute: int
) -> None:
    reminder = await reminded_at(bot, clock, f"{hour:02d}:{minute:02d}", hour, minute)
    await bot.tap("Later", reminder)
    offer = bot.stub.message(CHAT, reminder["message_id"])
    assert offer is not None
    offered = [minutes for minutes, label in LABELS.items() if label in labels(offer)]
    assert offered == list(fitting(SNOOZE_MINUTES, date(2026, 11, 26), BERLIN, clock.now()))
    for minutes in offered:
        [reply] = await bot.tap(LABELS[minutes], offer)
        local = clock.now() + timedelta(minutes=minutes)
        assert reply["text"] == T("misc.snoozed", time=local.astimezone(BERLIN).strftime("%H:%M"))
        await bot.tap("Later", reminder)  # offer again for the next one


ZONES = st.sampled_from(
    ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
)


@given(
    instant=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    zone_name=ZONES,
)
def test_the_delays_that_fit_land_on_the_day_and_shorter_ones_always_fit(
    instant: datetime, zone_name: str
) -> None:
    zone = ZoneInfo(zone_name)
    day = instant.astimezone(zone).date()
    fits = fitting(SNOOZE_MINUTES, day, zone, instant)
    for minutes in SNOOZE_MINUTES:
        lands = (instant + timedelta(minutes=minutes)).astimezone(zone).date()
        assert (minutes in fits) == (lands == day)
    # The offer is never "3 hours" without "1 hour": a shorter delay always fits first.
    assert list(fits) == sorted(SNOOZE_MINUTES)[: len(fits)]
    assert fitting(SNOOZE_MINUTES, day - timedelta(days=1), zone, instant) == ()

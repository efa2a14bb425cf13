"""Skip → why → move, and missed sessions offered again — through the real bot.

The runner (two sessions a week, runs Tue/Thu/Sun, long run Sunday, Tuesday intervals)
has Legs on Tuesdays and Fridays (issue 13's plan: two leg sessions 48 h apart where the
week allows; it had Upper body on Friday before). The stories skip Tuesday 1 Dec's legs:
Wednesday keeps every rule (Thursday is an easy run, Friday's legs are 48 h later), while
Friday's legs could go nowhere (Saturday is the eve of the long run).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import Move, SessionLog
from testkit.harness import CHAT, BotHarness, onboard, texts

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def logs_of(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog))).all())


async def moves_of(bot: BotHarness) -> list[Move]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(Move))).all())


def reminders_sent(bot: BotHarness) -> list[dict]:
    return [
        m
        for m in bot.stub.sent_messages(CHAT)
        if m["method"] == "sendMessage" and m["text"].startswith("⏰ Time for today")
    ]


async def tuesday_skip(bot: BotHarness, clock) -> dict:
    clock.set(at(2026, 11, 30, 7, 0))
    await onboard(bot, sessions="2")
    clock.set(at(2026, 12, 1, 9, 0))
    [session] = await bot.say("/today")
    assert "Legs" in session["text"]
    [ask] = await bot.tap("Skip", session)
    assert "What got in the way?" in ask["text"]
    return ask


async def test_busy_skip_moves_the_session_to_a_day_that_keeps_the_rules(
    bot: BotHarness, clock
) -> None:
    ask = await tuesday_skip(bot, clock)
    [offer] = await bot.tap("Busy", ask)
    assert "Wednesday 2" in offer["text"]
    [moved] = await bot.tap("Move to Wednesday 2", offer)
    assert "now on <b>Wednesday 2</b>" in moved["text"] and "miss" in moved["text"]
    [move] = await moves_of(bot)
    assert (move.from_date, move.to_date, move.focus) == (
        date(2026, 12, 1),
        date(2026, 12, 2),
        "legs",
    )
    [log] = await logs_of(bot)
    assert (log.status, log.reason) == ("moved", "busy")

    # Wednesday 07:00: the moved session's reminder, saying where it came from.
    clock.set(at(2026, 12, 2, 7, 0))
    assert (await bot.tick()).sent == 1
    [reminder] = reminders_sent(bot)[-1:]
    assert "Legs" in reminder["text"] and "Moved here from Tuesday 1" in reminder["text"]
    replies = await bot.say("done")
    assert "Logged" in texts(replies)
    wednesday = [log for log in await logs_of(bot) if log.local_date == date(2026, 12, 2)]
    assert [(log.focus, log.status) for log in wednesday] == [("legs", "done")]


async def test_a_double_tap_on_move_moves_once(bot: BotHarness, clock) -> None:
    ask = await tuesday_skip(bot, clock)
    [offer] = await bot.tap("Busy", ask)
    data = next(
        b["callback_data"]
        for row in offer["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"].startswith("↪️")
    )
    await bot.press(offer["message_id"], data)
    await bot.press(offer["message_id"], data)
    assert len(await moves_of(bot)) == 1
    assert "expired" in bot.callback_answers()[-1]


async def test_ill_means_rest_not_a_move(bot: BotHarness, clock) -> None:
    ask = await tuesday_skip(bot, clock)
    [reply] = await bot.tap("Ill", ask)
    assert "/pause" in reply["text"] and not reply.get("reply_markup")
    assert await moves_of(bot) == []
    [log] = await logs_of(bot)
    assert (log.status, log.reason) == ("skipped", "ill")


async def test_sore_is_remembered_for_the_next_legs_session(bot: BotHarness, clock) -> None:
    ask = await tuesday_skip(bot, clock)
    [reply] = await bot.tap("Sore", ask)
    assert "sore legs" in reply["text"]
    [log] = await logs_of(bot)
    assert (log.reason, log.sore) == ("sore", True)


async def test_just_skip_it_keeps_it_skipped_and_it_is_no_miss(bot: BotHarness, clock) -> None:
    ask = await tuesday_skip(bot, clock)
    [offer] = await bot.tap("Travel", ask)
    [kept] = await bot.tap("No, just skip it", offer)
    assert "doesn't count as a miss" in kept["text"]
    assert await moves_of(bot) == []
    # Wednesday: a skipped session is not offered again.
    clock.set(at(2026, 12, 2, 7, 0))
    assert (await bot.tick()).sent == 0


async def test_no_day_keeps_the_rules_says_so(bot: BotHarness, clock) -> None:
    clock.set(at(2026, 11, 26, 7, 30))
    await onboard(bot)  # three sessions: Legs Tue, Legs Thu, Upper Sat — no room to move
    [session] = await bot.say("/today")
    [ask] = await bot.tap("Skip", session)
    [reply] = await bot.tap("Busy", ask)
    assert "no good day" in reply["text"] and not reply.get("reply_markup")


async def test_a_missed_session_is_offered_again_the_next_suitable_day(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 30, 7, 0))
    await onboard(bot, sessions="2")
    clock.set(at(2026, 12, 1, 7, 0))
    assert (await bot.tick()).sent == 1  # Tuesday's Legs; the runner never answers
    clock.set(at(2026, 12, 2, 7, 0))
    assert (await bot.tick()).sent == 1
    reminder = reminders_sent(bot)[-1]
    assert "Legs" in reminder["text"] and "You missed this on Tuesday 1" in reminder["text"]
    [today] = await bot.say("/today")
    assert "You missed this on Tuesday 1" in today["text"]
    # Missed again: not offered a third time (Thursday holds nothing; Friday is legs).
    clock.set(at(2026, 12, 3, 7, 0))
    assert (await bot.tick()).sent == 0


async def test_stale_and_garbled_skip_buttons_are_answered(bot: BotHarness, clock) -> None:
    ask = await tuesday_skip(bot, clock)
    for data in ("v1:why:20261201:bored", "v1:why:2026:busy", "v1:mv:x:y", "v1:why:20261124:busy"):
        await bot.press(ask["message_id"], data)
        assert "expired" in bot.callback_answers()[-1], data
    await bot.press(ask["message_id"], "v1:mv:20261127:20261128")  # a day never skipped
    assert "doesn't work any more" in bot.last_text()
    assert await moves_of(bot) == []


async def test_week_shows_the_moved_session_where_it_went(bot: BotHarness, clock) -> None:
    ask = await tuesday_skip(bot, clock)
    [offer] = await bot.tap("Busy", ask)
    await bot.tap("Move to Wednesday 2", offer)
    [week] = await bot.say("/week")
    lines = week["text"].splitlines()
    assert any(line.startswith("↪️ Tue") for line in lines), lines
    assert any(
        line.startswith("▫️ Wed") and "Legs (moved from Tuesday 1)" in line for line in lines
    ), lines

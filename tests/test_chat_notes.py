"""A note is a note; feedback is feedback; a command is a command (issue 12, point 4):
within two hours of "done", through the real Application."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, onboard, shared_content, texts
from tests.planned_day import session_label

T = shared_content().texts
THURSDAY = date(2026, 11, 26)  # the harness clock's today: Legs


async def the_log(bot: BotHarness) -> SessionLog:
    async with transaction(bot.sessions) as session:
        [log] = (await session.exec(select(SessionLog))).all()
    return log


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


async def test_help_soon_after_done_is_help_not_a_note(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    await bot.say("done")
    clock.advance(minutes=10)
    [reply] = await bot.say("help")
    assert reply["text"] == T("help.text")
    assert (await the_log(bot)).note is None


async def test_stop_reminders_soon_after_done_asks_what_pause_asks(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    await bot.say("done")
    clock.advance(minutes=30)
    [reply] = await bot.say("stop reminders")
    [asked] = await bot.say("/pause")
    assert reply["text"] == asked["text"] and buttons(reply) == buttons(asked)
    assert (await the_log(bot)).note is None


@pytest.mark.parametrize(
    ("message", "feedback", "sore"),
    [
        ("it was pretty easy", "easy", False),
        ("easy", "easy", False),
        ("just right", "right", False),
        ("pretty hard", "hard", False),
        ("😅", "hard", False),
        ("killed me", "too_hard", False),
        ("🥵", "too_hard", False),
        ("my legs are sore", None, True),
    ],
)
async def test_words_of_effort_soon_after_done_are_the_feedback_tap(
    bot: BotHarness, clock: Any, message: str, feedback: str | None, sore: bool
) -> None:
    await onboard(bot)
    await bot.say("done")
    clock.advance(minutes=45)
    [reply] = await bot.say(message)
    expected = "sore" if sore else feedback
    assert reply["text"] == T(f"feedback.thanks_{expected}"), reply["text"]
    log = await the_log(bot)
    assert (log.feedback, log.sore, log.note) == (feedback, sore, None)


async def test_the_same_word_twice_is_noted_once(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("done")
    await bot.say("🥵")
    [again] = await bot.say("killed me")
    assert again["text"] == T("replies.feedback_again")
    assert (await the_log(bot)).feedback == "too_hard"


async def test_the_rest_soon_after_done_is_a_note(bot: BotHarness, clock: Any) -> None:
    await onboard(bot)
    await bot.say("done")
    clock.advance(minutes=20)
    [reply] = await bot.say("the side planks were brutal")
    assert "Added to today's log" in reply["text"]
    assert (await the_log(bot)).note == "the side planks were brutal"


async def test_a_word_of_effort_long_after_done_records_nothing(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    await bot.say("done")
    clock.advance(hours=3)
    [reply] = await bot.say("pretty hard")
    assert reply["text"] == T("chat.feedback_no_session")
    assert (await the_log(bot)).feedback is None


async def test_a_note_after_a_done_for_yesterday_goes_on_yesterdays_log(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    thursday = await session_label(bot)
    clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # Friday: Thursday's session unlogged
    [logged] = await bot.say("done")
    assert f"{thursday} — Thursday 26" in logged["text"], logged["text"]
    clock.advance(minutes=15)
    [reply] = await bot.say("forgot to say: the side planks were brutal")
    assert "Added to the log of Thursday 26" in reply["text"], reply["text"]
    [feeling] = await bot.say("pretty hard")
    assert feeling["text"] == T("feedback.thanks_hard")
    log = await the_log(bot)
    assert log.local_date == THURSDAY
    assert (log.note, log.feedback) == ("forgot to say: the side planks were brutal", "hard")


async def test_a_request_soon_after_done_is_answered_and_no_note(
    bot: BotHarness, clock: Any
) -> None:
    await onboard(bot)
    await bot.say("done")
    clock.advance(minutes=5)
    replies = await bot.say("what's next?")
    assert "Upper body" in texts(replies) and "Added to" not in texts(replies)
    [thanks] = await bot.say("thanks!")
    assert thanks["text"] == T("chat.thanks")
    assert (await the_log(bot)).note is None


async def test_great_with_no_session_just_logged_is_an_ok_with_whats_next(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    today = await session_label(bot)
    [reply] = await bot.say("great")
    assert reply["text"].startswith("👍") and today in reply["text"], reply["text"]

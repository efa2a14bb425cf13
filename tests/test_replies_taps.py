"""Buttons answer once and only to data the bot made: a double tap (two presses queued
before the first is handled) never sends two messages, and forged or expired data for
the Done/Skip, focus and feedback buttons gets "expired" instead of reaching the error
handler."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import CHAT, BotHarness, button_data, onboard, texts
from tests.planned_day import planned_focus

STALE = "That button has expired — try /today."


async def stored(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog))).all())


async def press_twice(bot: BotHarness, message: dict[str, Any], label: str) -> list[dict]:
    """Two presses of one button, both queued before the bot handles either."""
    data = button_data(message, label)
    mark = len(bot.stub.sent_messages(CHAT))
    bot.stub.press_button(CHAT, message["message_id"], data)
    bot.stub.press_button(CHAT, message["message_id"], data)
    await bot.pump()
    return [m for m in bot.stub.sent_messages(CHAT)[mark:] if m["method"] == "sendMessage"]


def watch_errors(bot: BotHarness) -> list[BaseException]:
    errors: list[BaseException] = []

    async def observe(update: object, context: Any) -> None:
        errors.append(context.error)

    bot.app.add_error_handler(observe)
    return errors


@pytest.mark.parametrize("label", ["Done", "Skip"])
async def test_a_double_tap_on_done_or_skip_sends_one_message(bot: BotHarness, label: str) -> None:
    await onboard(bot)
    [session] = await bot.say("/today")
    sent = await press_twice(bot, session, label)
    assert len(sent) == 1, texts(sent)
    assert len(await stored(bot)) == 1
    # The second press is answered in its toast: already logged.
    assert "already logged" in bot.callback_answers()[-1]


async def test_a_double_tap_on_feedback_sends_one_message(bot: BotHarness) -> None:
    await onboard(bot)
    [logged] = await bot.say("done")
    sent = await press_twice(bot, logged, "Hard")
    assert [m["text"] for m in sent] == [bot.deps.content.texts("feedback.thanks_hard")]
    assert bot.callback_answers()[-1] == bot.deps.content.texts("replies.feedback_again")
    [log] = await stored(bot)
    assert log.feedback == "hard"


async def test_a_double_tap_on_sore_sends_one_message(bot: BotHarness) -> None:
    await onboard(bot)
    [logged] = await bot.say("done")
    sent = await press_twice(bot, logged, "Sore")
    assert len(sent) == 1 and "sore" in sent[0]["text"]
    [log] = await stored(bot)
    assert log.sore


async def test_changing_ones_mind_on_feedback_is_still_answered(bot: BotHarness) -> None:
    await onboard(bot)
    [logged] = await bot.say("done")
    await bot.tap("Hard", logged)
    [again] = await bot.tap("Too hard", logged)
    assert "too hard" in again["text"]
    [log] = await stored(bot)
    assert log.feedback == "too_hard"


async def test_a_double_tap_on_a_focus_button_sends_one_message(bot: BotHarness, clock) -> None:
    from datetime import UTC, datetime

    await onboard(bot)
    thursday = await planned_focus(bot)  # Legs since issue 13 (Core before)
    await bot.say("done")  # Thursday's session
    clock.set(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))  # Friday: nothing planned
    [ask] = await bot.say("done, extra legs")
    sent = await press_twice(bot, ask, "Legs")
    assert len(sent) == 1 and "Logged: Legs — today" in sent[0]["text"], texts(sent)
    assert [(log.focus, log.note) for log in await stored(bot)] == [
        (thursday.value, None),
        ("legs", "extra legs"),
    ]


FORGED = [
    "v1:done:00010101",
    "v1:done:99991231",
    "v1:skip:00010101",
    "v1:done:20261127",  # tomorrow: never on a button the bot sent
    "v1:done",
    "v1:done:",
    "v1:done:20261126:x",
    "v1:skip:２０２６１１２６",
    "v1:done:2026-11-26",
    "v1:did:core",
    "v1:did:cardio:20261126",
    "v1:did:core:99991231",
    "v1:did:core:20261126:x",
    "v1:fb:20261126:meh",
    "v1:fb:00010101:hard",
    "v1:fb:99991231:sore",
    "v1:fb:20261126",
    "v1:fb:20261126:hard:x",
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_button_data_is_answered_as_expired(bot: BotHarness, data: str) -> None:
    await onboard(bot)
    await bot.say("done")  # a log to attach feedback to
    errors = watch_errors(bot)
    mark = len(bot.stub.sent_messages(CHAT))
    replies = await bot.press(1, data)
    assert errors == [], errors
    assert replies == [], texts(replies)
    assert bot.callback_answers()[-1] == STALE
    assert len(bot.stub.sent_messages(CHAT)) == mark
    [log] = await stored(bot)
    assert (log.feedback, log.sore) == (None, False)


@pytest.mark.parametrize("data", ["v1:done:20261126", "v1:fb:20261126:hard", "v1:did:core:2026"])
async def test_a_button_under_an_inline_message_is_answered_as_expired(
    bot: BotHarness, data: str
) -> None:
    """Callback queries from inline-mode messages carry no message and no chat."""
    await onboard(bot)
    errors = watch_errors(bot)
    mark = len(bot.stub.sent_messages(CHAT))
    bot.stub.press_inline_button(CHAT, data)
    await bot.pump()
    assert errors == []
    assert bot.callback_answers()[-1] == STALE
    assert len(bot.stub.sent_messages(CHAT)) == mark
    assert await stored(bot) == []


async def test_a_real_button_from_three_days_ago_still_says_too_long_ago(
    bot: BotHarness,
) -> None:
    """Expired but real: the answer that explains it, as before."""
    await onboard(bot)
    replies = await bot.press(1, "v1:done:20261123")
    assert "too long ago" in texts(replies)

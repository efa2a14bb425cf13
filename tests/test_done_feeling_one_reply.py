"""A feeling typed with "done" is answered in the one "✅ Logged" reply: the thanks for it,
not "How did it feel?" with buttons the runner has just answered, and no second message
(found by the fault tests: "done, planks were hard" got the question, then "Noted: hard")."""

from __future__ import annotations

import pytest

from bot.content import load_content
from testkit.harness import BotHarness, onboard

T = load_content().texts


def _labels(message: dict[str, object]) -> list[str]:
    markup = message.get("reply_markup") or {}
    assert isinstance(markup, dict)
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


@pytest.mark.parametrize(
    ("typed", "feeling"),
    [
        ("done, planks were hard", "hard"),
        ("done - too hard today", "too_hard"),
        ("Done, felt easy", "easy"),
    ],
)
async def test_a_feeling_with_done_is_thanked_in_the_one_reply(
    bot: BotHarness, typed: str, feeling: str
) -> None:
    await onboard(bot)
    replies = await bot.say(typed)
    assert len(replies) == 1, [reply["text"] for reply in replies]
    [reply] = replies
    assert "✅ Logged" in reply["text"], reply["text"]
    assert T(f"feedback.thanks_{feeling}") in reply["text"], reply["text"]
    assert T("feedback.ask") not in reply["text"], reply["text"]
    assert T(f"feedback.{feeling}") not in _labels(reply)  # already answered
    assert T("log.undo_button") in _labels(reply)


async def test_done_without_a_feeling_still_asks(bot: BotHarness) -> None:
    await onboard(bot)
    [reply] = await bot.say("done, did it in the park")
    assert T("feedback.ask") in reply["text"], reply["text"]
    assert T("feedback.right") in _labels(reply)

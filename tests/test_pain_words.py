"""Pain in the words people type (re-test after issue 13): "done but my knee hurt on the
squats" gets the pain rule in its one reply; "ouch my achilles" and "knee's a bit sore"
get the pain reply; "my achilles is fine" and "my legs are sore" do not."""

from __future__ import annotations

import pytest

from bot.coach.weights import is_pain
from bot.content import load_content
from testkit.harness import BotHarness, onboard

T = load_content().texts
PAIN_FIRST_LINE = T("loads.pain").splitlines()[0]


async def test_done_with_pain_words_gets_the_pain_rule_in_its_one_reply(bot: BotHarness) -> None:
    await onboard(bot)
    replies = await bot.say("done but my knee hurt on the squats")
    assert len(replies) == 1, [reply["text"] for reply in replies]
    assert "✅ Logged" in replies[0]["text"], replies[0]["text"]
    assert T("loads.pain_after_done") in replies[0]["text"], replies[0]["text"]


@pytest.mark.parametrize("typed", ["ouch my achilles", "knee's a bit sore", "my achilles hurts"])
async def test_pain_typed_alone_gets_the_pain_reply(bot: BotHarness, typed: str) -> None:
    await onboard(bot)
    [reply] = await bot.say(typed)
    assert PAIN_FIRST_LINE in reply["text"], reply["text"]


@pytest.mark.parametrize(
    "typed", ["my achilles is fine", "my legs are sore", "no pain today", "legs felt dead"]
)
def test_not_pain(typed: str) -> None:
    assert not is_pain(typed)

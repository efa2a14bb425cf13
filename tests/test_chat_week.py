"""Typed as people type, found trying the bot beyond the helpers' phrasings: "show my
week" is /week, "what's on tomorrow" the next session, and "can we move it to friday?"
with no day free logs nothing (a question is no skip)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from testkit.harness import BotHarness, onboard


@pytest.mark.parametrize(
    "text", ["show my week", "what does my week look like?", "my schedule", "week?"]
)
async def test_asking_for_the_week_gets_week(bot: BotHarness, clock, text: str) -> None:
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    await onboard(bot)
    [week] = await bot.say("/week")
    [reply] = await bot.say(text)
    assert reply["text"] == week["text"], reply["text"]


async def test_whats_on_tomorrow_is_the_next_session(bot: BotHarness, clock) -> None:
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    await onboard(bot)
    [nxt] = await bot.say("/next")
    [reply] = await bot.say("what's on tomorrow?")
    assert reply["text"] == nxt["text"], reply["text"]


async def test_a_move_asked_for_with_no_day_free_logs_nothing(bot: BotHarness, clock) -> None:
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    await onboard(bot)  # Thursday's Core: no later day this week keeps the rules
    await bot.say("can we move it to friday?")
    [done] = await bot.say("done")
    assert "Logged: Core — today" in done["text"], done["text"]

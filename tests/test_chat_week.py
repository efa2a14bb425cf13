"""Typed as people type, found trying the bot beyond the helpers' phrasings: "show my
week" is /week, "what's on tomorrow" the next session, and "can we move it to friday?"
with no day free logs nothing (a question is no skip)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.messages.views import focus_label
from bot.services.plan import read_today, session_of_day
from bot.store.db import transaction
from testkit.harness import BotHarness, onboard, shared_content


async def session_label(bot: BotHarness) -> str:
    """The focus of today's session as the bot names it, from the one answer every reader
    asks (``session_of_day``), so the test follows the plan rather than a literal."""
    async with transaction(bot.sessions) as session:
        found = await read_today(session, bot.chat_id, bot.clock.now())
    assert found is not None
    today = session_of_day(found.runner, found.calendar, found.history, found.day, found.day)
    assert today is not None, f"no session on {found.day}"
    return focus_label(shared_content().texts, today.focus)


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
    await onboard(bot)  # Thursday's Legs: no later day this week keeps the rules
    today = await session_label(bot)
    await bot.say("can we move it to friday?")
    [done] = await bot.say("done")
    assert f"Logged: {today} — today" in done["text"], done["text"]

"""No reminder after "done": a runner who logs the day while the fan-out is running gets
no reminder for it afterwards.

The race, made to happen rather than hoped for: 100 runners due at once, the bot's real
paced limiter (100 messages a second, so each reminder waits in line for a few turns after
it was reserved), and while the tick runs the test watches the reminders table and has
every runner whose reminder is in flight (``sending``) say "done" at that moment. Checked
the way the runner sees it, in the order Telegram received the messages: a reminder
that reaches the chat after the answer to "done" is the bug.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import col, select

from bot.store.db import SessionFactory, transaction
from bot.store.models import Reminder
from testkit.harness import BotHarness, FakeClock
from testkit.stub_bot_api import StubBotAPI
from tests.test_reminder_faults_429 import paced_harness
from tests.test_reminder_faults_outage import NOW, REMINDER_INTRO, seed

RUNNERS = 100
RATE = 100.0  # messages a second: the fan-out takes about a second


@pytest.fixture
async def paced_bot(
    stub: StubBotAPI,
    sessions: SessionFactory,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    no_flood_wait: None,
) -> AsyncIterator[BotHarness]:
    async with paced_harness(stub, sessions, clock, monkeypatch, RATE) as harness:
        yield harness


async def in_flight(sessions: SessionFactory) -> set[int]:
    async with transaction(sessions) as session:
        statement = select(Reminder.chat_id).where(col(Reminder.status) == "sending")
        return set((await session.exec(statement)).all())


async def test_a_runner_who_says_done_during_the_fan_out_gets_no_reminder_afterwards(
    paced_bot: BotHarness, clock: FakeClock
) -> None:
    bot = paced_bot
    clock.set(NOW)
    chats = await seed(bot.sessions, RUNNERS)
    tick = asyncio.create_task(bot.tick())
    said_done: set[int] = set()
    while not tick.done():
        new = await in_flight(bot.sessions) - said_done
        for chat in sorted(new):
            bot.stub.send_text(chat, "done")
        said_done |= new
        if new:
            await bot.pump()
        await asyncio.sleep(0.002)
    report = await tick

    calls = [call for call in bot.stub.calls_to("sendMessage") if call.ok]
    late = []
    for chat in said_done:
        to_chat = [str(call.params.get("text", "")) for call in calls if call.chat_id == chat]
        replied = next(i for i, text in enumerate(to_chat) if not text.startswith(REMINDER_INTRO))
        reminders = [i for i, text in enumerate(to_chat) if text.startswith(REMINDER_INTRO)]
        assert len(reminders) <= 1, chat
        if reminders and reminders[0] > replied:
            late.append(chat)
    assert said_done, "no runner said done while their reminder was in flight"
    assert late == [], f"{len(late)} of {len(said_done)} got the reminder after 'done'"
    # The check at the moment of sending did the work: reminders were stopped in line.
    assert report.already_logged > 0
    for chat in set(chats) - said_done:
        reminded = [c for c in calls if c.chat_id == chat]
        assert len(reminded) == 1, chat

"""A 429 on a reminder: the send waits ``retry_after``, and every other send waits with it.

Measured where Telegram would count it, at the stub: ``Call.time`` is when a request
arrived, in wall-clock seconds. Waits here are real (one second, Telegram's smallest
``retry_after``), because the pause is about time passing between two requests.
"""

from __future__ import annotations

import asyncio
import warnings
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from telegram.error import RetryAfter

import bot.app as app_module
from bot import rate_limit
from bot.store.db import SessionFactory
from testkit.harness import BotHarness, FakeClock
from testkit.stub_bot_api import StubBotAPI
from tests.test_reminder_faults_outage import NOW, reminded, seed, statuses

RETRY_AFTER = 1  # seconds; Telegram's smallest
# The stub's clock and the event loop's are read at slightly different moments.
TOLERANCE = 0.05
# Messages a second: turns 50 ms apart, so a 12-runner fan-out would fit into one
# ``retry_after`` (0.6 s) if nothing paused it, and a 429's answer (in process, at once)
# is back long before the next turn — unless the database round trip between a turn and
# its send is slow: then one request may already be on its way, as over a real network.
PACED_RATE = 20.0


@asynccontextmanager
async def paced_harness(
    stub: StubBotAPI,
    sessions: SessionFactory,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    rate: float,
) -> AsyncIterator[BotHarness]:
    """The bot with its real paced limiter at ``rate`` (conftest's ``no_flood_wait``
    turns pacing off for the other tests; ask for it first, and this puts it back)."""
    real = rate_limit.PacedRateLimiter

    def paced(_: float, max_retries: int) -> rate_limit.PacedRateLimiter:
        return real(rate, max_retries=max_retries)

    monkeypatch.setattr(app_module, "PacedRateLimiter", paced)
    harness = BotHarness(stub=stub, sessions=sessions, clock=clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def paced_bot(
    stub: StubBotAPI,
    sessions: SessionFactory,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    no_flood_wait: None,
) -> AsyncIterator[BotHarness]:
    async with paced_harness(stub, sessions, clock, monkeypatch, PACED_RATE) as harness:
        yield harness


async def test_a_429_makes_the_reminder_wait_retry_after_before_its_next_try(
    bot: BotHarness, clock: FakeClock
) -> None:
    """bot/sending.py's retry: the second request for the chat arrives no sooner than
    ``retry_after`` after the 429 (pacing is off here, so only that wait can hold it)."""
    clock.set(NOW)
    [chat] = await seed(bot.sessions, 1)
    bot.deps.sleep = asyncio.sleep  # real waits, so the stub's timestamps show them
    bot.stub.fail_next("sendMessage", 429, retry_after=RETRY_AFTER)
    report = await bot.tick()
    calls = bot.stub.calls_to("sendMessage")
    assert [(call.chat_id, call.ok) for call in calls] == [(chat, False), (chat, True)]
    assert calls[1].time - calls[0].time >= RETRY_AFTER - TOLERANCE
    assert (report.sent, report.failed, report.possible_duplicates) == (1, 0, 0)


async def test_a_429_pauses_every_send_of_the_fan_out_for_retry_after(
    paced_bot: BotHarness, clock: FakeClock
) -> None:
    """bot/rate_limit.py's global pause: after a 429 neither the request that got it nor
    the other senders' reach Telegram before ``retry_after`` is over — at most one whose
    turn had come before the answer. (The retry's own wait is on the fake clock here, so
    only the pause can hold them: without it the other 11 would all arrive meanwhile.)"""
    clock.set(NOW)
    chats = await seed(paced_bot.sessions, 12)
    paced_bot.stub.fail_next("sendMessage", 429, retry_after=RETRY_AFTER)
    report = await paced_bot.tick()
    calls = paced_bot.stub.calls_to("sendMessage")
    [rejected] = [call for call in calls if not call.ok]
    pause_end = rejected.time + RETRY_AFTER - TOLERANCE
    during = [call for call in calls if rejected.time < call.time < pause_end]
    assert len(during) <= 1, [call.time - rejected.time for call in during]
    [retried] = [call for call in calls if call.ok and call.chat_id == rejected.chat_id]
    assert retried.time >= pause_end
    assert reminded(paced_bot.stub) == Counter(dict.fromkeys(chats, 1))
    assert (report.sent, report.possible_duplicates) == (12, 0)
    assert await statuses(paced_bot.sessions) == {"sent": 12}


# ---- RetryAfter.retry_after, through PTB's public attribute ---------------------------------


@pytest.mark.parametrize("timedelta_mode", ["", "true"])
def test_retry_after_is_read_in_seconds_whichever_form_ptb_gives_it(
    monkeypatch: pytest.MonkeyPatch, timedelta_mode: str
) -> None:
    """PTB 22 hands ``retry_after`` out as int seconds (with a deprecation warning) or, with
    PTB_TIMEDELTA set (and from its next major version on), as a timedelta. Both read as
    seconds, and no warning escapes. If PTB changes the attribute again, this fails."""
    from bot.sending import retry_after_seconds

    monkeypatch.setenv("PTB_TIMEDELTA", timedelta_mode)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB's own constructor reads the attribute
        whole, fraction = RetryAfter(3), RetryAfter(timedelta(seconds=2.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert retry_after_seconds(whole) == 3.0
        assert retry_after_seconds(fraction) == 2.5

"""A Bot API outage delays reminders, it does not lose them; what Telegram's answers mean.

Runners are seeded straight into the database, all due at 07:00 Berlin on Thursday
26 November 2026 (a strength day for their week), and the tick is driven on the fake
clock, minute by minute. The harness's retry sleeps advance that clock too, so a tick
whose sends keep failing moves time on by the 7.5 s each send spends on its retries.
"""

from __future__ import annotations

import itertools
import logging
import time as wall
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select
from telegram.error import TimedOut

from bot.store.db import SessionFactory, transaction
from bot.store.models import Reminder, Runner
from bot.store.runners import save_week
from testkit.harness import BotHarness, FakeClock
from testkit.stub_bot_api import StubBotAPI
from tests.test_reminder_tick import NOW, WEEK  # Thursday 07:00 in Berlin, runs daily

FIRST_CHAT = 30_000
REMINDER_INTRO = "⏰ Time for today"
TICK = timedelta(minutes=1)


async def seed(sessions: SessionFactory, count: int, *, first: int = FIRST_CHAT) -> list[int]:
    """``count`` onboarded runners, each due now (07:00 Berlin)."""
    chats = list(range(first, first + count))
    async with transaction(sessions) as session:
        for chat_id in chats:
            await save_week(
                session, chat_id=chat_id, first_name=None, week=WEEK, now=NOW, next_reminder_utc=NOW
            )
    return chats


def reminded(stub: StubBotAPI) -> Counter[int]:
    """Reminders Telegram accepted, per chat."""
    return Counter(
        int(call.chat_id)  # type: ignore[arg-type]
        for call in stub.calls_to("sendMessage")
        if call.ok and str(call.params.get("text", "")).startswith(REMINDER_INTRO)
    )


async def reminder_rows(sessions: SessionFactory) -> dict[int, Reminder]:
    async with transaction(sessions) as session:
        found = (await session.exec(select(Reminder).where(Reminder.kind == "daily"))).all()
    return {row.chat_id: row for row in found}


async def statuses(sessions: SessionFactory) -> Counter[str]:
    return Counter(row.status for row in (await reminder_rows(sessions)).values())


async def tick_until(bot: BotHarness, clock: FakeClock, end: datetime) -> list[Any]:
    """One tick a minute (on the fake clock) until ``end``; the reports."""
    reports = []
    while clock.now() < end:
        started = clock.now()
        reports.append(await bot.tick())
        clock.set(max(clock.now(), started + TICK))  # retries may have moved it already
    return reports


@pytest.fixture
async def harness(
    stub: StubBotAPI, sessions: SessionFactory, clock: FakeClock
) -> Any:  # an async generator of a factory
    """Builds a bot with settings of the test's choosing; stops it afterwards."""
    made: list[BotHarness] = []

    async def make(**overrides: Any) -> BotHarness:
        bot = BotHarness(stub=stub, sessions=sessions, clock=clock, settings_overrides=overrides)
        made.append(await bot.start())
        return bot

    yield make
    for bot in made:
        await bot.stop()


# ---- point 4: an outage delays, it does not lose ------------------------------------------


async def test_a_30_minute_outage_at_seven_delays_every_reminder_and_loses_none(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Telegram answers 502 to every send from 07:00 to 07:30. Each due runner gets the
    day's reminder exactly once, after the outage; the rows waited with a growing gap
    between ticks, not a try every minute (nor, as before, failed for good after 7.5 s)."""
    clock.set(NOW)
    chats = await seed(bot.sessions, 12)
    bot.stub.fail_next("sendMessage", 502, times=1_000_000)
    outage_end = NOW + timedelta(minutes=30)

    during = await tick_until(bot, clock, outage_end)
    assert sum(report.sent for report in during) == 0
    assert reminded(bot.stub) == Counter()
    tried = {int(call.chat_id) for call in bot.stub.calls_to("sendMessage")}  # type: ignore[arg-type]
    assert tried, "the bot stopped trying during the outage"
    assert "failed" not in await statuses(bot.sessions)

    bot.stub.clear_faults()
    failed_calls = len(bot.stub.calls_to("sendMessage"))
    after = await tick_until(bot, clock, outage_end + timedelta(minutes=11))

    assert reminded(bot.stub) == Counter(dict.fromkeys(chats, 1))
    assert all(call.ok for call in bot.stub.calls_to("sendMessage")[failed_calls:])
    assert await statuses(bot.sessions) == {"sent": len(chats)}
    assert sum(report.possible_duplicates for report in during + after) == 0
    # Backoff between ticks: a row tried on every one of the 30 ticks would have 30+
    # attempts; waits of 30 s, 1, 2, 5, 10 min allow about 7 in 30 minutes.
    attempts = max(row.attempts for row in (await reminder_rows(bot.sessions)).values())
    assert attempts <= 8, attempts


async def test_a_breaker_stops_a_tick_from_spending_retries_on_every_row_in_an_outage(
    bot: BotHarness, clock: FakeClock
) -> None:
    """During an outage one tick tries only the rows in flight when the third send in
    a row failed (at most SEND_CONCURRENCY + 2), not each of the 40 due runners with
    7.5 s of retries apiece; the others stay ``ready`` for a later tick."""
    clock.set(NOW)
    await seed(bot.sessions, 40)
    bot.stub.fail_next("sendMessage", 502, times=1_000_000)
    await bot.tick()
    concurrency = bot.deps.settings.send_concurrency
    tried = {call.chat_id for call in bot.stub.calls_to("sendMessage")}
    assert 3 <= len(tried) <= concurrency + 2, len(tried)
    assert await statuses(bot.sessions) == {"retry": len(tried), "ready": 40 - len(tried)}


async def test_an_outage_past_the_catch_up_window_is_recorded_missed_with_a_reason(
    harness: Any, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """With REMINDER_CATCHUP_HOURS=1, a two-hour outage from 07:00 leaves nothing to send
    when Telegram is back: every row is recorded ``missed`` (not ``failed``, not sent at
    09:00), and the log says why."""
    bot = await harness(reminder_catchup_hours=1)
    clock.set(NOW)
    chats = await seed(bot.sessions, 5)
    bot.stub.fail_next("sendMessage", 502, times=1_000_000)
    with caplog.at_level(logging.WARNING, logger="bot.jobs.reminders"):
        await tick_until(bot, clock, NOW + timedelta(hours=2))
        bot.stub.clear_faults()
        await tick_until(bot, clock, NOW + timedelta(hours=2, minutes=15))
    assert reminded(bot.stub) == Counter()
    assert await statuses(bot.sessions) == {"missed": len(chats)}
    reasons = [r.getMessage() for r in caplog.records if "recorded as missed" in r.getMessage()]
    assert len(reasons) == len(chats), caplog.text
    assert all("attempts to send it failed" in reason for reason in reasons)


async def test_a_failure_before_the_send_is_retried_soon_and_not_as_a_possible_duplicate(
    bot: BotHarness, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reminder whose message could not even be built (a bug, a database read that
    failed) was never sent: it goes out on a later tick within a minute, not after a
    whole lease, and is not logged as a possible duplicate."""
    import bot.jobs.reminders as reminder_job

    clock.set(NOW)
    chats = await seed(bot.sessions, 6)
    real = reminder_job.today_message

    def fragile(deps: Any, runner: Any, *args: Any, **kwargs: Any) -> Any:
        if runner.chat_id == chats[2]:
            raise RuntimeError("a bug in one runner's session")
        return real(deps, runner, *args, **kwargs)

    monkeypatch.setattr(reminder_job, "today_message", fragile)
    report = await bot.tick()
    assert report.sent == 5
    monkeypatch.setattr(reminder_job, "today_message", real)

    assert await statuses(bot.sessions) == {"sent": 5, "retry": 1}
    clock.set(NOW + TICK)  # the next tick, well within the lease
    assert TICK < timedelta(seconds=bot.deps.settings.reminder_lease_seconds)
    again = await bot.tick()
    assert (again.sent, again.possible_duplicates) == (1, 0)
    assert reminded(bot.stub) == Counter(dict.fromkeys(chats, 1))
    assert await statuses(bot.sessions) == {"sent": 6}


# ---- timeouts: possibly delivered ------------------------------------------------------------


class TimesOut:
    """sendMessage as Telegram answers it when the answer is lost: the first ``times``
    calls are delivered (noted in ``delivered``) and the client then times out."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.delivered: list[int] = []
        self._ids = itertools.count(1000)

    def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = int(params["chat_id"])
        self.delivered.append(chat)
        if self.left > 0:
            self.left -= 1
            raise TimedOut("the answer was lost")
        return {
            "message_id": next(self._ids),
            "date": int(wall.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Runner"},
            "text": params["text"],
        }


async def test_a_send_that_timed_out_but_was_delivered_is_marked_a_possible_duplicate(
    bot: BotHarness, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The first request reached Telegram, its answer did not; the retry goes out too.
    The runner got two messages, and the tick says so: one possible duplicate, logged."""
    clock.set(NOW)
    [chat] = await seed(bot.sessions, 1)
    handler = TimesOut(1)
    bot.stub.register("sendMessage", handler)
    with caplog.at_level(logging.WARNING, logger="bot.jobs.reminders"):
        report = await bot.tick()
    assert handler.delivered == [chat, chat]
    assert (report.sent, report.possible_duplicates) == (1, 1)
    assert "possible duplicate" in caplog.text
    assert await statuses(bot.sessions) == {"sent": 1}


async def test_a_send_that_kept_timing_out_is_sent_again_after_the_lease_as_a_duplicate(
    bot: BotHarness, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Every attempt timed out: Telegram may have the message, or not. The row is not
    given up (it was ``failed`` for good before) and not retried as if surely unsent:
    it waits out the lease and goes again, logged as a possible duplicate."""
    clock.set(NOW)
    [chat] = await seed(bot.sessions, 1)
    handler = TimesOut(5)
    bot.stub.register("sendMessage", handler)
    first = await bot.tick()
    assert (first.sent, first.possible_duplicates) == (0, 0)
    assert await statuses(bot.sessions) == {"sending": 1}

    clock.advance(seconds=bot.deps.settings.reminder_lease_seconds / 2)
    assert (await bot.tick()).sent == 0  # not before the lease is over
    clock.advance(seconds=bot.deps.settings.reminder_lease_seconds)
    with caplog.at_level(logging.WARNING, logger="bot.jobs.reminders"):
        again = await bot.tick()
    assert (again.sent, again.possible_duplicates) == (1, 1)
    assert "possible duplicate" in caplog.text
    assert handler.delivered == [chat] * 6
    assert await statuses(bot.sessions) == {"sent": 1}


# ---- 403: blocked is final -------------------------------------------------------------------


async def test_a_runner_who_blocked_the_bot_is_not_retried_nor_reminded_again(
    bot: BotHarness, clock: FakeClock
) -> None:
    """403 "blocked" is not a failure that may pass: one request, no retry on this tick
    or a later one, the row ``blocked``, the runner inactive until they write again."""
    clock.set(NOW)
    chats = await seed(bot.sessions, 3)
    bot.stub.fail_next("sendMessage", 403, chat_id=chats[0])
    report = await bot.tick()
    assert (report.sent, report.blocked, report.failed) == (2, 1, 0)
    await tick_until(bot, clock, NOW + timedelta(minutes=15))
    assert [c.chat_id for c in bot.stub.calls_to("sendMessage")].count(chats[0]) == 1
    rows = await reminder_rows(bot.sessions)
    assert rows[chats[0]].status == "blocked"
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, chats[0])
    assert runner is not None and not runner.active
    assert chats[0] in bot.deps.inactive

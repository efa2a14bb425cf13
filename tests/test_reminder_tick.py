"""The reminder tick at scale and under bad data: batches, side-by-side plan and send, and
one runner's trouble never holding back anybody else's reminder."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

import bot.jobs.reminders as reminder_job
from bot.coach.week import Experience, RunnerWeek
from bot.jobs import batches
from bot.store.db import transaction
from bot.store.models import Reminder, Runner
from bot.store.runners import save_week
from testkit.harness import BotHarness

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # Thursday 07:00 in Berlin
# Runs every day, three sessions: Thursday is a strength day for this week.
WEEK = RunnerWeek(
    run_days=frozenset(range(7)),
    long_run_day=6,
    experience=Experience.SOME,
    sessions_per_week=3,
    reminder_time=time(7, 0),
    timezone="Europe/Berlin",
)
FIRST_CHAT = 10_000


async def seed(bot: BotHarness, count: int) -> list[int]:
    chats = list(range(FIRST_CHAT, FIRST_CHAT + count))
    async with transaction(bot.sessions) as session:
        for chat_id in chats:
            await save_week(
                session,
                chat_id=chat_id,
                first_name=None,
                week=WEEK,
                now=NOW,
                next_reminder_utc=NOW,
            )
    return chats


def reminded(bot: BotHarness) -> Counter[int]:
    return Counter(
        int(m["chat_id"])
        for m in bot.stub.sent_messages()
        if m["method"] == "sendMessage" and m["text"].startswith("⏰ Time for today")
    )


async def statuses(bot: BotHarness) -> Counter[str]:
    async with transaction(bot.sessions) as session:
        found = (await session.exec(select(Reminder.status))).all()
    return Counter(found)


async def test_more_runners_than_a_batch_are_each_reminded_once(bot: BotHarness, clock) -> None:
    clock.set(NOW)
    count = batches.PLAN_BATCH * 2 + 17
    chats = await seed(bot, count)
    report = await bot.tick()
    assert report.sent == count
    assert reminded(bot) == Counter(dict.fromkeys(chats, 1))
    assert await statuses(bot) == {"sent": count}
    assert (await bot.tick()).sent == 0


async def test_a_runner_with_broken_data_does_not_hold_back_the_others(
    bot: BotHarness, clock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(NOW)
    chats = await seed(bot, 5)
    async with transaction(bot.sessions) as session:
        broken = await session.get(Runner, chats[0])
        assert broken is not None
        broken.timezone = "Mars/Olympus_Mons"  # e.g. a zone a newer tzdata dropped
        session.add(broken)
    with caplog.at_level(logging.ERROR):
        report = await bot.tick()
    assert report.sent == 4
    assert reminded(bot) == Counter(dict.fromkeys(chats[1:], 1))
    assert "Could not plan a runner's reminders" in caplog.text
    async with transaction(bot.sessions) as session:
        again = await session.get(Runner, chats[0])
    assert again is not None and again.next_reminder_utc == NOW + batches.RETRY_PLAN_AFTER


async def test_a_send_that_crashes_leaves_the_other_sends_alone(
    bot: BotHarness, clock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(NOW)
    chats = await seed(bot, 6)
    real = reminder_job.today_message

    def fragile(deps, runner, *args, **kwargs):  # type: ignore[no-untyped-def]
        if runner.chat_id == chats[2]:
            raise RuntimeError("a bug in one runner's session")
        return real(deps, runner, *args, **kwargs)

    monkeypatch.setattr(reminder_job, "today_message", fragile)
    with caplog.at_level(logging.ERROR):
        report = await bot.tick()
    assert report.sent == 5
    assert report.errors == ["sender"]
    assert "will be retried" in caplog.text
    # It failed before its send: tried again on a later tick, not after a whole lease,
    # and not a possible duplicate.
    assert await statuses(bot) == {"sent": 5, "retry": 1}
    monkeypatch.setattr(reminder_job, "today_message", real)
    clock.advance(seconds=60)
    report = await bot.tick()
    assert report.sent == 1 and report.possible_duplicates == 0
    assert reminded(bot) == Counter(dict.fromkeys(chats, 1))

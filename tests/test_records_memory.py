"""Memory stays bounded: the drafts cache holds a bounded number of runners, and an
onboarding abandoned for more than 30 days is forgotten, the draft and with it the step,
whether the runner comes back (lazily) or never does (the sweep). Time is the fake clock.
"""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from bot.store import drafts
from bot.store.db import transaction
from bot.store.models import OnboardingDraft
from testkit.harness import CHAT, BotHarness, shared_content, texts

T = shared_content().texts
OTHER = 5151


async def rows(bot: BotHarness, model: Any) -> list[Any]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(model))).all())


async def chats_with_drafts(bot: BotHarness) -> set[int]:
    return {row.chat_id for row in await rows(bot, OnboardingDraft)}


async def chats_with_states(bot: BotHarness) -> set[int]:
    """Chats whose setup conversation is open, as stored: the draft's step says where
    the runner is (nothing else records it)."""
    return {
        row.chat_id
        for row in await rows(bot, OnboardingDraft)
        if drafts.Draft.from_json(row.data).open
    }


async def test_the_drafts_cache_is_bounded(bot: BotHarness) -> None:
    cache = bot.deps.draft_cache
    bound = 16
    if hasattr(cache, "max_entries"):
        cache.max_entries = bound  # the mechanism, at a size a test can overflow
    for chat_id in range(10_000, 10_040):
        bot.chat_id = chat_id
        await bot.say("/start")
        await bot.say("mon wed sat")
        assert len(cache) <= bound, len(cache)
    # The first runner's draft left memory long ago, not the database: they carry on.
    bot.chat_id = 10_000
    replies = await bot.say("sat")
    assert texts(replies) == T("onboarding.ask_hard_days"), texts(replies)


def test_a_cache_entry_holds_under_0_8_kb() -> None:
    """The bound's cost, measured: a full cache of drafts of a finished questionnaire (the
    longest a draft gets) with the cache's bookkeeping."""
    from bot.store.drafts import DRAFT_CACHE_SIZE, DraftCache

    answers = {
        "run_days": [0, 2, 5],
        "long_run_day": 5,
        "hard_days": [2],
        "experience": "experienced",
        "equipment": "dumbbells",
        "pull_up_bar": True,
        "sessions": 3,
        "time_budget": 30,
        "reminder_time": "07:00",
        "timezone": "America/Argentina/Buenos_Aires",
        "race_date": "2027-04-18",
    }
    draft = {"mode": "onboarding", "queue": [], "answers": answers, "step": "confirm"}
    draft["pressed"] = 123456
    now = datetime(2026, 11, 26, tzinfo=UTC)
    cache = DraftCache(now=lambda: now)
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for chat_id in range(1_000_000_000, 1_000_000_000 + 4 * DRAFT_CACHE_SIZE):
        cache[chat_id] = json.dumps(draft)  # each its own string, as stored ones are
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    held = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert len(cache) == DRAFT_CACHE_SIZE
    per_entry = held / DRAFT_CACHE_SIZE
    assert len(json.dumps(draft)) < 400
    assert per_entry < 800, per_entry  # about 0.6 KB measured: 4,096 entries ~ 2.3 MB


async def start_and_answer(bot: BotHarness, chat_id: int) -> None:
    bot.chat_id = chat_id
    await bot.say("/start")
    await bot.say("mon wed sat")  # now at the long-run question


async def test_an_onboarding_abandoned_for_a_month_is_forgotten(bot: BotHarness, clock) -> None:
    await start_and_answer(bot, CHAT)
    clock.advance(days=29)
    replies = await bot.say("hello")  # a month less a day: the question is still open
    assert texts(replies) == T("onboarding.reask_long_run", days="Mon, Wed, Sat"), texts(replies)

    clock.advance(days=31)
    replies = await bot.say("hello")
    assert texts(replies) == T("chat.hello_not_set_up"), texts(replies)
    assert CHAT not in await chats_with_drafts(bot)
    assert CHAT not in await chats_with_states(bot)
    _welcome, question = await bot.say("/start")
    assert question["text"] == T("onboarding.ask_run_days")  # from scratch


async def test_the_sweep_forgets_onboardings_nobody_came_back_to(bot: BotHarness, clock) -> None:
    if hasattr(drafts, "drop_abandoned"):
        from bot.housekeeping import forget_abandoned_setups
    else:  # the code before the sweep: nothing forgot an onboarding

        async def forget_abandoned_setups(deps: Any) -> int:
            return 0

    await start_and_answer(bot, CHAT)
    clock.advance(days=2)
    await start_and_answer(bot, OTHER)
    clock.advance(days=29)  # CHAT's 31 days, OTHER's 29
    assert await forget_abandoned_setups(bot.deps) == 1
    assert await chats_with_drafts(bot) == {OTHER}
    assert await chats_with_states(bot) == {OTHER}
    assert CHAT not in bot.deps.draft_cache

    # The one forgotten gets an answer as anybody would (the question is gone) and can
    # start again; the other carries on where they were.
    bot.chat_id = CHAT
    replies = await bot.say("sat")
    assert texts(replies) == T("misc.unknown_text"), texts(replies)
    await bot.say("/start")
    assert CHAT in await chats_with_states(bot)
    bot.chat_id = OTHER
    replies = await bot.say("sat")
    assert texts(replies) == T("onboarding.ask_hard_days"), texts(replies)
    clock.advance(days=timedelta(days=31).days)
    assert await forget_abandoned_setups(bot.deps) == 2  # both idle for a month now


async def test_the_housekeeping_job_sweeps_and_outlives_a_failure(
    bot: BotHarness, clock, caplog: Any, monkeypatch: Any
) -> None:
    """The JobQueue callback (bot/app.py schedules it): it sweeps, and a database fault
    is logged for the next run instead of escaping into the job queue."""
    from telegram.ext import CallbackContext

    from bot.housekeeping import housekeeping_job

    await start_and_answer(bot, CHAT)
    clock.advance(days=31)
    await housekeeping_job(CallbackContext(bot.app))
    assert await chats_with_drafts(bot) == set()

    async def broken(*args: Any, **kwargs: Any) -> list[int]:
        raise ConnectionError("database gone")

    monkeypatch.setattr(drafts, "drop_abandoned", broken)
    await housekeeping_job(CallbackContext(bot.app))
    assert "Could not forget abandoned onboardings" in caplog.text


async def test_the_running_bot_schedules_the_housekeeping_sweep(bot: BotHarness) -> None:
    """The sweep is only worth something if the application runs it: one repeating job,
    the first run a whole interval after start (nothing is a month old at start)."""
    from bot.housekeeping import SWEEP_SECONDS, housekeeping_job

    [job] = bot.app.job_queue.get_jobs_by_name("housekeeping")
    assert job.callback is housekeeping_job
    assert job.trigger.interval.total_seconds() == SWEEP_SECONDS


def test_chats_without_a_draft_are_remembered_in_bounded_memory() -> None:
    """Every private message asks whether its chat has a conversation open; "no" is
    remembered apart, in two generations of ``max_absent`` chats, at under 100 bytes each."""
    from bot.store.drafts import ABSENT_CACHE_SIZE, NO_DRAFT, DraftCache

    now = datetime(2026, 11, 26, tzinfo=UTC)
    cache = DraftCache(now=lambda: now, max_absent=1000)
    first = 1_000_000_000
    for chat_id in range(first, first + 5000):
        cache.put(chat_id, NO_DRAFT, now)
    assert cache.absent_held() <= 2000
    assert cache.get(first + 4999) == NO_DRAFT  # the newest are known
    assert cache.get(first) is None  # the oldest were forgotten: read again
    cache[first + 4999] = json.dumps({"step": "run_days"})  # a draft written now
    assert cache.get(first + 4999) == json.dumps({"step": "run_days"})
    cache.pop(first + 4998)
    assert cache.get(first + 4998) is None

    full = DraftCache(now=lambda: now)
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for chat_id in range(first, first + 2 * ABSENT_CACHE_SIZE):
        full.put(chat_id, NO_DRAFT, now)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    held = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert full.absent_held() == 2 * ABSENT_CACHE_SIZE
    assert held / full.absent_held() < 100, held / full.absent_held()


async def test_a_message_outside_a_conversation_reads_no_draft_twice(bot: BotHarness) -> None:
    """Once a chat is known to have no draft, its messages cost no read of one."""
    from sqlalchemy import event

    await bot.say("hello")  # the first message of the chat: one read, "no draft"
    engine = bot.sessions.kw["bind"].sync_engine
    statements: list[str] = []

    def on_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        replies = await bot.say("hello")
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
    assert texts(replies) == T("chat.hello_not_set_up")
    assert not [s for s in statements if "onboarding_drafts" in s], statements


async def test_after_a_start_only_open_conversations_are_read(bot: BotHarness) -> None:
    """The cache is filled with every stored draft at start: a runner mid-onboarding
    carries on, and anyone else's message costs no draft read, the first one included."""
    from sqlalchemy import event

    await start_and_answer(bot, CHAT)
    await bot.restart()
    engine = bot.sessions.kw["bind"].sync_engine
    statements: list[str] = []

    def on_statement(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        bot.chat_id = OTHER
        replies = await bot.say("hello")
        bot.chat_id = CHAT
        answered = await bot.say("sat")
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
    assert texts(replies) == T("chat.hello_not_set_up")
    assert texts(answered) == T("onboarding.ask_hard_days")
    assert not [
        s
        for s in statements
        if s.lstrip().upper().startswith("SELECT") and "onboarding_drafts" in s
    ], statements


def test_a_cache_too_small_for_every_draft_reads_the_others() -> None:
    from bot.store.drafts import DraftCache, StoredDraft

    now = datetime(2026, 11, 26, tzinfo=UTC)
    stored = [(chat_id, StoredDraft('{"step": "run_days"}', now)) for chat_id in range(5)]
    assert not DraftCache(now=lambda: now, max_entries=4).fill(stored)
    cache = DraftCache(now=lambda: now, max_entries=5)
    assert cache.fill(stored)
    assert cache.get(4) == '{"step": "run_days"}' and cache.get(99) == "{}"
    cache[100] = '{"step": "sessions"}'  # a sixth draft: one is let go, and with it
    assert cache.get(99) is None  # the knowledge that a chat not held has none

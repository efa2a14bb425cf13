"""One slow update holds back nobody else: updates of different chats are handled at
once, each chat's in the order they came (bot/updates.py), through the application's
real update processor. The stall is a Bot API call that hangs (``stub.hold``), so the
only real waiting is the few milliseconds the concurrency itself takes."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import CHAT, BotHarness, onboard, texts
from tests.planned_day import session_label

OTHER = CHAT + 1
# Generous: on the old code the other chat's reply never comes while the first is held.
PATIENCE = 3.0


async def other_reply(bot: BotHarness, since: int) -> str:
    found = await bot.stub.wait_for_async(
        method="sendMessage", chat_id=OTHER, since=since, timeout=PATIENCE
    )
    return str(found.params["text"])


async def test_a_stalled_chat_does_not_hold_back_another_chats_help(bot: BotHarness) -> None:
    gate = bot.stub.hold("sendMessage", chat_id=CHAT)
    try:
        bot.stub.send_text(CHAT, "/help")
        bot.stub.send_text(OTHER, "/help")
        since = bot.stub.call_count
        stalled, other = [bot.process(update) for update in await bot.fetch()]
        assert "What I can do" in await other_reply(bot, since)
        await asyncio.wait_for(asyncio.shield(other), PATIENCE)
        assert not stalled.done()
    finally:
        gate.set()
    await asyncio.wait_for(stalled, PATIENCE)
    assert "What I can do" in bot.last_text()


async def test_another_runners_done_is_logged_while_one_reply_hangs(bot: BotHarness) -> None:
    """The stalled chat's transaction is over before its reply leaves: the other chat's
    "done" reads and writes the database meanwhile (SQLite has one connection)."""
    await onboard(bot)
    other = BotHarness(stub=bot.stub, sessions=bot.sessions, clock=bot.clock, chat_id=OTHER)
    other.app = bot.app
    other.sleeps = bot.sleeps
    await onboard(other)
    logged = f"Logged: {await session_label(bot)} — today"  # the same week: the same focus
    assert logged == f"Logged: {await session_label(bot, chat_id=OTHER)} — today"
    gate = bot.stub.hold("sendMessage", chat_id=CHAT)
    try:
        bot.stub.send_text(CHAT, "done")
        bot.stub.send_text(OTHER, "done")
        since = bot.stub.call_count
        stalled, _ = [bot.process(update) for update in await bot.fetch()]
        assert logged in await other_reply(bot, since)
        assert not stalled.done()
    finally:
        gate.set()
    await asyncio.wait_for(stalled, PATIENCE)
    assert logged in bot.last_text()
    async with transaction(bot.sessions) as session:
        found = (await session.exec(select(SessionLog.chat_id, SessionLog.local_date))).all()
    assert sorted(found) == [(CHAT, date(2026, 11, 26)), (OTHER, date(2026, 11, 26))]


async def test_one_chats_updates_keep_their_order_while_another_chat_goes_ahead(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    logged = f"Logged: {await session_label(bot)} — today"
    mark = len(bot.stub.sent_messages(CHAT))
    gate = bot.stub.hold("sendMessage", chat_id=CHAT)
    try:
        bot.stub.send_text(CHAT, "done")
        bot.stub.send_text(CHAT, "/today")
        bot.stub.send_text(OTHER, "/help")
        since = bot.stub.call_count
        tasks = [bot.process(update) for update in await bot.fetch()]
        await other_reply(bot, since)
        assert not tasks[0].done() and not tasks[1].done()
    finally:
        gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), PATIENCE)
    done, today = bot.stub.sent_messages(CHAT)[mark:]
    assert logged in done["text"]
    # /today came second and was handled second: it sees the session as logged.
    assert "Logged as done" in today["text"] and not today.get("reply_markup")


async def test_runners_onboard_side_by_side(bot: BotHarness) -> None:
    """Six runners answer the onboarding questions at the same moments: each update of
    a round is handled concurrently. Every conversation ends where it should, stored
    (the conversation store and the draft cache under concurrency), and survives a
    restart."""
    chats = [CHAT + n for n in range(6)]
    answers = ["/start", "tue thu sun", "sun", "tue", "some", "none", "no", "3", "20"]
    answers += ["7am", "Berlin", "no race"]
    for answer in answers:
        for chat in chats:
            bot.stub.send_text(chat, answer)
        await bot.pump()
    for chat in chats:
        summary = bot.stub.last_message(chat)
        assert summary is not None and "Your week" in bot.stub.transcript(chat)
    for chat in chats:
        message = next(
            m
            for m in reversed(bot.stub.sent_messages(chat))
            if "Looks good" in str(m.get("reply_markup"))
        )
        data = next(
            b["callback_data"]
            for row in message["reply_markup"]["inline_keyboard"]
            for b in row
            if "Looks good" in b["text"]
        )
        bot.stub.press_button(chat, message["message_id"], data)
    await bot.pump()
    for chat in chats:
        assert "All set" in bot.stub.transcript(chat), bot.stub.transcript(chat)[-500:]
    await bot.restart()
    for chat in chats:
        bot.stub.send_text(chat, "done")
    await bot.pump()
    for chat in chats:
        logged = f"Logged: {await session_label(bot, chat_id=chat)} — today"
        assert logged in str(bot.stub.last_message(chat)), texts(bot.stub.sent_messages(chat)[-2:])


async def test_a_reminder_tick_runs_beside_concurrent_updates(bot: BotHarness, clock) -> None:
    """The 07:00 tick and six runners' "done" at the same moment: every runner gets one
    answer, every log is written once, nothing reaches the error handler."""
    from datetime import UTC, datetime

    errors: list[BaseException] = []

    async def observe(update: object, context: object) -> None:
        errors.append(context.error)  # type: ignore[attr-defined]

    chats = [CHAT + n for n in range(6)]
    for chat in chats:
        runner = BotHarness(stub=bot.stub, sessions=bot.sessions, clock=clock, chat_id=chat)
        runner.app, runner.sleeps = bot.app, bot.sleeps
        await onboard(runner)
    labels = {chat: await session_label(bot, chat_id=chat) for chat in chats}
    bot.app.add_error_handler(observe)
    clock.set(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))  # 07:00 in Berlin
    for chat in chats:
        bot.stub.send_text(chat, "done")
    updates = await bot.fetch()
    report, *_ = await asyncio.gather(bot.tick(), *(bot.process(u) for u in updates))
    assert errors == []
    for chat in chats:
        answers = [m["text"] for m in bot.stub.sent_messages(chat)]
        assert sum(f"Logged: {labels[chat]} — today" in text for text in answers) == 1
    async with transaction(bot.sessions) as session:
        logged = (await session.exec(select(SessionLog.chat_id))).all()
    assert sorted(logged) == chats
    assert report.failed == 0


# ---------------------------------------------------------------- the processor on its own


async def test_waiting_updates_of_one_chat_do_not_use_up_the_running_slots() -> None:
    from bot.updates import ChatOrderedProcessor

    processor = ChatOrderedProcessor(running=2)
    release = asyncio.Event()
    order: list[str] = []

    async def handle(name: str, wait: bool) -> None:
        order.append(f"start {name}")
        if wait:
            await release.wait()
        order.append(f"end {name}")

    def update(chat: int) -> object:
        from telegram import Chat, Message, Update

        message = Message(1, date=None, chat=Chat(chat, "private"))  # type: ignore[arg-type]
        return Update(1, message=message)

    stalled = [
        asyncio.create_task(processor.process_update(update(1), handle(f"a{n}", True)))
        for n in range(5)
    ]
    free = asyncio.create_task(processor.process_update(update(2), handle("b", False)))
    await asyncio.wait_for(free, 1)
    # Chat 1's first update runs, its four others wait for it without taking a slot.
    assert order == ["start a0", "start b", "end b"]
    assert processor.chats_waiting == 1
    release.set()
    await asyncio.wait_for(asyncio.gather(*stalled), 1)
    assert [entry for entry in order if entry.endswith(("a0", "a1", "a2", "a3", "a4"))] == [
        step for n in range(5) for step in (f"start a{n}", f"end a{n}")
    ]
    assert processor.chats_waiting == 0


async def test_at_most_running_handlers_run_at_once() -> None:
    from bot.updates import ChatOrderedProcessor

    processor = ChatOrderedProcessor(running=3)
    release = asyncio.Event()
    running = 0
    most = 0

    async def handle() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1

    tasks = [asyncio.create_task(processor.process_update(n, handle())) for n in range(10)]
    for _ in range(5):
        await asyncio.sleep(0)
    # Objects that are not updates share one line: one at a time, in order.
    assert most == 1
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)

    from telegram import Chat, Message, Update

    release.clear()
    most = 0
    updates = [
        Update(n, message=Message(1, date=None, chat=Chat(n, "private")))  # type: ignore[arg-type]
        for n in range(10)
    ]
    tasks = [asyncio.create_task(processor.process_update(u, handle())) for u in updates]
    for _ in range(5):
        await asyncio.sleep(0)
    assert most == 3
    release.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 1)

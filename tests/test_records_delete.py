"""/delete leaves nothing behind, in any table; a move is never silently dropped.

Each test is a journey through the real bot (``testkit.harness``). The table walk reads
``SQLModel.metadata``, so a table added later is checked without touching this file: it
either has a ``chat_id`` column, or it is taught to ``refers_to`` (and to
``runners.delete_runner``) here.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, select
from sqlmodel import SQLModel

from bot.store.db import transaction
from bot.store.models import Move, SessionLog
from testkit.harness import CHAT, BotHarness, onboard, shared_content, texts
from tests.planned_day import MOVABLE_FRIDAY, planned_focus, session_label

T = shared_content().texts
BERLIN = ZoneInfo("Europe/Berlin")
OTHER = 5151  # another runner, whose rows must survive


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def refers_to(table: Table, row: Any, chat_id: int) -> bool:
    """Whether a stored row belongs to the runner of ``chat_id``."""
    if "chat_id" in table.c:
        return bool(row.chat_id == chat_id)
    if table.name == "conversation_states":
        # JSON of PTB's conversation key: (chat id, user id).
        return chat_id in json.loads(row.key)
    pytest.fail(
        f"table {table.name!r} has no chat_id column: say here (and in "
        "runners.delete_runner) how its rows refer to a runner"
    )


async def rows_of(bot: BotHarness, chat_id: int) -> dict[str, int]:
    """How many rows of each table in the metadata refer to ``chat_id``."""
    found: dict[str, int] = {}
    async with transaction(bot.sessions) as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await session.exec(select(table))).all()
            found[table.name] = sum(refers_to(table, row, chat_id) for row in rows)
    return found


async def as_runner(bot: BotHarness, chat_id: int) -> BotHarness:
    bot.chat_id = chat_id
    return bot


async def skip_friday_and_move_it(bot: BotHarness, clock: Any) -> list[dict[str, Any]]:
    """Two sessions a week (``MOVABLE_FRIDAY``: legs Wednesday and Friday since issue 13):
    Friday 27 Nov's session skipped (busy), moved to Saturday."""
    clock.set(at(2026, 11, 27, 9, 0))
    friday = await session_label(bot, chat_id=bot.chat_id)
    [session] = await bot.say("/today")
    assert friday in session["text"], session["text"]
    [ask] = await bot.tap("Skip", session)
    [offer] = await bot.tap("Busy", ask)
    return await bot.tap("Move to Saturday 28", offer)


async def test_delete_leaves_no_row_of_the_runner_in_any_table(bot: BotHarness, clock) -> None:
    clock.set(at(2026, 11, 26, 6, 30))
    await as_runner(bot, OTHER)
    await onboard(bot, **MOVABLE_FRIDAY)
    await as_runner(bot, CHAT)
    await onboard(bot, **MOVABLE_FRIDAY)
    clock.set(at(2026, 11, 26, 7, 0))
    assert (await bot.tick()).sent == 0  # Thursday: no session; the rows come Friday
    clock.set(at(2026, 11, 27, 7, 0))
    assert (await bot.tick()).sent == 2  # a reminder row each
    await as_runner(bot, OTHER)
    await skip_friday_and_move_it(bot, clock)
    await as_runner(bot, CHAT)
    await skip_friday_and_move_it(bot, clock)
    await bot.say("done, felt strong")  # Friday's session moved: this asks which focus
    # The confirmation is answered with /settings open: its draft and conversation state
    # are stored too when "Yes, delete" comes.
    [confirm] = await bot.say("/delete")
    await bot.say("/settings")
    await bot.app.update_persistence()
    before = await rows_of(bot, CHAT)
    for name in ("runners", "moves", "session_logs", "reminders"):
        assert before[name] >= 1, before
    # The open /settings is its draft alone (conversation_states is no longer written).
    assert before["onboarding_drafts"] == 1 and before["conversation_states"] == 0, before
    others = await rows_of(bot, OTHER)

    [gone] = await bot.tap("Yes, delete", confirm)
    assert gone["text"] == T("delete.done")
    await bot.app.update_persistence()
    assert await rows_of(bot, CHAT) == dict.fromkeys(before, 0)
    assert await rows_of(bot, OTHER) == others  # the other runner keeps everything


async def test_setting_up_again_after_delete_moves_a_session_for_real(
    bot: BotHarness, clock
) -> None:
    clock.set(at(2026, 11, 26, 6, 30))
    await onboard(bot, **MOVABLE_FRIDAY)
    await skip_friday_and_move_it(bot, clock)
    [confirm] = await bot.say("/delete")
    await bot.tap("Yes, delete", confirm)

    clock.set(at(2026, 11, 27, 8, 0))
    await onboard(bot, **MOVABLE_FRIDAY)
    friday = await session_label(bot, date(2026, 11, 27))
    [moved] = await skip_friday_and_move_it(bot, clock)
    assert "now on <b>Saturday 28</b>" in moved["text"]
    # Saturday: the moved session is there, and its reminder goes out.
    clock.set(at(2026, 11, 28, 7, 0))
    assert (await bot.tick()).sent == 1
    assert friday in bot.last_text()
    [today] = await bot.say("/today")
    assert friday in today["text"]


@pytest.mark.parametrize("opened", ["/settings", "/start"])
async def test_the_next_message_after_delete_is_answered(
    bot: BotHarness, clock, opened: str
) -> None:
    """/delete, then /settings (or onboarding) is opened before "Yes, delete" is tapped:
    the conversation must not outlive the data it was about."""
    if opened == "/settings":
        await onboard(bot)
    [confirm] = await bot.say("/delete")
    replies = await bot.say(opened)
    assert replies[-1].get("reply_markup"), texts(replies)  # a menu or a question, open
    await bot.tap("Yes, delete", confirm)
    for message in ("mon wed", "hello", "/start"):
        replies = await bot.say(message)
        assert replies, f"no answer to {message!r} after /delete"
    assert "Hi" in replies[0]["text"]  # /start begins from scratch


def button_on(message: dict[str, Any], label: str) -> str:
    return next(
        str(button["callback_data"])
        for row in message["reply_markup"]["inline_keyboard"]
        for button in row
        if label in button["text"]
    )


@pytest.mark.parametrize(("label", "outcome"), [("Yes", "delete.done"), ("No", "delete.kept")])
async def test_a_double_tap_on_the_delete_confirmation_answers_once(
    bot: BotHarness, label: str, outcome: str
) -> None:
    await onboard(bot)
    [confirm] = await bot.say("/delete")
    data = button_on(confirm, label)
    bot.stub.not_modified_errors = True  # as Telegram: the same edit twice is refused
    mark = len(bot.stub.sent_messages(CHAT))
    answered = len(bot.stub.calls_to("answerCallbackQuery"))
    # Both taps arrive before the bot has answered the first.
    bot.stub.press_button(CHAT, confirm["message_id"], data)
    bot.stub.press_button(CHAT, confirm["message_id"], data)
    await bot.pump()
    assert [m["text"] for m in bot.stub.sent_messages(CHAT)[mark:]] == [T(outcome)]
    assert len(bot.stub.calls_to("answerCallbackQuery")) == answered + 2


async def test_yes_to_delete_with_nothing_stored_is_answered(bot: BotHarness) -> None:
    [confirm] = await bot.say("/delete")
    replies = await bot.tap("Yes, delete", confirm)
    assert replies == [] or [m["text"] for m in replies] == [T("delete.done")]
    answer = bot.callback_answers()[-1]
    assert answer == "" or answer == T("records.nothing_to_delete")


async def test_a_move_that_could_not_be_stored_is_not_reported_as_done(
    bot: BotHarness, clock
) -> None:
    """A stray row holds Friday's move slot (written by another instance, or left by an
    older release): the new move is not stored, and the runner is told so plainly."""
    clock.set(at(2026, 11, 26, 6, 30))
    await onboard(bot, **MOVABLE_FRIDAY)
    clock.set(at(2026, 11, 27, 9, 0))
    [session] = await bot.say("/today")
    [ask] = await bot.tap("Skip", session)
    [offer] = await bot.tap("Busy", ask)
    focus = await planned_focus(bot, date(2026, 11, 27))
    async with transaction(bot.sessions) as session_:
        session_.add(
            Move(
                chat_id=CHAT,
                from_date=date(2026, 11, 27),
                to_date=date(2026, 11, 29),
                focus=focus.value,
                created_at=at(2026, 11, 20, 9, 0),
            )
        )
    [reply] = await bot.tap("Move to Saturday 28", offer)
    assert "now on" not in reply["text"]
    assert reply["text"] == T("records.move_not_stored")
    async with transaction(bot.sessions) as session_:
        [log] = (await session_.exec(select(SessionLog.__table__))).all()
    assert log.status == "skipped"  # not "moved": nothing went anywhere

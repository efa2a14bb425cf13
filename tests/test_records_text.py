"""Text the database cannot store, and places that cannot exist, never break a journey.

A NUL byte is refused by PostgreSQL's ``text``; a lone UTF-16 surrogate ("\\ud800", valid
in a JSON string, so Telegram can hand one over) by both backends' UTF-8 encoders. Every
text column cleans what is written (``store.models.CleanText``); the first test walks
every string column of every table in the metadata, so a column added later is covered.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    TypeDecorator,
    insert,
    select,
)
from sqlmodel import SQLModel

from bot.store import drafts
from bot.store.db import SessionFactory, transaction
from bot.store.models import Runner, SessionLog
from testkit.harness import (
    CHAT,
    BotHarness,
    button_data,
    onboard,
    runner_row,
    shared_content,
    texts,
)

T = shared_content().texts
# A NUL, a lone surrogate half, and an emoji that must come through untouched.
DIRTY = "a\x00b \ud800 c 😀"
CLEAN = "ab \ufffd c 😀"


def base_type(type_: Any) -> Any:
    while isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    return type_


def value_for(table: Table, column: Any, number: int) -> Any:
    """A storable value of the column's type; dirty text for every string column."""
    kind = base_type(column.type)
    if isinstance(kind, String):
        return f"{DIRTY} {number}"  # distinct, for composite keys of strings
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return CHAT
    if isinstance(kind, Date):
        return date(2026, 11, 26)
    if isinstance(kind, DateTime):
        return datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
    pytest.fail(f"{table.name}.{column.name}: no test value for {column.type!r}")


def string_columns(table: Table) -> list[Any]:
    return [column for column in table.columns if isinstance(base_type(column.type), String)]


async def test_every_text_column_stores_what_the_database_cannot(
    sessions: SessionFactory,
) -> None:
    tables = [table for table in SQLModel.metadata.sorted_tables if string_columns(table)]
    assert {"runners", "session_logs", "onboarding_drafts", "conversation_states"} <= {
        table.name for table in tables
    }
    for table in tables:
        row = {
            column.name: value_for(table, column, number)
            for number, column in enumerate(table.columns)
            if not (column.primary_key and column.autoincrement is True)
        }
        async with transaction(sessions) as session:
            await session.exec(insert(table).values(row))  # type: ignore[call-overload]
        async with transaction(sessions) as session:
            [stored] = (await session.exec(select(*string_columns(table)))).all()  # type: ignore[call-overload]
        for column in string_columns(table):
            assert getattr(stored, column.name).startswith(CLEAN), (table.name, column.name)


async def test_drafts_and_conversation_states_keep_dirty_text(sessions: SessionFactory) -> None:
    """The JSON of a draft and of a state carries the text escaped: it comes back as
    written (a note waiting for its focus lives in a draft; the conversation's state is
    the draft's step, read typed)."""
    draft = {"pending_note": DIRTY, "answers": {"name": DIRTY}, "step": DIRTY}
    async with transaction(sessions) as session:
        await drafts.save_draft(session, CHAT, draft, now=datetime.now(UTC))
    async with transaction(sessions) as session:
        assert await drafts.load_draft(session, CHAT) == draft
        stored = await drafts.load(session, CHAT)
    states = {(CHAT, CHAT): stored.step if stored is not None else None}
    assert states == {(CHAT, CHAT): DIRTY}


async def logs_of(bot: BotHarness) -> list[Any]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog))).scalars())  # type: ignore[call-overload]


async def test_done_and_skip_with_dirty_notes_are_logged(bot: BotHarness, clock) -> None:
    await onboard(bot)  # Core on Thursday 26 Nov, today
    replies = await bot.say(f"done {DIRTY}")
    assert "Logged" in texts(replies), texts(replies)
    clock.advance(days=2)  # Saturday: Upper body
    replies = await bot.say(f"skipping today {DIRTY}")
    assert "What got in the way?" in texts(replies), texts(replies)
    assert [(log.status, log.note) for log in await logs_of(bot)] == [
        ("done", CLEAN),
        ("skipped", CLEAN),
    ]


async def test_a_dirty_note_after_done_is_added(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("done")
    replies = await bot.say(f"and {DIRTY}")  # a note, within two hours
    assert len(replies) == 1 and T("misc.error") not in texts(replies), texts(replies)
    [log] = await logs_of(bot)
    assert log.status == "done" and log.note == f"and {CLEAN}"


async def test_a_done_note_waiting_for_its_focus_survives(bot: BotHarness, clock) -> None:
    await onboard(bot)
    await bot.say("done")  # Thursday's Core
    clock.advance(days=1)  # Friday: nothing planned or unlogged, so "done" asks which focus
    replies = await bot.say(f"done {DIRTY}")
    assert replies and T("misc.error") not in texts(replies)
    await bot.tap("Core")
    friday = [log for log in await logs_of(bot) if log.local_date == date(2026, 11, 27)]
    assert [(log.status, log.note) for log in friday] == [("done", CLEAN)]


async def test_onboarding_completes_with_a_dirty_name_and_dirty_answers(bot: BotHarness) -> None:
    name = f"Ann {DIRTY}"

    async def say(text: str) -> list[dict[str, Any]]:
        mark = len(bot.stub.sent_messages(CHAT))
        bot.stub.send_text(CHAT, text, first_name=name)
        await bot.pump()
        return bot.stub.sent_messages(CHAT)[mark:]

    replies = await say("/start")
    assert T("misc.error") not in texts(replies), texts(replies)
    # Each question first gets a dirty answer (a re-ask, never an error), then a real one.
    for answer in (
        "tue thu sun",
        "sun",
        "tue",
        "some",
        "none",
        "no",
        "3",
        "20",
        "7am",
        "Berlin",
        "no race",
    ):
        replies = await say(DIRTY)
        assert replies and T("misc.error") not in texts(replies), texts(replies)
        replies = await say(answer)
        assert T("misc.error") not in texts(replies), texts(replies)
    summary = bot.message_with_button("Looks good")
    mark = len(bot.stub.sent_messages(CHAT))
    # The press comes from the user the stub remembers: the one named above.
    bot.stub.press_button(CHAT, summary["message_id"], button_data(summary, "Looks good"))
    await bot.pump()
    replies = bot.stub.sent_messages(CHAT)[mark:]
    assert "All set" in texts(replies), texts(replies)
    runner = await runner_row(bot)
    assert runner.onboarded and runner.first_name == f"Ann {CLEAN}"
    # Nothing the bot sent carried the name (or an answer) as typed: Telegram takes UTF-8.
    welcome = bot.stub.sent_messages(CHAT)[0]["text"]
    assert f"Ann {CLEAN}" in welcome
    for sent in bot.stub.sent_messages(CHAT):
        assert "\x00" not in sent["text"] and sent["text"].encode("utf-8")


@pytest.mark.parametrize(
    "answer",
    [
        "18 ² april",  # "²".isdigit() is True, int("²") raises
        "18 april 99999999999999999999",  # a year that overflows date()
        "9" * 4000,
        "١٨ april",  # other scripts' digits are digits
    ],
)
async def test_typed_race_dates_that_are_not_dates_get_a_re_ask(
    bot: BotHarness, answer: str
) -> None:
    await bot.say("/start")
    for typed in ("tue thu sun", "sun", "tue", "some", "none", "no", "3", "20", "7am", "Berlin"):
        await bot.say(typed)
    replies = await bot.say(answer)
    assert replies and T("misc.error") not in texts(replies), texts(replies)


async def at_the_timezone_question(bot: BotHarness) -> None:
    await bot.say("/start")
    for answer in ("tue thu sun", "sun", "tue", "some", "none", "no", "3", "20", "7am"):
        await bot.say(answer)
    assert "timezone" in bot.last_text().casefold() or "where" in bot.last_text().casefold()


IMPOSSIBLE = [(91.0, 0.0), (0.0, 999.0), (-90.5, 10.0), (math.nan, 13.4), (52.5, math.inf)]
IMPOSSIBLE += [(-math.inf, -math.inf), (math.nan, math.nan)]


async def test_impossible_locations_get_a_re_ask(bot: BotHarness) -> None:
    await at_the_timezone_question(bot)
    reask = T("onboarding.reask_timezone", text="📍")
    for latitude, longitude in IMPOSSIBLE:
        replies = await bot.share_location(latitude, longitude)
        assert texts(replies) == reask, (latitude, longitude, texts(replies))
    replies = await bot.share_location(52.52, 13.40)  # Berlin: taken
    assert "Europe/Berlin" in texts(replies)
    runner = None
    async with transaction(bot.sessions) as session:
        runner = await session.get(Runner, CHAT)
    assert runner is None  # not set up yet: the race date question comes next

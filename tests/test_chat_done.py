"""Done and skip as runners write them (issue 12, point 9), through the real Application."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.messages.views import focus_label
from bot.services.plan import read_today, session_of_day
from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, onboard, shared_content, texts

THURSDAY = date(2026, 11, 26)  # the harness clock's today (Legs in the default week)


async def session_label(bot: BotHarness, day: date | None = None) -> str:
    """The focus of the session on ``day`` (default today) as the bot names it, from the
    one answer every reader asks (``session_of_day``), so the tests follow the plan."""
    async with transaction(bot.sessions) as session:
        found = await read_today(session, bot.chat_id, bot.clock.now())
    assert found is not None
    planned = session_of_day(
        found.runner, found.calendar, found.history, day or found.day, found.day
    )
    assert planned is not None, f"no session on {day or found.day}"
    return focus_label(shared_content().texts, planned.focus)


async def stored_logs(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog).order_by(SessionLog.local_date))).all())


@pytest.mark.parametrize(
    "message",
    ["I'm done", "ok done", "just finished!", "did my workout", "I did the session", "👍"],
)
async def test_done_as_people_write_it_logs_todays_session(bot: BotHarness, message: str) -> None:
    await onboard(bot)
    today = await session_label(bot)
    [reply] = await bot.say(message)
    assert f"Logged: {today} — today" in reply["text"], reply["text"]
    [log] = await stored_logs(bot)
    assert (log.local_date, log.status, log.note) == (THURSDAY, "done", None)


async def test_done_with_work_is_not_a_session_done(bot: BotHarness) -> None:
    await onboard(bot)
    replies = await bot.say("done with work, will train later")
    assert "Logged" not in texts(replies)
    assert "I didn't catch that" in texts(replies), texts(replies)
    assert await stored_logs(bot) == []


async def test_finished_it_keeps_no_stray_it_in_the_note(bot: BotHarness) -> None:
    await onboard(bot)
    today = await session_label(bot)
    [reply] = await bot.say("finished it 💪")
    assert f"Logged: {today} — today" in reply["text"]
    assert "Noted" not in reply["text"]
    [log] = await stored_logs(bot)
    assert log.note is None


async def test_a_note_after_the_done_phrase_is_kept_without_its_object(bot: BotHarness) -> None:
    await onboard(bot)
    # A note with no feeling in it: a feeling typed with done is the feedback tap's answer
    # too (a second reply), which is not what this test is about.
    [reply] = await bot.say("Finished the session — did it in the park")
    assert "did it in the park" in reply["text"]
    [log] = await stored_logs(bot)
    assert log.note == "did it in the park"


async def test_a_typo_of_done_still_logs(bot: BotHarness) -> None:
    await onboard(bot)
    today = await session_label(bot)
    # A note with no feeling in it (one a feeling, "legs burning", is also the feedback).
    [reply] = await bot.say("dnoe, did it in the park")
    assert f"Logged: {today} — today" in reply["text"]
    [log] = await stored_logs(bot)
    assert log.note == "did it in the park"


async def test_skip_as_people_write_it_asks_why_and_keeps_the_reason_as_a_note(
    bot: BotHarness,
) -> None:
    await onboard(bot)
    replies = await bot.say("not today, kids are sick")
    assert "What got in the way?" in texts(replies), texts(replies)
    [log] = await stored_logs(bot)
    assert (log.status, log.note) == ("skipped", "kids are sick")


async def test_a_photo_captioned_as_people_write_done_logs(bot: BotHarness) -> None:
    await onboard(bot)
    today = await session_label(bot)
    mark = len(bot.stub.sent_messages(bot.chat_id))
    bot.stub.send_photo(bot.chat_id, caption="just finished! 💪")
    await bot.pump()
    replies = bot.stub.sent_messages(bot.chat_id)[mark:]
    assert f"Logged: {today} — today" in texts(replies), texts(replies)


async def test_done_yesterday_is_for_yesterday_not_todays_session(
    bot: BotHarness, clock: Any
) -> None:
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # set up on Monday
    await onboard(bot)
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # Thursday: a session today
    today = await session_label(bot)
    [ask] = await bot.say("I did it yesterday, an extra legs session")
    assert f"Logged: {today} — today" not in ask["text"], ask["text"]
    [reply] = await bot.tap("Legs", ask)
    assert "Logged: Legs — Wednesday 25" in reply["text"], reply["text"]
    [log] = await stored_logs(bot)
    assert (log.local_date, log.focus, log.note) == (
        date(2026, 11, 25),
        "legs",
        "an extra legs session",
    )
    [shown] = await bot.say("/today")
    # today's session is still there, not logged (its focus as the plan now says it)
    still = await session_label(bot)
    assert f"<b>{still}</b>" in shown["text"], shown["text"]
    assert "Logged as done" not in shown["text"]

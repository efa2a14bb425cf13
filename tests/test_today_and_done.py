"""/today, "done" and the Done/Skip buttons, as a runner uses them."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.coach.day import DayPlan
from bot.coach.week import STARTING_LEVEL, Experience
from bot.messages.views import headline
from bot.services.plan import plan_of_session, read_today, session_of_day
from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, button_data, onboard, shared_content, texts

# The default week (testkit.harness.onboard: runs Tue/Thu/Sun, 3 sessions) holds legs on
# Tuesday and Thursday and upper body on Saturday: issue 13's plan makes a 3-session week
# legs + legs + upper (bot.coach.plan._foci), with core built into the leg sessions.
THURSDAY = date(2026, 11, 26)


async def todays_plan(bot: BotHarness) -> DayPlan:
    """The session /today builds for the runner today, as the code sees the day."""
    async with transaction(bot.sessions) as session:
        found = await read_today(session, bot.chat_id, bot.clock.now())
    assert found is not None
    day = session_of_day(found.runner, found.calendar, found.history, found.day, found.day)
    assert day is not None
    plan = plan_of_session(shared_content(), found.runner, found.calendar, found.history, day)
    assert plan is not None
    return plan


async def stored_logs(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog).order_by(SessionLog.local_date))).all())


async def test_today_shows_the_session_with_exercises_and_buttons(bot: BotHarness) -> None:
    await onboard(bot)
    [reply] = await bot.say("/today")
    text = reply["text"]
    assert "Legs" in text and "today" in text and "about" in text and "min" in text
    # every move of the day's session is named as its rung says it (from the catalogue,
    # not a literal: the content is rewritten as the coaching changes), with the rest
    items = (await todays_plan(bot)).session.items
    names = [headline(item.level.variant)[0] for item in items]
    assert names and all(f"<b>{html.escape(name, quote=False)}</b>" in text for name in names)
    assert "rest" in text
    # every exercise line has a dose (sets x reps or seconds); the cues are folded below
    assert text.count("×") >= 4 and text.split("<blockquote expandable>")[1].count("</b>:") >= 4
    buttons = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["✅ Done", "⏭ Skip", "⇄ Swap"]
    assert button_data(reply, "Done") == "v1:done:20261126"


async def test_today_matches_equipment_and_level(bot: BotHarness) -> None:
    await onboard(bot, experience="new")
    beginner = (await bot.say("/today"))[0]["text"]
    await bot.say("/start")
    await bot.tap("Start over")
    for answer in [
        "tue thu sun",
        "sun",
        "tue",
        "experienced",
        "gym",
        "3",
        "20",
        "7am",
        "Berlin",
        "no race",
    ]:
        await bot.say(answer)
    await bot.tap("Looks good")
    experienced = (await bot.say("/today"))[0]["text"]
    assert beginner != experienced
    # Each starts at the focus level their experience gives (issue 13: 1..12, new 1,
    # experienced 7); a never-done move still starts at its first rung.
    assert f"Level {STARTING_LEVEL[Experience.NEW]}\n" in beginner
    assert f"Level {STARTING_LEVEL[Experience.EXPERIENCED]}\n" in experienced


async def test_today_on_a_rest_day_names_the_next_session(bot: BotHarness, clock) -> None:
    await onboard(bot)
    clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # Friday: no strength
    [reply] = await bot.say("/today")
    assert "No strength session today" in reply["text"]
    assert "Saturday 28" in reply["text"] and "Upper body" in reply["text"]
    assert not reply.get("reply_markup")


@pytest.mark.parametrize("message", ["done", "Done!", "done ✅", "did it", "✅", "DONE."])
async def test_done_in_any_form_logs_todays_session(bot: BotHarness, message: str) -> None:
    await onboard(bot)
    [reply] = await bot.say(message)
    assert "Logged: Legs — today" in reply["text"]
    assert "1 of 3 this week" in reply["text"]
    [log] = await stored_logs(bot)
    assert (log.local_date, log.focus, log.status, log.note) == (THURSDAY, "legs", "done", None)


async def test_done_keeps_the_rest_of_the_message_as_a_note(bot: BotHarness) -> None:
    await onboard(bot)
    [reply] = await bot.say("done, planks were hard")
    assert "planks were hard" in reply["text"]
    [log] = await stored_logs(bot)
    assert log.note == "planks were hard"


async def test_a_second_done_says_already_logged_and_writes_nothing(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("done")
    [reply] = await bot.say("done again!")
    assert "already logged" in reply["text"]
    assert len(await stored_logs(bot)) == 1


async def test_done_the_day_after_logs_yesterdays_unlogged_session(bot: BotHarness, clock) -> None:
    await onboard(bot)
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # Friday, rest day
    [reply] = await bot.say("done")
    assert "Legs — Thursday 26" in reply["text"]
    [log] = await stored_logs(bot)
    assert log.local_date == THURSDAY


async def test_done_with_nothing_planned_asks_which_focus(bot: BotHarness, clock) -> None:
    await onboard(bot)
    await bot.say("done")  # Thursday's legs
    clock.set(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))  # Friday, Thursday already logged
    [ask] = await bot.say("done, some extra legs")
    assert "what did you do" in ask["text"]
    [reply] = await bot.tap("Legs", ask)
    assert "Logged: Legs — today" in reply["text"]
    assert "2 of 3 this week" in reply["text"]
    logs = await stored_logs(bot)
    assert [(log.local_date, log.focus, log.planned, log.note) for log in logs] == [
        (THURSDAY, "legs", True, None),
        (date(2026, 11, 27), "legs", False, "some extra legs"),
    ]


async def test_done_button_logs_and_a_double_tap_does_not(bot: BotHarness) -> None:
    await onboard(bot)
    [session] = await bot.say("/today")
    data = button_data(session, "Done")
    [reply] = await bot.press(session["message_id"], data)
    assert "Logged: Legs — today" in reply["text"]
    # The second tap is answered in the button's toast: no second message.
    assert await bot.press(session["message_id"], data) == []
    assert "already logged" in bot.callback_answers()[-1]
    assert len(await stored_logs(bot)) == 1
    # the buttons are removed from the session message once it is logged
    assert not (bot.stub.message(bot.chat_id, session["message_id"]) or {}).get("reply_markup")
    [today] = await bot.say("/today")
    assert "Logged as done" in today["text"] and not today.get("reply_markup")


async def test_skip_logs_a_skipped_session_and_names_the_next(bot: BotHarness) -> None:
    await onboard(bot)
    [session] = await bot.say("/today")
    [reply] = await bot.tap("Skip", session)
    assert "Skipped Legs" in reply["text"] and "What got in the way?" in reply["text"]
    [log] = await stored_logs(bot)
    assert log.status == "skipped"
    # A "done" the same day after all: the skip becomes the done (the runner did it).
    replies = await bot.say("done")
    assert "Logged" in texts(replies) and "already logged" not in texts(replies)
    [log] = await stored_logs(bot)
    assert log.status == "done"
    [again] = await bot.say("done")
    assert "already logged" in again["text"]


async def test_a_stale_button_from_last_week_is_answered_politely(bot: BotHarness) -> None:
    await onboard(bot)
    [session] = await bot.say("/today")
    replies = await bot.press(session["message_id"], "v1:done:20261119")
    assert "too long ago" in texts(replies)
    assert await stored_logs(bot) == []
    await bot.press(session["message_id"], "v0:something:old")
    assert "expired" in bot.callback_answers()[-1]


async def test_free_text_and_unknown_commands_get_an_answer(bot: BotHarness) -> None:
    await onboard(bot)
    [reply] = await bot.say("what should I do?")
    assert "reply <b>done</b>" in reply["text"]
    [reply] = await bot.say("/dance")
    assert "/help" in reply["text"]
    assert await stored_logs(bot) == []


async def test_a_runner_who_has_not_set_up_is_pointed_to_start(bot: BotHarness) -> None:
    for message in ["/today", "done", "/week", "/pause"]:
        [reply] = await bot.say(message)
        assert "/start" in reply["text"], message
    assert await stored_logs(bot) == []


async def test_week_marks_done_and_skipped_days(bot: BotHarness, clock) -> None:
    await onboard(bot)
    await bot.say("done")
    clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))  # Saturday
    [session] = await bot.say("/today")
    await bot.tap("Skip", session)
    [week] = await bot.say("/week")
    lines = week["text"].splitlines()
    assert any(line.startswith("✅ Thu") and "Legs" in line for line in lines)
    assert any(line.startswith("⏭ Sat") and "Upper body" in line for line in lines)
    # Tuesday's legs fell before the runner joined: not a miss
    assert any(line.startswith("· Tue") for line in lines)
    assert "1 of 3 done" in week["text"]


async def test_a_typed_skip_logs_a_skipped_session_with_its_note(bot: BotHarness, clock) -> None:
    await onboard(bot)
    [reply] = await bot.say("skipping today, knee is sore")
    # The note names the reason (sore): taken as its tap would be, not asked again.
    assert "Skipped Legs (today)" in reply["text"] and "What got in the way?" not in reply["text"]
    [log] = await stored_logs(bot)
    assert (log.status, log.note, log.reason) == ("skipped", "knee is sore", "sore")
    clock.set(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))  # Friday: nothing planned
    [nothing] = await bot.say("skip")
    assert "nothing to skip" in nothing["text"] and "Saturday 28" in nothing["text"]
    assert len(await stored_logs(bot)) == 1


async def test_a_read_only_runner_cannot_be_changed_by_mistake(sessions: Any) -> None:
    """``read_runner`` hands out untracked snapshots for speed; a handler that changed one
    would lose the change silently, so changing one fails loudly instead."""
    from bot.store import runners as runner_store
    from bot.store.models import Runner

    async with transaction(sessions) as session:
        session.add(Runner(chat_id=7, timezone="Europe/Berlin", run_days="1,3"))
    async with transaction(sessions) as session:
        snapshot = await runner_store.read_runner(session, 7)
        assert await runner_store.read_runner(session, 8) is None
    assert snapshot is not None
    assert (snapshot.timezone, snapshot.run_days, snapshot.paused) == (
        "Europe/Berlin",
        "1,3",
        False,
    )
    with pytest.raises(AttributeError):
        snapshot.paused = True

"""Weights as a runner tells them, through the real Application on both backends: typed
with "done" (one reply), typed after it, a bare number, pounds, nonsense, the one-tap row
(same / more / less) with its stale, forged and double taps, /units, undo taking the
weights away, the next session's target, and the pain rule.

The catalogue is being rewritten while these tests are written, so the tests load it as it
is and mark every legs rung as done with a weight: the moves and names come from the
catalogue, never from literal strings here."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.coach.loads import KG_PER_LB
from bot.coach.weights import match_exercise
from bot.content import Exercise
from bot.messages.callbacks import WeightButton
from bot.services.history import history_of
from bot.store.db import SessionFactory, transaction
from bot.store.logs import loads_of
from bot.store.models import SessionLog
from testkit.harness import BotHarness, FakeClock, onboard, runner_row, texts
from testkit.stub_bot_api import StubBotAPI
from tests.loads_kit import LOADED, loaded_bot, loaded_today, shown_names

BERLIN_OFFSET = timedelta(hours=1)  # November/December in Berlin


T = LOADED.texts


@pytest.fixture
async def bot(
    stub: StubBotAPI,
    sessions: SessionFactory,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[BotHarness]:
    async for harness in loaded_bot(stub, sessions, clock, monkeypatch):
        yield harness


async def _to_a_loaded_day(
    bot: BotHarness, after: date | None = None, having: Exercise | None = None
) -> tuple[Exercise, ...]:
    """Move the clock, day by day at 09:00 Berlin, to the next day whose session has a
    loaded move (``having``, if given; after ``after``, else from today)."""
    start = after + timedelta(days=1) if after else bot.clock.now().date()
    for offset in range(14):
        day = start + timedelta(days=offset)
        bot.clock.set(datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC))
        moves = await loaded_today(bot)
        if moves and (having is None or having in moves):
            return moves
    raise AssertionError("no session with a loaded move in two weeks")


async def _logs(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog).order_by(SessionLog.local_date))).all())


def _loads(log: SessionLog) -> dict[str, float]:
    return json.loads(log.loads) if log.loads else {}


def _today(bot: BotHarness) -> date:
    return (bot.clock.now() + BERLIN_OFFSET).date()


async def _gym_runner(bot: BotHarness) -> tuple[Exercise, ...]:
    await onboard(bot, experience="experienced", equipment="gym", time_budget="60")
    return await _to_a_loaded_day(bot)


async def test_done_with_a_weight_logs_and_notes_it_in_one_reply(bot: BotHarness) -> None:
    moves = await _gym_runner(bot)
    squat = match_exercise("squat", moves)
    assert squat is not None
    names = await shown_names(bot)  # the session's own name for each move
    replies = await bot.say("done, squat 60 kg")
    assert len(replies) == 1, replies
    [log] = await _logs(bot)
    assert log.status == "done" and log.note is None
    assert _loads(log) == {squat.id: 60.0}
    assert names[squat.id] in replies[0]["text"] and "60 kg" in replies[0]["text"]
    assert replies[0].get("reply_markup"), "how it felt, and undo, as after a plain done"


async def test_done_with_a_decimal_comma_and_no_name_is_the_first_loaded_move(
    bot: BotHarness,
) -> None:
    moves = await _gym_runner(bot)
    await bot.say("done 62,5kg")
    [log] = await _logs(bot)
    assert _loads(log) == {moves[0].id: 62.5}


async def test_a_weight_after_done_and_a_bare_number_are_kept(bot: BotHarness) -> None:
    moves = await _gym_runner(bot)
    await bot.say("done")
    named = moves[-1]
    word = named.name.split()[-1]
    replies = await bot.say(f"{word} 40 kg")
    assert "40 kg" in texts(replies)
    [log] = await _logs(bot)
    assert _loads(log)[match_exercise(word.lower(), moves).id] == 40.0  # type: ignore[union-attr]
    await bot.say("60")
    [log] = await _logs(bot)
    assert _loads(log)[moves[0].id] == 60.0


async def test_a_weight_typed_alone_before_done_logs_the_session_with_it(
    bot: BotHarness,
) -> None:
    """ "did RDL 40 kg", "goblet 16kg": the runner says they did it, with the weight."""
    moves = await _gym_runner(bot)
    replies = await bot.say("did it, 50 kg")
    assert len(replies) == 1, replies
    [log] = await _logs(bot)
    assert log.status == "done" and _loads(log) == {moves[0].id: 50.0}


async def test_a_loaded_moves_name_and_a_weight_alone_logs_the_session(bot: BotHarness) -> None:
    """ "goblet 16kg": a move of today's session, named with its weight."""
    moves = await _gym_runner(bot)
    word = moves[0].name.split()[0].lower()
    await bot.say(f"{word} 16kg")
    [log] = await _logs(bot)
    assert log.status == "done" and _loads(log)[moves[0].id] == 16.0


@pytest.mark.parametrize("typed", ["I weigh 70 kg", "20kg?", "60"])
async def test_a_weight_that_says_no_session_logs_nothing(bot: BotHarness, typed: str) -> None:
    await _gym_runner(bot)
    await bot.say(typed)
    assert await _logs(bot) == []


async def test_pounds_set_the_runners_unit_and_are_kept_in_kilograms(bot: BotHarness) -> None:
    moves = await _gym_runner(bot)
    squat = match_exercise("squat", moves)
    assert squat is not None
    replies = await bot.say("done, squat 135 lb")
    assert "135 lb" in texts(replies)
    [log] = await _logs(bot)
    assert _loads(log)[squat.id] == pytest.approx(135 * KG_PER_LB, abs=1e-3)
    assert (await runner_row(bot)).weight_unit == "lb"
    # The switch is said in the same reply, with the way back (re-test: it was silent).
    assert T("loads.unit_switched", unit="lb", other="kg") in texts(replies)
    # A weight typed after "done" in the other unit switches back, and says so too.
    replies = await bot.say("squat 62.5 kg")
    assert (await runner_row(bot)).weight_unit == "kg"
    assert T("loads.unit_switched", unit="kg", other="lb") in texts(replies)


async def test_units_command_switches_the_unit(bot: BotHarness) -> None:
    await onboard(bot)
    assert (await runner_row(bot)).weight_unit == "kg"
    replies = await bot.say("/units lb")
    assert (await runner_row(bot)).weight_unit == "lb"
    assert "lb" in texts(replies)
    replies = await bot.say("/units lb")
    assert texts(replies) == T("loads.unit_same", unit="lb")
    assert texts(await bot.say("/units stone")) == T("loads.unit_ask")
    await bot.say("/units kg")
    assert (await runner_row(bot)).weight_unit == "kg"


@pytest.mark.parametrize("typed", ["done, squat 6000 kg", "done -5 kg"])
async def test_nonsense_with_done_gets_a_kind_answer_and_nothing_is_stored(
    bot: BotHarness, typed: str
) -> None:
    await _gym_runner(bot)
    replies = await bot.say(typed)
    assert len(replies) == 1 and "nothing saved" in replies[0]["text"], replies
    assert await _logs(bot) == []


async def test_nonsense_after_done_keeps_nothing(bot: BotHarness) -> None:
    await _gym_runner(bot)
    await bot.say("done")
    replies = await bot.say("squat 6000 kg")
    assert "nothing saved" in texts(replies)
    [log] = await _logs(bot)
    assert log.loads is None


async def test_undo_takes_the_weights_away(bot: BotHarness) -> None:
    await _gym_runner(bot)
    await bot.say("done, squat 60 kg")
    assert len(await _logs(bot)) == 1
    await bot.say("undo")
    assert await _logs(bot) == []
    # A weight now has no session to sit on: logged again with it, not added to a ghost.
    await bot.say("done")
    [log] = await _logs(bot)
    assert log.loads is None


async def test_next_session_targets_the_weight_and_the_row_stores_a_tap(
    bot: BotHarness,
) -> None:
    """60 kg on the first loaded day; the next loaded session says "last time 60 kg" and,
    logged, offers same / more / less; a tap keeps that weight; the same tap again is a
    toast; a forged exercise or a session undone since is answered as expired."""
    moves = await _gym_runner(bot)
    first = moves[0]
    await bot.say(f"done, {first.name} 60 kg")
    moves = await _to_a_loaded_day(bot, after=_today(bot), having=first)
    [session] = await bot.say("/today")
    assert "last time 60 kg" in session["text"], session["text"]
    [logged] = await bot.say("done")
    day = _today(bot)
    rows = logged["reply_markup"]["inline_keyboard"]
    weights = [b for row in rows for b in row if b["callback_data"].startswith("v1:wt:")]
    assert [b["text"].split()[0] for b in weights] == ["=", "➕", "➖"], rows
    same = weights[0]["callback_data"]
    replies = await bot.press(logged["message_id"], same)
    [log] = [log for log in await _logs(bot) if log.local_date == day]
    button = WeightButton.unpack(same.split(":")[2:])
    assert button is not None
    assert _loads(log) == {first.id: button.grams / 1000}
    assert "Noted" in texts(replies)
    await bot.press(logged["message_id"], same)
    assert bot.callback_answers()[-1] == T("loads.answer_already")
    forged = WeightButton(day, "no_such_move", 60_000).pack()
    await bot.press(logged["message_id"], forged)
    assert bot.callback_answers()[-1] == T("misc.stale_button")
    await bot.say("undo")
    await bot.press(logged["message_id"], weights[1]["callback_data"])
    assert bot.callback_answers()[-1] == T("misc.stale_button")


async def test_without_a_target_the_logged_message_asks_for_the_weight_once(
    bot: BotHarness,
) -> None:
    await _gym_runner(bot)
    [logged] = await bot.say("done")
    assert logged["text"].count(T("loads.ask")) == 1, logged["text"]
    later = await bot.say("/today")
    assert T("loads.ask") not in texts(later)


@pytest.mark.parametrize(
    "data",
    [
        "v1:wt:20261126:back_squat:0",
        "v1:wt:20261126:back_squat:999999999",
        "v1:wt:20261126:Back_Squat:60000",
        "v1:wt:2026112:back_squat:60000",
        "v1:wt:20261126:back_squat:60000:x",
        "v1:wt:20261126:back_squat:٦٠٠٠٠",
    ],
)
def test_a_forged_weight_button_does_not_parse(data: str) -> None:
    button = WeightButton.unpack(data.split(":")[2:])
    assert button is None


def test_a_weight_button_packs_short_versioned_data() -> None:
    button = WeightButton(date(2026, 11, 26), "single_leg_romanian_deadlift", 300_000)
    data = button.pack()
    assert data.startswith("v1:wt:") and len(data.encode()) <= 64
    assert WeightButton.unpack(data.split(":")[2:]) == button


@pytest.mark.parametrize("typed", ["🤕", "sharp pain"])
async def test_pain_offers_a_swap_or_rest(bot: BotHarness, typed: str) -> None:
    await onboard(bot)
    [reply] = await bot.say(typed)
    assert reply["text"] == T("loads.pain")
    buttons: list[Any] = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == [T("swap.button")]


async def test_the_log_reads_its_weights_into_the_history(bot: BotHarness) -> None:
    """``session_logs.loads`` comes back as ``Entry.loads`` wherever the log is read."""
    moves = await _gym_runner(bot)
    await bot.say(f"done, {moves[0].name} 60 kg")
    async with transaction(bot.sessions) as session:
        history = await history_of(session, bot.chat_id, _today(bot))
    assert [entry.loads for entry in history] == [((moves[0].id, 60.0),)]


@pytest.mark.parametrize(
    ("raw", "found"),
    [
        (None, {}),
        ("", {}),
        ('{"back_squat": 60, "goblet_squat": 16.5}', {"back_squat": 60.0, "goblet_squat": 16.5}),
        ("not json", {}),
        ("[60]", {}),
        ('{"back_squat": "heavy", "rdl": true, "row": 30}', {"row": 30.0}),
    ],
)
def test_stored_weights_read_safely(raw: str | None, found: dict[str, float]) -> None:
    assert loads_of(raw) == found

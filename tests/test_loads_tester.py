"""The tester's findings on weights and typed words (issue 13, /tmp/h/tester.md 1, 2, 3, 4,
11, 12, 14, 15, 16), through the real Application on both backends, plus the pure rules
under them.

As in tests/test_loads_chat.py, the catalogue is loaded as it is and every legs rung is
marked as done with a weight: moves and names come from the catalogue, never from
literal strings here (the messages under test are this helper's own content)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.coach.loads import (
    KG_PER_LB,
    LoadTarget,
    from_kg,
    increment,
    load_targets,
    loadable,
    next_weight,
)
from bot.coach.progression import Entry
from bot.coach.session import Session
from bot.coach.session_time import SessionItem
from bot.coach.week import Focus
from bot.coach.week_change import normalise
from bot.coach.weights import is_pain, load_words, named_move, read_unitless
from bot.content import Exercise
from bot.messages.loads import target_text, weight_row
from bot.services.plan import read_today, session_of_day
from bot.store.db import SessionFactory, transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, FakeClock, onboard, texts
from testkit.stub_bot_api import StubBotAPI
from tests.loads_kit import LOADED, loaded_bot, loaded_today, shown_names

T = LOADED.texts
# The words the next session uses to ask for a feeling never given.
ASKS_FEELING = T("ask_feedback.line", day="§").split("§")[-1].strip()[:20]


@pytest.fixture
async def bot(
    stub: StubBotAPI,
    sessions: SessionFactory,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[BotHarness]:
    async for harness in loaded_bot(stub, sessions, clock, monkeypatch):
        yield harness


async def _has_session(bot: BotHarness) -> bool:
    async with transaction(bot.sessions) as session:
        found = await read_today(session, bot.chat_id, bot.clock.now())
    assert found is not None
    day = session_of_day(found.runner, found.calendar, found.history, found.day, found.day)
    return day is not None


def _at(bot: BotHarness, day: date) -> None:
    bot.clock.set(datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC))


async def _to_a_day(bot: BotHarness, after: date | None, *, loaded: bool) -> tuple[Exercise, ...]:
    """The next day (after ``after``, else from today) with a session — with a loaded move
    when ``loaded`` — the clock at 09:00 Berlin; its loaded moves."""
    start = after + timedelta(days=1) if after else bot.clock.now().date()
    for offset in range(21):
        day = start + timedelta(days=offset)
        _at(bot, day)
        if not await _has_session(bot):
            continue
        moves = await loaded_today(bot)
        if moves or not loaded:
            return moves
    raise AssertionError("no such session in three weeks")


async def _logs(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list(
            (await session.exec(select(SessionLog).order_by(col(SessionLog.local_date)))).all()
        )


def _loads(log: SessionLog) -> dict[str, float]:
    return json.loads(log.loads) if log.loads else {}


async def _gym_runner(bot: BotHarness) -> tuple[Exercise, ...]:
    await onboard(bot, experience="experienced", equipment="gym", time_budget="60")
    return await _to_a_day(bot, None, loaded=True)


# ---- 1. a feeling typed with "done" is the feedback, the words its note --------------


@pytest.mark.parametrize(
    ("typed", "feeling", "note"),
    [
        ("done - too hard today", "too_hard", "too hard today"),
        ("Done, felt hard", "hard", "felt hard"),
        ("done, easy", "easy", "easy"),
        ("done, felt easy", "easy", "felt easy"),
    ],
)
async def test_a_feeling_typed_with_done_is_recorded_and_not_asked_again(
    bot: BotHarness, typed: str, feeling: str, note: str
) -> None:
    await onboard(bot)
    first = (await _logs(bot), await _to_a_day(bot, None, loaded=False))
    assert first[0] == []
    replies = await bot.say(typed)
    assert T(f"feedback.thanks_{feeling}") in texts(replies)
    [log] = await _logs(bot)
    assert log.status == "done" and log.feedback == feeling and log.note == note
    await _to_a_day(bot, log.local_date, loaded=False)
    shown = texts(await bot.say("/today"))
    assert ASKS_FEELING not in shown, shown


async def test_a_weight_and_a_feeling_with_done_keep_a_clean_note(bot: BotHarness) -> None:
    moves = await _gym_runner(bot)
    word = moves[0].name.split()[-1]
    replies = await bot.say(f"done!! {word} was 60kg, felt heavy")
    [log] = await _logs(bot)
    assert _loads(log) == {moves[0].id: 60.0}
    assert log.note == "felt heavy"
    assert log.feedback == "hard"
    assert "was ," not in texts(replies)


def test_feelings_in_a_note() -> None:
    phrases = LOADED.phrases
    assert phrases.feeling_in("too hard today") == "too_hard"
    assert phrases.feeling_in("planks were hard") == "hard"
    assert phrases.feeling_in("felt heavy") == "hard"
    assert phrases.feeling_in("wasn't hard") is None
    assert phrases.feeling_in("with my dog") is None
    assert phrases.feeling_in("quads burning, but good") == "right"


# ---- 2. a weight for a move today's session does not have ------------------------------

_NAMES = ("squat", "deadlift", "pulldown", "row", "press", "lunge", "bridge")


def _absent(moves: tuple[Exercise, ...]) -> str:
    return next(word for word in _NAMES if named_move(word, moves) is None)


async def test_a_weight_for_a_move_not_in_the_session_is_kept_on_nothing(
    bot: BotHarness,
) -> None:
    moves = await _gym_runner(bot)
    word = _absent(moves)
    first = (await shown_names(bot))[moves[0].id]  # as the session's list names it
    replies = await bot.say(f"done {word} 40kg")
    [log] = await _logs(bot)
    assert log.status == "done"
    assert _loads(log) == {}
    said = texts(replies)
    assert word in said and first in said
    assert T("loads.noted", list="").split("{")[0][:8] not in said
    # Typed after "done", the same.
    replies = await bot.say(f"{word} 50 kg")
    [log] = await _logs(bot)
    assert _loads(log) == {}
    assert first in texts(replies)


def test_a_name_must_really_match() -> None:
    by_id = LOADED.catalog.exercises
    pulls = [e for e in by_id.values() if "pulldown" in e.name.lower() or "row" in e.name.lower()]
    assert pulls
    assert named_move("squat", pulls) is None
    assert named_move("rdl", pulls) is None


# ---- 3. pain in a sentence ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "sharp pain in my knee during squats",
        "sharp pain",
        "pain in my knee",
        "it hurts when I squat",
    ],
)
async def test_pain_in_a_sentence_gets_the_pain_rule(bot: BotHarness, typed: str) -> None:
    await onboard(bot)
    [reply] = await bot.say(typed)
    assert reply["text"] == T("loads.pain")


@pytest.mark.parametrize("typed", ["no pain today", "it doesn't hurt", "painting later"])
def test_no_pain_is_not_pain(typed: str) -> None:
    assert not is_pain(typed)


# ---- 4. the logged reply's target is the session's ----------------------------------


async def test_the_logged_target_is_the_one_the_session_showed(bot: BotHarness) -> None:
    """Six weeks of loaded sessions, weights tapped and "easy" typed (so lighter weeks
    and heavier rungs come): the weight under "✅ Logged" is the session's own target."""
    await onboard(bot, experience="experienced", equipment="gym", time_budget="60")
    await _to_a_day(bot, None, loaded=True)
    replies = await bot.say("done, 60 kg")
    day = (await _logs(bot))[-1].local_date
    compared = 0
    while day < date(2027, 1, 10):
        await _to_a_day(bot, day, loaded=True)
        session_text = texts(await bot.say("/today"))
        replies = await bot.say("done")
        row: list[dict[str, Any]] = [
            button
            for reply in replies
            for line in (reply.get("reply_markup") or {}).get("inline_keyboard", [])
            for button in line
            if button["text"].startswith("=")
        ]
        if row:
            weight = row[0]["text"].lstrip("= ").strip()
            assert weight in session_text, (weight, session_text)
            compared += 1
            await bot.tap(row[0]["text"])
        await bot.say("easy")
        day = (await _logs(bot))[-1].local_date
    assert compared >= 5


# ---- 11. a number without a unit after done ---------------------------------------


async def test_a_number_without_a_unit_after_done_is_a_weight(bot: BotHarness) -> None:
    moves = await _gym_runner(bot)
    word = moves[-1].name.split()[-1]
    await bot.say(f"Done. {word} 62.5")
    [log] = await _logs(bot)
    assert _loads(log) == {moves[-1].id: 62.5}
    assert log.note is None


async def test_done_and_a_bare_decimal_comma_is_the_first_move(bot: BotHarness) -> None:
    moves = await _gym_runner(bot)
    await bot.say("done 62,5")
    [log] = await _logs(bot)
    assert _loads(log) == {moves[0].id: 62.5}


def test_unitless_reading_takes_only_a_trailing_number() -> None:
    assert read_unitless("3 sets of 10") is None
    assert read_unitless("in 45 minutes") is None
    reading = read_unitless("squat 62.5")
    assert reading is not None and reading.told[0].name == "squat"


# ---- 12. loadable targets after a unit switch ------------------------------------------


def _barbell() -> Exercise:
    squat = next(
        e for e in LOADED.catalog.exercises.values() if "gym" in e.needs and e.focus is Focus.LEGS
    )
    return squat


def _item(exercise: Exercise, *, heavier: bool) -> SessionItem:
    level = exercise.levels[0].model_copy(update={"load": True, "heavier": heavier})
    return SessionItem(exercise, level)


def test_140_lb_in_kg_is_loadable_and_the_buttons_one_plate_apart() -> None:
    squat = _barbell()
    day = date(2026, 12, 4)
    entry = Entry(day - timedelta(days=3), Focus.LEGS, "done", loads=((squat.id, 63.503),))
    session = Session(Focus.LEGS, 1, (_item(squat, heavier=False),))
    target = load_targets(session, None, [entry], day, "kg")[squat.id]
    assert target.next_kg in (62.5, 65.0)
    text = target_text(T, target, "kg")
    assert text is not None and "63.5" in text and "stay at" in text
    found = weight_row(T, day, squat, target, "kg")
    assert found is not None
    amounts = [float(b.text.split()[-2 if b.text.startswith("=") else -1]) for b in found[1]]
    assert amounts[1] - amounts[0] == pytest.approx(2.5)
    assert amounts[0] - amounts[2] == pytest.approx(2.5)


def test_typed_weights_stay_as_typed() -> None:
    squat = _barbell()
    assert loadable(squat, 61.0, "kg") == 61.0
    assert loadable(squat, 135 * KG_PER_LB, "lb") == pytest.approx(135 * KG_PER_LB)
    assert next_weight(squat, 60 / 1, "lb", up=False, down=False) == pytest.approx(130 * KG_PER_LB)


# ---- 14, 15: wording ----------------------------------------------------------------


def test_the_same_weight_reads_stay_at() -> None:
    same = LoadTarget("back_squat", 60.0, 60.0)
    assert target_text(T, same, "kg") == "last time 60 kg → stay at 60 kg"


async def test_units_alone_says_the_unit_in_use(bot: BotHarness) -> None:
    await onboard(bot)
    said = texts(await bot.say("/units"))
    assert said == T("loads.unit_now", unit=T("loads.unit_kg"), other="lb")
    await bot.say("/units lb")
    said = texts(await bot.say("/units"))
    assert said == T("loads.unit_now", unit=T("loads.unit_lb"), other="kg")


# ---- 16. "What weight did you use?" once per move ------------------------------------


async def test_the_weight_question_comes_once_per_move(bot: BotHarness) -> None:
    moves = await _gym_runner(bot)
    first = texts(await bot.say("done"))
    assert T("loads.ask") in first
    day = (await _logs(bot))[-1].local_date
    for _ in range(6):
        again = await _to_a_day(bot, day, loaded=True)
        said = texts(await bot.say("done"))
        day = (await _logs(bot))[-1].local_date
        if {move.id for move in again} <= {move.id for move in moves}:
            assert T("loads.ask") not in said, said
            return
        moves = moves + tuple(move for move in again if move.id not in {m.id for m in moves})
    raise AssertionError("no session repeating the first one's moves")


# ---- properties ---------------------------------------------------------------------


@given(kg=st.floats(1.0, 300.0), unit=st.sampled_from(["kg", "lb"]))
def test_the_same_weight_is_always_one_the_kit_can_load(kg: float, unit: str) -> None:
    """Whatever was logged, in whichever unit: the weight held is as typed (a multiple of
    0.5 in the runner's unit) or a whole number of the kit's increments."""
    squat = _barbell()
    held = from_kg(next_weight(squat, round(kg, 3), unit, up=False, down=False), unit)
    inc = increment(squat, kg, unit)
    on_grid = abs(held / inc - round(held / inc)) < 1e-6
    as_typed = abs(held / 0.5 - round(held / 0.5)) * 0.5 <= 0.0015
    assert on_grid or as_typed


@given(phrase=st.sampled_from(sorted(load_words().pain)))
def test_a_pain_word_after_no_is_not_pain(phrase: str) -> None:
    words = load_words()
    folded = normalise(phrase)
    if not folded or folded in words.pain_alone or len(folded.split()) > 2:
        return  # "no, I think I'm injured" is pain: only short pain words are denied
    assert not is_pain(f"no {phrase} today")
    assert is_pain(f"{phrase} in my left calf")


async def test_a_number_after_done_is_a_note_when_no_move_has_a_weight(bot: BotHarness) -> None:
    """A session with no loaded move: "done 30" (minutes, reps?) stays a done with its
    note, as before — no weight answer."""
    await onboard(bot, equipment="none")
    day: date | None = None
    for _ in range(10):
        await _to_a_day(bot, day, loaded=False)
        if not await loaded_today(bot):
            break
        day = (bot.clock.now() + timedelta(hours=1)).date()
    else:
        pytest.skip("the catalogue gives this runner a loaded move every session")
    said = texts(await bot.say("done 30"))
    [log] = await _logs(bot)
    assert log.status == "done" and log.note == "30" and _loads(log) == {}
    assert T("loads.no_loaded") not in said

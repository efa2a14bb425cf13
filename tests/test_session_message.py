"""Issue 13, the session message: a warm-up line, the effort in words, the weight to try,
ramp-up sets before the first heavy lift and the pain rule, within what a phone shows and
what Telegram takes.

The catalogue's warm-ups and effort targets are content being written while this was;
``dosed_content`` gives every focus a warm-up and every rung a reps-in-reserve target,
so the message is checked whatever the real catalogue holds today."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from bot.coach.day import Coaching, session_on
from bot.coach.loads import LoadTarget
from bot.coach.session_time import (
    barbell,
    estimate_minutes,
    estimate_seconds,
    first_heavy,
    ramp_up_seconds,
)
from bot.coach.status import LogStatus
from bot.coach.week import Equipment, Experience, Focus, RunnerWeek
from bot.content import Catalog, Content, Warmup
from bot.messages import views
from testkit import harness
from testkit.harness import BotHarness, FakeClock, onboard, shared_content
from testkit.stub_bot_api import StubBotAPI, folded_view
from tests.test_session_message_fits import DOSED_SCREEN

WARMUP_MOVES = ["Brisk walk or easy jog", "Leg swings", "Bodyweight squats"]


def dosed_catalog(catalog: Catalog | None = None, rir: int = 2) -> Catalog:
    """The real catalogue with a 4-minute warm-up for every focus and every rung done
    with a weight at ``rir`` reps in reserve."""
    real = catalog or shared_content().catalog
    exercises = {
        key: value.model_copy(
            update={
                "levels": [
                    level.model_copy(update={"rir": rir, "load": True}) for level in value.levels
                ]
            }
        )
        for key, value in real.exercises.items()
    }
    warmups = {focus: Warmup(minutes=4, moves=WARMUP_MOVES) for focus in Focus}
    return dataclasses.replace(real, exercises=exercises, warmups=warmups)


def dosed_content() -> Content:
    real = shared_content()
    return dataclasses.replace(real, catalog=dosed_catalog(real.catalog))


@pytest.fixture
async def dosed_bot(
    stub: StubBotAPI, sessions: harness.SessionFactory, clock: FakeClock, monkeypatch
) -> AsyncIterator[BotHarness]:
    content = dosed_content()
    monkeypatch.setattr(harness, "shared_content", lambda: content)
    bot = BotHarness(stub=stub, sessions=sessions, clock=clock)
    await bot.start()
    yield bot
    await bot.stop()


T = shared_content().texts


def above_fold(text: str) -> list[str]:
    return text.split("<blockquote expandable>")[0].splitlines()


def folded(text: str) -> str:
    return text.split("<blockquote expandable>")[1].split("</blockquote>")[0]


async def test_today_opens_with_the_warm_up_and_names_effort_ramp_up_and_the_pain_rule(
    dosed_bot: BotHarness,
) -> None:
    await onboard(dosed_bot, experience="experienced", equipment="gym", time_budget="45")
    [reply] = await dosed_bot.say("/today")
    text = reply["text"]
    lines = above_fold(text)
    # The first line after the header is the warm-up, with its minutes.
    assert lines[1] == T("session.warmup", minutes=4)
    # Its moves and the pain rule are in the folded notes.
    notes = folded(text)
    assert all(move in notes for move in WARMUP_MOVES)
    assert T("session.pain_rule") in notes
    assert "Sharp pain or pain that grows: stop that exercise and tell me 🤕" in notes
    # Every move says its effort in a word, and in full in the notes.
    exercises = [line for line in lines if re.match(r"^\d+\. ", line)]
    assert exercises and all(f"· {T('effort.heavy')} ·" in line for line in exercises)
    assert T("effort.heavy_hint", rir=2) in notes
    # Ramp-up sets come right before the first heavy lift (all are heavy here: the first).
    ramp = lines.index(exercises[0]) - 1
    assert lines[ramp] in (T("session.ramp_bar"), T("session.ramp_light"))
    assert sum(line in (T("session.ramp_bar"), T("session.ramp_light")) for line in lines) == 1
    # Telegram took it (the stub refuses invalid HTML and over-long text).
    assert views.utf16_len(text) <= views.MAX_MESSAGE
    assert views.utf16_len(folded_view(text)) <= DOSED_SCREEN


WEEK = RunnerWeek(
    run_days=frozenset({1, 3, 6}),
    long_run_day=6,
    hard_days=frozenset({1}),
    experience=Experience.EXPERIENCED,
    equipment=Equipment.GYM,
)
TUESDAY = date(2026, 11, 24)


def gym_legs_plan(rir: int = 2, **coaching: object) -> views.DayPlan:
    plan = session_on(
        dosed_catalog(rir=rir), WEEK, [], TUESDAY, Coaching(**coaching), focus=Focus.LEGS
    )
    assert plan is not None
    return plan


def test_the_line_reads_move_effort_dose_and_the_weight_to_try(monkeypatch) -> None:
    plan = gym_legs_plan()
    first = plan.session.items[0]
    target = LoadTarget(first.exercise.id, 60.0, 62.5)
    plan = dataclasses.replace(plan, targets={first.exercise.id: target})
    seen: list[tuple[LoadTarget, str]] = []

    def target_text(t: object, found: LoadTarget, unit: str) -> str:
        seen.append((found, unit))
        return "last time 60 kg → try 62.5 kg"

    monkeypatch.setattr(views, "target_text", target_text)
    text = views.session_text(T, plan, WEEK, TUESDAY, unit="kg")
    [line] = [line for line in above_fold(text) if line.startswith("1. ")]
    name = views.headline(first.level.variant)[0]
    assert line.startswith(f"1. <b>{name}</b> · heavy · {views.dose(T, first.level)} · ")
    assert "last time 60 kg → try 62.5 kg, rest" in line
    assert seen == [(target, "kg")]
    # Moves without a target say nothing about weight.
    assert sum("→ try" in line for line in above_fold(text)) == 1


def test_nothing_about_weight_when_there_is_nothing_to_say(monkeypatch) -> None:
    plan = gym_legs_plan()
    first = plan.session.items[0]
    plan = dataclasses.replace(plan, targets={first.exercise.id: LoadTarget("x", None, None)})
    monkeypatch.setattr(views, "target_text", lambda t, found, unit: None)
    text = views.session_text(T, plan, WEEK, TUESDAY)
    assert "→" not in "".join(line for line in above_fold(text) if line.startswith("1. "))


@pytest.mark.parametrize(
    ("rir", "word", "hint"),
    [
        (0, "effort.heavy", T("effort.heavy_hint_last")),
        (2, "effort.heavy", T("effort.heavy_hint", rir=2)),
        (3, "effort.moderate", T("effort.moderate_hint", rir=3)),
        (4, "effort.light", T("effort.light_hint", rir=4)),
    ],
)
def test_the_effort_in_words_follows_reps_in_reserve(rir: int, word: str, hint: str) -> None:
    plan = gym_legs_plan(rir=rir)
    text = views.session_text(T, plan, WEEK, TUESDAY)
    exercises = [line for line in above_fold(text) if re.match(r"^\d+\. ", line)]
    assert all(f"· {T(word)} ·" in line for line in exercises)
    assert hint in folded(text)
    ramps = [line for line in above_fold(text) if line.startswith("↗")]
    # Ramp-up sets only before a heavy lift.
    assert len(ramps) == (1 if rir <= 2 else 0)


def test_the_header_minutes_count_the_warm_up_and_the_ramp_up() -> None:
    plan = gym_legs_plan()
    items = plan.session.items
    header = views.session_text(T, plan, WEEK, TUESDAY).splitlines()[0]
    minutes = estimate_minutes(items, 4)
    assert f"about {minutes} min" in header
    assert minutes == math.ceil((estimate_seconds(items) + 4 * 60) / 60)
    assert ramp_up_seconds(items) > 0


def test_the_ramp_up_names_the_bar_only_for_a_barbell_lift() -> None:
    plan = gym_legs_plan()
    index = first_heavy(plan.session.items)
    assert index is not None
    text = views.session_text(T, plan, WEEK, TUESDAY)
    key = (
        "session.ramp_bar" if barbell(plan.session.items[index].exercise) else "session.ramp_light"
    )
    lines = above_fold(text)
    assert lines[lines.index(T(key)) + 1].startswith(f"{index + 1}. ")


def test_no_effort_words_or_ramp_up_for_moves_without_an_effort_target() -> None:
    real = shared_content().catalog
    catalog = dataclasses.replace(
        dosed_catalog(real),
        exercises={
            key: value.model_copy(
                update={
                    "levels": [
                        level.model_copy(update={"rir": None, "load": False})
                        for level in value.levels
                    ]
                }
            )
            for key, value in real.exercises.items()
        },
    )
    plan = session_on(catalog, WEEK, [], TUESDAY, focus=Focus.LEGS)
    assert plan is not None
    text = views.session_text(T, plan, WEEK, TUESDAY)
    assert not any(line.startswith("↗") for line in above_fold(text))
    assert "· heavy ·" not in text and "Heavy:" not in text


def test_the_session_keyboard_is_cached_by_day_and_question(monkeypatch) -> None:
    """With an unrated session to ask about, the keyboard carries its buttons; the day's
    keyboard without the question is another one (never served from the cache)."""
    views.session_keyboard.cache_clear()
    asked = date(2026, 11, 19)

    def rows(t: object, ask: date) -> list[list[views.InlineKeyboardButton]]:
        return [[views.InlineKeyboardButton("Easy", callback_data=f"ask:{ask}")]]

    monkeypatch.setattr(views, "ask_rows", rows)
    plain = views.session_keyboard(T, TUESDAY)
    with_question = views.session_keyboard(T, TUESDAY, asked)
    assert len(plain.inline_keyboard) == 2
    assert len(with_question.inline_keyboard) == 3
    assert views.session_keyboard(T, TUESDAY) is plain
    views.session_keyboard.cache_clear()


def test_an_unrated_session_is_asked_about_once_above_the_footer_with_its_buttons() -> None:
    from bot.messages import ask_feedback
    from bot.messages.callbacks import FeedbackAnswer, FeedbackButton

    asked = TUESDAY - timedelta(days=5)
    plan = dataclasses.replace(gym_legs_plan(), ask_feedback=asked)
    text = views.session_text(T, plan, WEEK, TUESDAY)
    question = ask_feedback.line(T, asked, TUESDAY)
    lines = text.splitlines()
    assert lines[-2] == question and lines[-1] == T("today.footer")
    keyboard = views.session_keyboard(T, TUESDAY, asked)
    data = [button.callback_data for row in keyboard.inline_keyboard[2:] for button in row]
    assert data == [
        FeedbackButton(asked, answer).pack()
        for answer in [
            *[a for a in FeedbackAnswer if a is not FeedbackAnswer.SORE],
            FeedbackAnswer.SORE,
        ]
    ]
    # Logged already (the keyboard is gone): nothing asked; no unrated session: nothing.
    assert question not in views.session_text(T, plan, WEEK, TUESDAY, LogStatus.DONE)
    assert question not in views.session_text(T, gym_legs_plan(), WEEK, TUESDAY)

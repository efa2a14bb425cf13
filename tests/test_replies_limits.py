"""Every message the bot builds fits Telegram's limits: at most 4096 UTF-16 code units
after its HTML is parsed, HTML Telegram accepts, a callback answer of at most 200. The
stub refuses anything else with Telegram's own descriptions (testkit/stub_bot_api.py), so
every journey test checks this too; here the runner's own words, echoed back."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, onboard, texts
from testkit.stub_bot_api import check_html
from tests.planned_day import session_label

LIMIT = 4096


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def readable(text: str) -> str:
    """What the runner reads, checked as Telegram checks it."""
    shown = check_html(text)
    assert utf16(shown) <= LIMIT, utf16(shown)
    return shown


async def stored_notes(bot: BotHarness) -> list[str | None]:
    async with transaction(bot.sessions) as session:
        return [log.note for log in (await session.exec(select(SessionLog))).all()]


@pytest.mark.parametrize("equipment", ["none", "gym"])
async def test_done_with_a_4000_character_note_is_answered_not_refused(
    bot: BotHarness, equipment: str
) -> None:
    """The gym runner's legs session holds a loaded move: its reply also carries the
    weight question (issue 13), in the same message and within the limits."""
    await onboard(bot, equipment=equipment)
    logged = f"Logged: {await session_label(bot)} — today"  # Legs since issue 13
    note = "planks were hard " * 236  # 4,012 characters
    replies = await bot.say("done, " + note)
    assert len(replies) == 1, texts(replies)
    shown = readable(replies[0]["text"])
    assert logged in shown and "something went wrong" not in shown
    assert "planks were hard" in shown and "…" in shown  # the echo, shortened
    if equipment == "gym":
        assert bot.deps.content.texts("loads.ask") in replies[0]["text"], shown
    assert all(call.ok for call in bot.stub.calls_to("sendMessage"))
    [stored] = await stored_notes(bot)
    assert stored is not None and stored.startswith("planks were hard")
    # A second "done" says "already logged" only because the first one did log.
    assert "already logged" in texts(await bot.say("done"))


async def test_a_note_full_of_html_and_emoji_is_echoed_safely(bot: BotHarness) -> None:
    await onboard(bot)
    note = "I <3 squats & <b>lunges</b> &amp; 🏋️‍♀️💪" * 300
    [reply] = await bot.say("done, " + note)
    shown = readable(reply["text"])
    assert "I <3 squats & <b>lunges</b> &amp; 🏋️" in shown  # as typed, not as markup
    assert "\ud83d" not in shown  # no half of an emoji (a lone surrogate)


async def test_a_long_note_after_the_workout_is_echoed_shortened(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("done")
    [reply] = await bot.say("🏃" * 3000)
    shown = readable(reply["text"])
    assert shown.startswith("📝") and shown.count("🏃") < 400 and "…" in shown


async def test_feedback_answers_fit_in_a_toast(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("done")
    for label in ("Easy", "Just right", "Hard", "Too hard", "Sore"):
        await bot.tap(label)
    answers = bot.callback_answers()[-5:]
    assert answers == [""] * 5, answers  # answered once, in the message, not a toast too
    assert all(call.ok for call in bot.stub.calls_to("answerCallbackQuery"))


# ---------------------------------------------------------------- the helpers on their own

unicode_text = st.text(
    st.characters() | st.sampled_from("<>&;😀🏋️‍♀️ \n\x00"),
    max_size=400,
)


@given(raw=unicode_text, budget=st.integers(min_value=1, max_value=300))
@settings(max_examples=300, deadline=None)
def test_user_text_fits_its_budget_and_parses_back_to_what_was_typed(raw: str, budget: int) -> None:
    from bot.coach.parsing import clean_text
    from bot.messages.views import ELLIPSIS, user_text

    shown = user_text(raw, budget)
    typed = clean_text(raw).strip()  # as stored: no NUL, no half of a surrogate pair
    assert utf16(shown) <= max(budget, 1)
    parsed = check_html(shown) if shown.strip() else ""
    if shown.endswith(ELLIPSIS):
        kept = parsed[: -len(ELLIPSIS)]
        assert typed.startswith(kept.rstrip()), (raw, shown)
    else:
        assert parsed == typed
    shown.encode("utf-8")  # no lone surrogate: it would not even encode


def test_user_text_drops_what_no_encoder_takes() -> None:
    from bot.messages.views import user_text

    assert user_text("ok\x00 \ud83d") == "ok \ufffd"


@given(note=unicode_text.filter(str.strip))
@settings(max_examples=200, deadline=None)
def test_any_done_reply_with_any_note_is_a_valid_message(note: str) -> None:
    """The longest "done" reply (weight and feedback questions appended) with any note."""
    from datetime import date

    from bot.coach.week import Focus
    from bot.messages.today import outcome_text
    from bot.services.log import LogOutcome, LogResult
    from testkit.harness import shared_content

    t = shared_content().texts
    outcome = LogOutcome(
        LogResult.LOGGED,
        day=date(2026, 11, 26),
        focus=Focus.CORE,
        status="done",
        done_this_week=1,
        planned_this_week=3,
    )
    long_note = note * 300  # one to 120,000 characters
    # Since issue 13 a loaded session's reply also asks its weight: the longest such line
    # (the one-tap row's intro for the longest loaded move's name, or the question).
    weight = t("loads.weight", amount="1102.3", unit=t("loads.unit_lb"))
    weight_lines = [t("loads.ask")] + [
        t("loads.row_intro", name=exercise.name, target=weight)
        for exercise in shared_content().catalog.exercises.values()
        if exercise.loaded
    ]
    text = outcome_text(t, outcome, date(2026, 11, 26), long_note)
    text += "\n" + max(weight_lines, key=len) + "\n\n" + t("feedback.ask")
    readable(text)


def test_shorten_never_cuts_an_entity_or_an_emoji() -> None:
    from bot.messages.views import shorten, utf16_len

    escaped = html.escape("a&b", quote=False)  # a&amp;b
    assert shorten(escaped, 4) == "a…"
    assert shorten("😀😀😀", 4) == "😀…"
    assert utf16_len(shorten("😀😀😀", 4)) == 3
    assert shorten("short", 5) == "short"

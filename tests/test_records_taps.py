"""A double tap never produces two messages; forged or expired buttons of /delete, skip and
move, and the setup conversation never reach the error handler.

A double tap is two presses of the same button queued before the bot reads either (as a
runner on a slow network makes them): ``stub.press_button`` twice, then one ``pump``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from testkit.harness import CHAT, BotHarness, as_update, button_data, onboard, shared_content, texts
from tests.planned_day import MOVABLE_FRIDAY

T = shared_content().texts
BERLIN = ZoneInfo("Europe/Berlin")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def callbacks(bot: BotHarness) -> int:
    return len(bot.stub.calls_to("answerCallbackQuery"))


async def double_tap(bot: BotHarness, label: str) -> list[dict[str, Any]]:
    """Press the button ``label`` twice before either press is handled; what the bot
    sent or edited since, with every press answered."""
    message = bot.message_with_button(label)
    data = button_data(message, label)
    mark = len(bot.stub.sent_messages(CHAT))
    answered = callbacks(bot)
    bot.stub.press_button(CHAT, message["message_id"], data)
    bot.stub.press_button(CHAT, message["message_id"], data)
    await bot.pump()
    assert callbacks(bot) == answered + 2, "each press stops its spinner"
    return bot.stub.sent_messages(CHAT)[mark:]


def new_messages(replies: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in replies if m["method"] == "sendMessage"]


def question(key: str) -> str:
    return T(f"onboarding.{key}")


# ---- onboarding and /settings --------------------------------------------------------

ONBOARDING = [
    # (what to type before, the button double-tapped, the question that must follow once)
    ([], "Mon", None),  # a day toggle: an edit, ticked once
    (["mon wed sat"], "Sat", "ask_hard_days"),  # long-run day
    (["mon wed sat", "sat"], T("buttons.no_hard_days"), "ask_experience"),
    (["mon wed sat", "sat", "wed"], T("experience.new"), "ask_equipment"),
    (["mon wed sat", "sat", "wed", "new"], T("equipment.none"), "ask_pull_up_bar"),
    (["mon wed sat", "sat", "wed", "new", "none"], T("buttons.no"), "ask_sessions"),
    (["mon wed sat", "sat", "wed", "new", "none", "no"], T("buttons.three"), "ask_time_budget"),
    (["mon wed sat", "sat", "wed", "new", "none", "no", "3"], "30 min", "ask_reminder_time"),
]


@pytest.mark.parametrize(("typed", "label", "follows"), ONBOARDING, ids=lambda v: str(v)[:12])
async def test_a_double_tap_in_onboarding_asks_the_next_question_once(
    bot: BotHarness, typed: list[str], label: str, follows: str | None
) -> None:
    await bot.say("/start")
    for answer in typed:
        await bot.say(answer)
    replies = await double_tap(bot, label)
    if follows is None:
        assert new_messages(replies) == []
        shown = bot.message_with_button(T("buttons.days_done"))
        assert "✓ Mon" in str(shown["reply_markup"]), "two taps on an unticked day tick it"
        return
    assert new_messages(replies) == [question(follows)], new_messages(replies)
    assert question("stale_step") not in texts(replies)


async def test_a_double_tap_on_days_done_and_change(bot: BotHarness) -> None:
    await bot.say("/start")
    await bot.tap("Mon")
    await bot.tap("Sat")
    replies = await double_tap(bot, T("buttons.days_done"))
    assert new_messages(replies) == [question("ask_long_run")]
    for answer in ("sat", "none", "new", "none", "no", "3", "20", "7am", "Berlin", "no race"):
        await bot.say(answer)
    replies = await double_tap(bot, T("buttons.change"))
    assert new_messages(replies) == [question("change_which")]
    replies = await double_tap(bot, T("settings_field.time_budget"))
    assert new_messages(replies) == [question("ask_time_budget")]
    replies = await double_tap(bot, "30 min")
    [summary] = new_messages(replies)
    assert summary.endswith(question("confirm_prompt"))


async def test_a_double_tap_on_redo_starts_over_once(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("/start")
    replies = await double_tap(bot, T("buttons.redo"))
    [asked] = new_messages(replies)
    assert asked.startswith(question("ask_run_days")), asked  # the old answers ticked


async def test_a_double_tap_on_a_setting_saves_once(bot: BotHarness) -> None:
    await onboard(bot)
    await bot.say("/settings")
    replies = await double_tap(bot, T("settings_field.time_budget"))
    assert new_messages(replies) == [question("ask_time_budget")]
    replies = await double_tap(bot, "30 min")
    [saved] = new_messages(replies)
    assert saved.startswith(T("settings.saved"))


async def test_double_taps_on_the_weekly_preview_setting_answer_once(bot: BotHarness) -> None:
    await onboard(bot)
    [menu] = await bot.say("/settings")
    preview = menu["reply_markup"]["inline_keyboard"][-1][0]["text"]  # the preview's row
    replies = await double_tap(bot, preview)
    assert new_messages(replies) == [T("preview.ask_day")]
    replies = await double_tap(bot, "Mon")
    assert new_messages(replies) == [T("preview.ask_time", day=T.weekday(0))]
    replies = await double_tap(bot, "08:00")
    [saved] = new_messages(replies)
    assert saved.startswith(T("settings.saved"))


# ---- skip, move, keep ----------------------------------------------------------------


async def friday_skip(bot: BotHarness, clock: Any) -> None:
    """Two sessions a week (legs Wednesday and Friday since issue 13): Friday 27 Nov's,
    which can move to Saturday 28, skipped."""
    clock.set(at(2026, 11, 26, 7, 0))
    await onboard(bot, **MOVABLE_FRIDAY)
    clock.set(at(2026, 11, 27, 9, 0))
    [session] = await bot.say("/today")
    await bot.tap("Skip", session)


async def test_a_double_tap_on_busy_offers_the_move_once(bot: BotHarness, clock) -> None:
    await friday_skip(bot, clock)
    replies = await double_tap(bot, "Busy")
    [offer] = new_messages(replies)
    assert "Saturday 28" in offer


async def test_a_double_tap_on_just_skip_it_answers_once(bot: BotHarness, clock) -> None:
    await friday_skip(bot, clock)
    await bot.tap("Travel")
    bot.stub.not_modified_errors = True  # as Telegram: the same edit twice is refused
    replies = await double_tap(bot, "No, just skip it")
    assert len(replies) == 1 and "doesn't count as a miss" in replies[0]["text"]


# ---- forged and expired buttons ------------------------------------------------------

FORGED = [
    # skip reason, move, keep: out-of-range days, wrong arity, unknown values
    "v1:why:00010101:busy",
    "v1:why:99991231:busy",
    "v1:why:20261127",
    "v1:why:20261127:busy:extra",
    "v1:why:20261127:bored",
    "v1:mv:00010101:20261128",
    "v1:mv:20261127:99991231",
    "v1:mv:20261127:00010101",
    "v1:mv:20261127",
    "v1:keep",
    "v1:keep:00010101",
    "v1:keep:99991231",
    "v1:keep:20261126",  # a day with nothing skipped
    "v1:keep:2026112",
    # delete
    "v1:del",
    "v1:del:maybe",
    "v1:del:yes:again",
    # setup: unknown steps and values, digits int() refuses, huge numbers
    "ob",
    "ob:",
    "ob:run_days",
    "ob:nosuchstep:1",
    "ob:run_days:²",
    "ob:run_days:99999999999999999999",
    "ob:long_run:²",
    "ob:reminder_time:²²²²",
    "ob:reminder_time:9999",
    "ob:preview_day:٣",
    "ob:preview_time:²³⁰⁰",
    "ob:time_budget:45",
    "ob:confirm:maybe",
    "ob:change_menu:nosuchfield",
]
STATES = ["not set up", "mid-onboarding", "set up, Friday skipped", "in settings"]


async def runner_in(bot: BotHarness, clock: Any, state: str) -> None:
    if state == "not set up":
        await bot.say("/help")
    elif state == "mid-onboarding":
        await bot.say("/start")
    elif state == "set up, Friday skipped":
        await friday_skip(bot, clock)
    elif state == "in settings":
        await onboard(bot)
        await bot.say("/settings")


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("state", STATES)
async def test_forged_buttons_are_answered_without_an_error(
    bot: BotHarness, clock, caplog: pytest.LogCaptureFixture, state: str
) -> None:
    await runner_in(bot, clock, state)
    message_id = bot.stub.sent_messages(CHAT)[-1]["message_id"]
    caplog.set_level(logging.ERROR)
    for data in FORGED:
        answered = callbacks(bot)
        replies = await bot.press(message_id, data)
        assert callbacks(bot) == answered + 1, data
        assert errors(caplog) == [], (data, errors(caplog))
        assert T("misc.error") not in texts(replies), data
    # Still usable afterwards.
    assert await bot.say("/help")


INLINE = ["v1:del:yes", "v1:del:no", "v1:why:20261127:busy", "v1:mv:20261127:20261128"]
INLINE += ["v1:keep:20261127", "ob:time_budget:30", "ob:run_days:0"]


async def test_buttons_of_an_inline_message_are_answered_without_an_error(
    bot: BotHarness, clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A callback from an inline message carries no ``message`` (and so no chat), only
    an ``inline_message_id``: nothing to delete, skip or answer for; "expired"."""
    await friday_skip(bot, clock)
    caplog.set_level(logging.ERROR)
    ids = count(9_000_000)
    for data in INLINE:
        answered = callbacks(bot)
        payload = {
            "update_id": next(ids),
            "callback_query": {
                "id": str(next(ids)),
                "from": {"id": CHAT, "is_bot": False, "first_name": "Runner"},
                "chat_instance": "ci-inline",
                "inline_message_id": "BAAAAJ4AAAB",
                "data": data,
            },
        }
        await bot.app.process_update(as_update(payload, bot.app))
        assert callbacks(bot) == answered + 1, data
        assert bot.callback_answers()[-1] == T("misc.stale_button"), data
        assert errors(caplog) == [], (data, errors(caplog))
    # Nothing happened to the runner's data: Friday's skip can still be explained.
    [offer] = new_messages(await double_tap(bot, "Busy"))
    assert "Saturday 28" in offer

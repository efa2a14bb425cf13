"""The strict readers of callback data in bot/messages/callbacks.py, and the handlers of swap,
pause and snooze answering a button with no chat even when nothing in front of them
(guards.group_guard today) has answered it already."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import CallbackContext

from bot.coach.pause import Length, Reason
from testkit.harness import CHAT, BotHarness, shared_content

T = shared_content().texts


def test_button_args_takes_only_the_prefix_and_the_counts_given() -> None:
    from bot.messages.callbacks import button_args

    assert button_args("v1:pz:20261126:few", "v1:pz", 2, 3) == ["20261126", "few"]
    assert button_args("v1:pz:20261126:few:illness", "v1:pz", 2, 3) == [
        "20261126",
        "few",
        "illness",
    ]
    assert button_args("v1:pz:20261126", "v1:pz", 2, 3) is None  # too few
    assert button_args("v1:pz:20261126:few:illness:x", "v1:pz", 2, 3) is None  # too many
    assert button_args("v1:pzz:20261126:few", "v1:pz", 2, 3) is None  # another prefix
    assert button_args("v2:pz:20261126:few", "v1:pz", 2, 3) is None
    assert button_args("v1:pz", "v1:pz", 0) == []
    assert button_args(None, "v1:pz", 0, 1) is None


@given(st.text(), st.text(alphabet=":abv1", max_size=8), st.sets(st.integers(0, 6)))
def test_button_args_never_raises_and_gives_back_the_data(
    data: str, prefix: str, counts: set[int]
) -> None:
    from bot.messages.callbacks import button_args

    args = button_args(data, prefix, *counts)
    if args is not None:
        assert len(args) in counts
        assert ":".join([prefix, *args]) == data or (not args and data == prefix)


def test_button_choice_matches_the_exact_spelling_only() -> None:
    from bot.messages.callbacks import button_choice

    assert button_choice("30", (30, 60, 180)) == 30
    assert button_choice("180", (30, 60, 180)) == 180
    for forged in ("²", "٣٠", "030", " 30", "30.0", "+30", "", "3e1"):
        assert button_choice(forged, (30, 60, 180)) is None, forged
    assert button_choice("few", Length) is Length.FEW_DAYS
    assert button_choice("illness", Reason) is Reason.ILLNESS
    for forged in ("FEW_DAYS", "Few", "few ", "Length.FEW_DAYS"):
        assert button_choice(forged, Length) is None, forged


def _inline_update(bot: BotHarness, data: str) -> Update:
    payload = {
        "update_id": 1,
        "callback_query": {
            "id": "inline-1",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Runner"},
            "inline_message_id": "AgAAAInline",
            "chat_instance": f"ci{CHAT}",
            "data": data,
        },
    }
    return Update.de_json(payload, bot.app.bot)


@pytest.mark.parametrize(
    ("handler", "data"),
    [
        ("swap", "v1:swp:20261126"),
        ("pause", "v1:pz:20261126:few"),
        ("snooze", "v1:snz:20261126:30"),
    ],
)
async def test_my_handlers_answer_a_button_without_a_chat_themselves(
    bot: BotHarness, handler: str, data: str
) -> None:
    """Called directly, past the guard: a handler must not rely on it being there."""
    from bot.handlers import pause, snooze, swap

    callbacks: dict[str, Any] = {
        "swap": swap.on_swap_button,
        "pause": pause.on_pause_button,
        "snooze": snooze.on_snooze_button,
    }
    update = _inline_update(bot, data)
    context = CallbackContext.from_update(update, bot.app)
    await callbacks[handler](update, context)
    answers = bot.stub.calls_to("answerCallbackQuery")
    assert [call.params.get("text") for call in answers] == [T("misc.stale_button")]
    assert bot.stub.sent_messages(CHAT) == []


async def test_a_double_tap_on_a_snooze_choice_sends_one_message(bot: BotHarness, clock) -> None:
    """Both presses of "30 min" leave before the keyboard changes: one snooze row, one
    "I'll remind you at" message; the second press is answered in its toast. Snoozing
    again later (another time) is still a real change and is answered as one."""
    from datetime import date

    from sqlmodel import select

    from bot.store.db import transaction
    from bot.store.models import Reminder
    from tests.test_reminder_delivery import BERLIN, at, reminders_sent, setup_thursday

    await setup_thursday(bot, clock)
    clock.set(at(BERLIN, 2026, 11, 26, 7, 0))
    await bot.tick()
    [reminder] = reminders_sent(bot)[-1:]
    await bot.tap("Later", reminder)
    current = bot.stub.message(CHAT, reminder["message_id"])
    assert current is not None
    data = next(
        button["callback_data"]
        for row in current["reply_markup"]["inline_keyboard"]
        for button in row
        if button["text"] == "30 min"
    )
    mark = len(bot.stub.sent_messages(CHAT))
    bot.stub.press_button(CHAT, reminder["message_id"], data)
    bot.stub.press_button(CHAT, reminder["message_id"], data)
    await bot.pump()
    sent = bot.stub.sent_messages(CHAT)[mark:]
    assert [m["text"] for m in sent] == ["⏰ Okay — I'll remind you again at 07:30."], sent
    assert "07:30" in bot.callback_answers()[-1]
    async with transaction(bot.sessions) as session:
        snoozes = (await session.exec(select(Reminder).where(Reminder.kind == "snooze"))).all()
    assert [(row.local_date, row.status) for row in snoozes] == [(date(2026, 11, 26), "scheduled")]
    # Ten minutes later the same choice (a keyboard still on screen) is a new snooze, not
    # a double tap: it is moved and answered with a message.
    clock.set(at(BERLIN, 2026, 11, 26, 7, 10))
    [again] = await bot.press(reminder["message_id"], data)
    assert "07:40" in again["text"]

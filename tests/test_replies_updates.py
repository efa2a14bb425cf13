"""Update kinds beyond text and buttons: a photo captioned "done", and the runner
blocking (``my_chat_member`` → ``kicked``) or unblocking (→ ``member``) the bot."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import CHAT, BotHarness, onboard, runner_row, texts
from tests.planned_day import session_label

SIX_IN_BERLIN = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
SEVEN_IN_BERLIN = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
NON_TEXT = "I only read text and buttons"


async def logs(bot: BotHarness) -> list[tuple[str, str | None]]:
    async with transaction(bot.sessions) as session:
        found = (await session.exec(select(SessionLog))).all()
    return [(log.status, log.note) for log in found]


async def send_photo(bot: BotHarness, caption: str | None) -> list[dict]:
    mark = len(bot.stub.sent_messages(CHAT))
    bot.stub.send_photo(CHAT, caption=caption)
    await bot.pump()
    return bot.stub.sent_messages(CHAT)[mark:]


async def set_up_before_the_reminder(bot: BotHarness, clock) -> None:
    """Onboarded at 06:00 on Thursday: the session's reminder is due at 07:00 the same day."""
    clock.set(SIX_IN_BERLIN)
    await onboard(bot)


async def chat_member(bot: BotHarness, old: str, new: str) -> list[dict]:
    mark = len(bot.stub.sent_messages(CHAT))
    bot.stub.send_chat_member(CHAT, old, new)
    await bot.pump()
    return bot.stub.sent_messages(CHAT)[mark:]


async def test_a_photo_captioned_done_logs_like_the_text(bot: BotHarness) -> None:
    await onboard(bot)
    logged = f"Logged: {await session_label(bot)} — today"  # Legs since issue 13
    replies = await send_photo(bot, "Done! planks were hard")
    assert len(replies) == 1 and logged in replies[0]["text"], texts(replies)
    assert await logs(bot) == [("done", "planks were hard")]


async def test_a_photo_captioned_skip_logs_a_skip(bot: BotHarness) -> None:
    await onboard(bot)
    skipped = f"Skipped {await session_label(bot)}"
    replies = await send_photo(bot, "skipping today, knee is sore")
    assert skipped in texts(replies)
    assert await logs(bot) == [("skipped", "knee is sore")]


async def test_other_photos_keep_the_non_text_answer(bot: BotHarness) -> None:
    await onboard(bot)
    for caption in (None, "look at this view", "/today"):
        [reply] = await send_photo(bot, caption)
        assert NON_TEXT in reply["text"]
    assert await logs(bot) == []


async def test_blocking_the_bot_stops_reminders_at_once(bot: BotHarness, clock) -> None:
    await set_up_before_the_reminder(bot, clock)
    assert await chat_member(bot, "member", "kicked") == []  # nothing can reach them
    runner = await runner_row(bot)
    assert (runner.active, runner.next_reminder_utc) == (False, None)
    assert CHAT in bot.deps.inactive
    clock.set(SEVEN_IN_BERLIN)
    since = bot.stub.call_count
    report = await bot.tick()
    assert (report.sent, report.blocked) == (0, 0)  # not even a try that Telegram refuses
    assert not [c for c in bot.stub.calls[since:] if c.method == "sendMessage"]


async def test_unblocking_the_bot_wakes_the_runner(bot: BotHarness, clock) -> None:
    await set_up_before_the_reminder(bot, clock)
    await chat_member(bot, "member", "kicked")
    assert await chat_member(bot, "kicked", "member") == []
    runner = await runner_row(bot)
    assert runner.active and runner.next_reminder_utc is not None
    assert CHAT not in bot.deps.inactive
    clock.set(SEVEN_IN_BERLIN)
    assert (await bot.tick()).sent == 1


async def test_a_block_is_not_undone_by_its_own_update(bot: BotHarness, clock) -> None:
    """A runner already known to be inactive (a reminder got 403) blocks again: the
    ``kicked`` update is not "the runner wrote again" and must not wake them."""
    await set_up_before_the_reminder(bot, clock)
    bot.stub.fail_next("sendMessage", 403, chat_id=CHAT)
    clock.set(SEVEN_IN_BERLIN)
    assert (await bot.tick()).blocked == 1
    assert CHAT in bot.deps.inactive
    await chat_member(bot, "member", "kicked")
    runner = await runner_row(bot)
    assert (runner.active, runner.next_reminder_utc) == (False, None)
    assert CHAT in bot.deps.inactive


async def test_a_runner_who_never_set_up_can_block_and_unblock(bot: BotHarness) -> None:
    assert await chat_member(bot, "member", "kicked") == []
    assert await chat_member(bot, "kicked", "member") == []
    [reply] = await bot.say("/today")
    assert "/start" in reply["text"]


def test_polling_asks_telegram_for_chat_member_updates() -> None:
    import bot.app as app_module

    allowed = getattr(app_module, "ALLOWED_UPDATES", ("message", "callback_query"))
    assert "my_chat_member" in allowed

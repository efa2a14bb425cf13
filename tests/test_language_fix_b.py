"""What runners type in the chat, in their language (issue 16, the tester's findings):
"no pain" said with "without" in every language, asking for a language in its own words
from a chat in another, and a done that names its day ("hecho el martes", "am Dienstag
erledigt"), through the real Application and the stub Bot API on the injected clock.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, FakeClock, onboard, texts


async def logs(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog))).all())


def labels(replies: list[dict[str, Any]]) -> list[str]:
    return [
        button["text"]
        for message in replies
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
        for button in row
    ]


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        ("ru", "сделал, без боли"),
        ("es", "hecho, sin dolor en la rodilla"),
        ("de", "erledigt, ohne schmerzen"),
        ("pt-BR", "feito, sem dor"),
        ("en", "done, without pain"),
    ],
)
async def test_done_without_pain_is_not_logged_sore(bot: BotHarness, code: str, typed: str) -> None:
    """ "Without pain" is no pain: the session is done, not sore (the feelings' negations
    hold each language's "without": без, sin, ohne, sem, without)."""
    await onboard(bot)
    await bot.say(f"/language {code}")
    await bot.say(typed)
    [log] = await logs(bot)
    assert log.status == "done" and not log.sore, typed


@pytest.mark.parametrize(
    ("chat", "typed", "name"),
    [
        ("ru", "sprich deutsch", "Deutsch"),
        ("de", "fala português", "Português"),
        ("es", "говори по-русски", "Русский"),
        ("en", "change language", "English"),
        ("pt-BR", "habla español", "Español"),
    ],
)
async def test_a_language_asked_in_words_from_a_chat_in_another_shows_the_menu(
    bot: BotHarness, chat: str, typed: str, name: str
) -> None:
    """Every language's words for asking for it are tried whatever the chat speaks now:
    the menu, each language by its own name."""
    await onboard(bot)
    await bot.say(f"/language {chat}")
    replies = await bot.say(typed)
    assert any(name in label for label in labels(replies)), texts(replies)


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        ("es", "hecho el martes"),
        ("es", "lo hice el martes pasado"),
        ("de", "am dienstag erledigt"),
        ("de", "erledigt am Di."),
        ("en", "did it on tuesday"),
        ("en", "done on tue"),
    ],
)
async def test_done_naming_its_day_logs_that_days_session(
    bot: BotHarness, clock: FakeClock, code: str, typed: str
) -> None:
    """On Thursday (Tuesday's Legs missed), a done naming Tuesday logs Tuesday, whether
    the day stands after the phrase or before it, abbreviated after its "on"/"am"."""
    await onboard(bot)  # Legs Tue, Thu; Upper Sat
    clock.advance(days=7)  # Thursday 3 December
    await bot.say(f"/language {code}")
    reply = texts(await bot.say(typed))
    assert [log.local_date for log in await logs(bot)] == [date(2026, 12, 1)], reply


async def test_a_named_day_and_a_note(bot: BotHarness, clock: FakeClock) -> None:
    """The day is read off the note; what follows it stays the note (and its feeling)."""
    await onboard(bot)
    clock.advance(days=7)
    await bot.say("/language ru")
    await bot.say("сделал во вторник, было тяжело")
    [log] = await logs(bot)
    assert log.local_date == date(2026, 12, 1)
    assert log.note is not None and "тяжело" in log.note and "вторник" not in log.note


async def test_a_day_out_of_the_look_back_is_too_old_not_today(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Saturday named on Thursday is five days back: "too long ago", and today's session
    is not logged in its place."""
    await onboard(bot)
    clock.advance(days=7)
    reply = texts(await bot.say("done on saturday"))
    assert await logs(bot) == [], reply
    assert "too long ago" in reply, reply


@pytest.mark.parametrize("typed", ["done, sun was out", "done sunday's plan twice"])
async def test_words_that_only_look_like_a_day_log_today(
    bot: BotHarness, clock: FakeClock, typed: str
) -> None:
    """An abbreviation with no "on" before it, or a day that runs on into the note, is
    the note's: today's session is logged."""
    await onboard(bot)
    clock.advance(days=7)
    await bot.say(typed)
    assert [log.local_date for log in await logs(bot)] == [date(2026, 12, 3)], typed


async def test_a_skip_naming_a_day_keeps_it_as_the_note(bot: BotHarness, clock: FakeClock) -> None:
    """ "skip saturday" speaks of the Saturday ahead: today's skip, the day its note."""
    await onboard(bot)
    clock.advance(days=7)
    await bot.say("skip saturday")
    [log] = await logs(bot)
    assert log.local_date == date(2026, 12, 3) and log.status == "skipped"


@pytest.mark.parametrize(
    ("code", "typed", "menu"),
    [
        ("es", "apaga las notificaciones", "Pausar recordatorios"),
        ("ru", "пауза на две недели", ""),
        ("pt-BR", "pausa por uns dias", ""),
    ],
)
async def test_pause_words_in_the_language(
    bot: BotHarness, code: str, typed: str, menu: str
) -> None:
    """Turning reminders off and a pause's length, typed: the pause menu."""
    await onboard(bot)
    await bot.say(f"/language {code}")
    replies = await bot.say(typed)
    assert labels(replies), texts(replies)
    assert menu in texts(replies)

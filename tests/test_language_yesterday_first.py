"""A done or skip said after "yesterday", the order many languages say it in ("вчера
сделал", "gestern erledigt", "ayer lo hice", "ontem fiz", and English's "yesterday done"):
yesterday's session is logged, through the real bot on the injected clock. Before, only
"сделал вчера" (the day after the done word) was understood."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.coach.intents import Intent
from bot.content import load_content
from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, FakeClock, onboard, texts

CONTENT = load_content()
SAID = [
    ("ru", "вчера сделал"),
    ("ru", "Вчера всё сделала! 💪"),
    ("es", "ayer lo hice"),
    ("pt-BR", "ontem fiz"),
    ("de", "gestern erledigt"),
    ("de", "Gestern gemacht."),
    ("en", "yesterday done"),
]


@pytest.mark.parametrize(("code", "typed"), SAID)
def test_yesterday_before_the_done_word_is_a_done_for_yesterday(code: str, typed: str) -> None:
    found = CONTENT.speaking(code).phrases.understand(typed)
    assert (found.intent, found.yesterday) == (Intent.DONE, True), typed


@pytest.mark.parametrize(
    ("code", "typed"),
    [("ru", "вчера пропустил"), ("de", "gestern ausgelassen"), ("es", "ayer me lo salté")],
)
def test_yesterday_before_a_skip_is_yesterdays_skip(code: str, typed: str) -> None:
    found = CONTENT.speaking(code).phrases.understand(typed)
    assert (found.intent, found.yesterday) == (Intent.SKIP, True), typed


@pytest.mark.parametrize(
    ("code", "typed"), [("de", "gestern war toll"), ("en", "yesterday was great")]
)
def test_yesterday_and_no_done_is_no_done(code: str, typed: str) -> None:
    assert CONTENT.speaking(code).phrases.understand(typed).intent is not Intent.DONE


@pytest.mark.parametrize(("code", "typed"), SAID)
async def test_yesterday_first_logs_yesterdays_session(
    bot: BotHarness, clock: FakeClock, code: str, typed: str
) -> None:
    await onboard(bot)  # Legs Tue, Thu; Upper Sat
    clock.advance(days=6)  # Wednesday 2 December: Tuesday's Legs not logged
    await bot.say(f"/language {code}")
    reply = texts(await bot.say(typed))
    async with transaction(bot.sessions) as session:
        logged = list((await session.exec(select(SessionLog))).all())
    assert [(log.local_date, log.status) for log in logged] == [(date(2026, 12, 1), "done")], reply

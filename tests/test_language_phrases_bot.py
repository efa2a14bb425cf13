"""What a runner types in their language, through the real bot (issue 16, point 4): after
/language, "done" with a note, its undo and a skip with its reason, each in the runner's
words, are logged as the English ones are."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, onboard

# (code, done with a note, the note kept, undo, skip with a reason, the reason)
TYPED = [
    ("ru", "Сделала тренировку, ноги горят 💪", "ноги горят 💪", "отмени",
     "пропускаю, устала", "tired"),
    ("es", "¡Hecho! me costó", "me costó", "deshacer", "hoy no, mucho trabajo", "busy"),
    ("pt-BR", "Treino feito, foi puxado", "foi puxado", "desfazer",
     "vou pular, estou doente", "ill"),
    ("de", "Training erledigt, Beine brennen", "Beine brennen", "rückgängig",
     "heute nicht, bin unterwegs", "travel"),
]  # fmt: skip


async def stored_logs(bot: BotHarness) -> list[SessionLog]:
    async with transaction(bot.sessions) as session:
        return list((await session.exec(select(SessionLog))).all())


@pytest.mark.parametrize(("code", "done", "note", "undo", "skip", "reason"), TYPED)
async def test_done_undo_and_skip_typed_in_the_runners_language(
    bot: BotHarness, code: str, done: str, note: str, undo: str, skip: str, reason: str
) -> None:
    await onboard(bot)  # a Legs session today (Thursday 26 Nov)
    await bot.say(f"/language {code}")
    await bot.say(done)
    [log] = await stored_logs(bot)
    assert (log.status, log.note) == ("done", note), done
    await bot.say(undo)
    assert await stored_logs(bot) == [], undo
    await bot.say(skip)
    [log] = await stored_logs(bot)
    assert (log.status, log.reason) == ("skipped", reason), skip

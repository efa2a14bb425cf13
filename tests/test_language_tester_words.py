"""A tester reading the coach's words as a German runner reads them (issue 16, point 2: natural,
coach-like words): a term whose translation says less than the English one and answers the
runner with something they did not say. Each test was first a strict xfail documenting a bug
seen through the real bot (it failed then); the fix took its mark off, and it guards the fix
now.
"""

from __future__ import annotations

from sqlmodel import select

from bot.store.db import transaction
from bot.store.models import SessionLog
from testkit.harness import BotHarness, onboard, texts


async def test_german_knee_pain_is_not_answered_as_muscle_soreness(bot: BotHarness) -> None:
    """A German runner skips Legs with "heute nicht, mein knie tut weh" (not today, my
    knee hurts). The skip is stored with the reason "sore", and the coach answers
    "Notiert - bei Muskelkater gibt es keine schweren Beinübungen" (noted: with
    delayed-onset muscle soreness there are no heavy leg exercises). English's "sore"
    covers aches and pains ("I'll keep heavy legs away from sore legs"); German's
    "Muskelkater" is only post-exercise muscle soreness, so the coach tells someone with a
    painful knee about a harmless thing they never mentioned. A polished coach writes
    "Beschwerden" / "wenn etwas wehtut" (and the button "🤕 Schmerzen/Beschwerden").

    Suspected: content/languages/de/messages/calendar.toml ``reply_sore`` and
    ``reason_sore``, messages.toml's ``sore`` / ``thanks_sore`` / ``sore_swap`` and
    export.toml's ``sore``; content/languages/de/glossary.toml has no entry fixing the
    term for "sore".
    """
    await onboard(bot)  # Legs today
    await bot.say("/language de")
    reply = texts(await bot.say("heute nicht, mein knie tut weh"))
    async with transaction(bot.sessions) as session:
        [log] = (await session.exec(select(SessionLog))).all()
    assert (log.status, log.reason) == ("skipped", "sore")
    assert "Muskelkater" not in reply, reply

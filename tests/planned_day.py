"""What the plan holds on a day, as the bot itself answers it, for tests that name a
session's focus: the plan changes (issue 13 made Thursday's Core a Legs day in the
harness's default week), so the tests ask ``session_of_day`` instead of writing "Core"."""

from __future__ import annotations

from datetime import date

from bot.coach.week import Focus
from bot.messages.views import focus_label
from bot.services.plan import read_today, session_of_day
from bot.store.db import transaction
from testkit.harness import CHAT, BotHarness, shared_content


async def planned_focus(bot: BotHarness, day: date | None = None, chat_id: int = CHAT) -> Focus:
    """The focus of the session on ``day`` (default: the runner's today)."""
    async with transaction(bot.sessions) as session:
        found = await read_today(session, chat_id, bot.clock.now())
    assert found is not None, f"no runner {chat_id}"
    planned = session_of_day(
        found.runner, found.calendar, found.history, day or found.day, found.day
    )
    assert planned is not None, f"no session on {day or found.day}"
    return planned.focus


async def session_label(bot: BotHarness, day: date | None = None, chat_id: int = CHAT) -> str:
    """The focus of the session on ``day`` (default: today) as the bot names it."""
    return focus_label(shared_content().texts, await planned_focus(bot, day, chat_id))


# A two-session week whose Friday 27 Nov session can move to Saturday 28 under issue 13's
# plan: legs Wednesday and Friday, nothing on Thursday, Saturday free and legal for legs.
# In the harness's default week (runs Tue/Thu/Sun, long run Sunday) every session sits
# next to another session or before the long run, so "Busy" there offers no move.
MOVABLE_FRIDAY: dict[str, str] = {
    "run_days": "mon wed fri",
    "long_run": "mon",
    "hard_days": "fri",
    "sessions": "2",
}

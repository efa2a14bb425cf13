"""What "✅ Logged" adds for a session with a loaded move: the weight in one tap (same /
more / less than the target) or, without a target, the question "What weight did you
use?" — asked once per loaded move: after the first session that has it, while no
weight was ever logged for it (``services.loads.first_time_moves``). Its own module so
the "done" handlers can call it without importing the weight handlers (which log through
them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from telegram import InlineKeyboardButton

from bot.coach.progression import Entry
from bot.coach.week import Focus
from bot.deps import Deps
from bot.handlers.language import speaking
from bot.messages.loads import weight_row
from bot.services.calendar import local_today
from bot.services.loads import (
    LoggedSession,
    first_time_moves,
    logged_session,
    new_moves,
    session_logged,
)
from bot.store.db import transaction
from bot.store.models import Runner


@dataclass(frozen=True)
class Known:
    """What "done" read already: the runner, their log before the day, the focus logged —
    so the prompt needs no database read of its own."""

    runner: Runner
    history: list[Entry]
    focus: Focus


async def weight_prompt(
    deps: Deps, chat_id: int, day: date, known: Known | None = None
) -> tuple[str, list[InlineKeyboardButton] | None]:
    """What "✅ Logged" adds for a session with a loaded move: the same / more / less row
    for its first loaded move with a target, else the question "What weight did you
    use?" (asked once per move, the first time it comes); nothing otherwise. With
    ``known`` (a typed "done" read the runner and the log in its own transaction), no
    database read: the bench measured one transaction more per "done" without it."""
    t = speaking(deps).texts
    now = deps.clock.now()
    logged: LoggedSession | None
    if known is not None:
        today = local_today(known.runner, now)
        logged = session_logged(
            speaking(deps), known.runner, today, known.history, day, known.focus
        )
    else:
        async with transaction(deps.sessions) as session:
            logged = await logged_session(session, speaking(deps), chat_id, now, day)
    if logged is None or not logged.loaded:
        return "", None
    for exercise in logged.loaded:
        target = logged.targets.get(exercise.id)
        if target is not None and exercise.id not in logged.kept:
            found = weight_row(t, day, exercise, target, logged.unit, logged.names)
            if found is not None:
                return found[0], found[1]
    if logged.kept:
        return "", None
    if known is not None:
        new = new_moves(speaking(deps), known.runner, known.history, day, known.focus)
    else:
        async with transaction(deps.sessions) as session:
            new = await first_time_moves(session, speaking(deps), chat_id, now, day)
    if not new:
        return "", None  # asked the first time each of these moves came: once is enough
    return t("loads.ask"), None

"""What "✅ Logged" adds for a session with a loaded move: the weight in one tap (same /
more / less than the target) or, without a target, the question "What weight did you
use?" — asked once per loaded move: after the first session that has it, while no
weight was ever logged for it (``services.loads.first_time_moves``). Its own module so
the "done" handlers can call it without importing the weight handlers (which log through
them).
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton

from bot.deps import Deps
from bot.messages.loads import weight_row
from bot.services.loads import first_time_moves, logged_session
from bot.store.db import transaction


async def weight_prompt(
    deps: Deps, chat_id: int, day: date
) -> tuple[str, list[InlineKeyboardButton] | None]:
    """What "✅ Logged" adds for a session with a loaded move: the same / more / less row
    for its first loaded move with a target, else the question "What weight did you
    use?" (asked once per move, the first time it comes); nothing otherwise."""
    t = deps.content.texts
    async with transaction(deps.sessions) as session:
        logged = await logged_session(session, deps.content, chat_id, deps.clock.now(), day)
    if logged is None or not logged.loaded:
        return "", None
    for exercise in logged.loaded:
        target = logged.targets.get(exercise.id)
        if target is not None and exercise.id not in logged.kept:
            found = weight_row(t, day, exercise, target, logged.unit)
            if found is not None:
                return found[0], found[1]
    if logged.kept:
        return "", None
    async with transaction(deps.sessions) as session:
        new = await first_time_moves(session, deps.content, chat_id, deps.clock.now(), day)
    if not new:
        return "", None  # asked the first time each of these moves came: once is enough
    return t("loads.ask"), None

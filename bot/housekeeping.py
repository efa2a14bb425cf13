"""Forgetting what runners left behind: onboardings (and /settings) abandoned for a month.

Lazily, a runner who comes back finds their old draft forgotten (``handlers/setup.py``
reads its age); this sweep removes the rows of those who never come back, so the drafts
table holds only conversations still alive, and the languages chosen with /language
before a runner set up (an abandoned onboarding keeps only that choice: ``drafts``).
"""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from bot.deps import Deps, get_deps
from bot.store import drafts
from bot.store.db import transaction

log = logging.getLogger(__name__)

# How often the sweep runs: a draft may outlive its 30 days by this much, which nobody
# notices. The sweep is one DELETE over a table that holds only open onboardings.
SWEEP_SECONDS = 3600


async def forget(deps: Deps, chat_ids: list[int]) -> None:
    """What memory still holds for these chats' deleted drafts."""
    for chat_id in chat_ids:
        deps.draft_cache.pop(chat_id, None)
        # A language only the draft held goes with it (the runner row keeps its own).
        deps.language_cache.pop(chat_id)


async def forget_abandoned_setups(deps: Deps) -> int:
    """Delete every draft untouched for ``drafts.ABANDONED_AFTER``, in one statement; how
    many runners' were forgotten."""
    async with transaction(deps.sessions) as session:
        chat_ids = await drafts.drop_abandoned(session, now=deps.clock.now())
    await forget(deps, chat_ids)
    return len(chat_ids)


async def housekeeping_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The JobQueue job (bot/app.py runs it every ``SWEEP_SECONDS``)."""
    try:
        forgotten = await forget_abandoned_setups(get_deps(context))
    except Exception:
        log.exception("Could not forget abandoned onboardings; trying again next time")
        return
    if forgotten:
        log.info("Forgot %d onboardings abandoned for 30 days", forgotten)

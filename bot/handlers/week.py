"""/week: this week's plan with done and skipped days marked, and the way to say this
week is different."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.deps import get_deps
from bot.handlers.language import speaking
from bot.messages.week import week_keyboard, week_text
from bot.services.this_week import this_week
from bot.services.week import read_week
from bot.store.db import transaction


async def week(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    t = speaking(deps).texts
    chat = update.effective_chat
    assert chat is not None
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        view = await read_week(session, chat.id, now)
        shown = await this_week(session, chat.id, now) if view is not None else None
    # Answered after the commit: no reply is sent while a transaction holds a connection.
    if view is None:
        await chat.send_message(t("today.not_set_up"))
        return
    await chat.send_message(week_text(t, view, shown), reply_markup=week_keyboard(t, view))

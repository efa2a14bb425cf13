"""/history: the runner's log a page at a time, newest first, with ◀ ▶ buttons that edit
the same message in place (``services.log_book`` reads it, ``messages.history`` writes it).

A page button is answered whatever it finds: the page it points at; the newest page with
a toast when the logs it pointed at are gone (undone, or /delete and a new start); "set up
first" after /delete; "expired" for data no button of this bot makes. A double tap edits
the message to what it already says, which ``taps.show`` lets pass.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.deps import get_deps
from bot.handlers.language import speaking
from bot.handlers.taps import show, tap_or_stale
from bot.messages import history as messages
from bot.messages.callbacks import HistoryPage
from bot.messages.views import toast
from bot.services.log_book import Found, read_page
from bot.store.db import transaction


async def history_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    deps = get_deps(context)
    t = speaking(deps).texts
    async with transaction(deps.sessions) as session:
        page = await read_page(session, chat.id, deps.clock.now())
    # Answered after the commit: no reply is sent while a transaction holds a connection.
    if page.found is Found.NOT_SET_UP:
        await chat.send_message(t("today.not_set_up"))
    elif page.found is Found.EMPTY:
        await chat.send_message(messages.empty_text(t))
    else:
        await chat.send_message(
            messages.page_text(t, page), reply_markup=messages.keyboard(t, page)
        )


async def on_page_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """◀ Older / Newer ▶: the page edits the message it is under."""
    tap = await tap_or_stale(update, context, HistoryPage)
    if tap is None:
        return
    t, button = tap.t, tap.button
    async with transaction(tap.deps.sessions) as session:
        page = await read_page(
            session,
            tap.chat.id,
            tap.deps.clock.now(),
            before=button.day if button.older else None,
            after=None if button.older else button.day,
        )
    if page.found is Found.NOT_SET_UP:
        await tap.query.answer(toast(t("today.not_set_up")))
        await show(tap.query, tap.chat, t("today.not_set_up"), None)
        return
    if page.found is Found.EMPTY:
        await tap.query.answer(toast(t("history.changed")))
        await show(tap.query, tap.chat, messages.empty_text(t), None)
        return
    await tap.query.answer(toast(t("history.changed")) if page.found is Found.GONE else None)
    await show(tap.query, tap.chat, messages.page_text(t, page), messages.keyboard(t, page))


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """/history and its page buttons."""
    return [
        CommandHandler("history", history_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(on_page_button, pattern=HistoryPage.PATTERN),
    ]

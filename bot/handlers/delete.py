"""/delete: every trace of the runner, after one confirmation."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.deps import get_deps
from bot.handlers.views import CB_DELETE
from bot.store import runners
from bot.store.db import transaction


async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    deps = get_deps(context)
    t = deps.content.texts
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t("buttons.delete_yes"), callback_data=f"{CB_DELETE}:yes")],
            [InlineKeyboardButton(t("buttons.delete_no"), callback_data=f"{CB_DELETE}:no")],
        ]
    )
    await update.effective_chat.send_message(t("delete.confirm"), reply_markup=keyboard)  # type: ignore[union-attr]
    # Also used as a fallback of the setup conversation: leave it, so no half-answered
    # question survives the deletion.
    return ConversationHandler.END


async def delete_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    t = deps.content.texts
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    await query.answer()
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except Exception:
        pass
    if query.data == f"{CB_DELETE}:yes":
        async with transaction(deps.sessions) as session:
            await runners.delete_runner(session, chat.id)
        deps.draft_cache.pop(chat.id, None)
        await chat.send_message(t("delete.done"))
    else:
        await chat.send_message(t("delete.kept"))

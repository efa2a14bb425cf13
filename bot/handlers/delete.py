"""/delete: every trace of the runner, after one confirmation, with a copy offered first."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot import housekeeping
from bot.deps import get_deps
from bot.handlers import taps
from bot.handlers.language import forget_language, speaking
from bot.messages.callbacks import DeleteButton
from bot.messages.export import delete_keyboard
from bot.store import runners
from bot.store.db import transaction


async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    """ "Want a copy of your data before I delete it?": [📦 A copy first] (the /export
    files, then the question again: bot/handlers/export.py), [Yes, delete], [No, keep]."""
    deps = get_deps(context)
    t = speaking(deps).texts
    chat = update.effective_chat
    assert chat is not None  # a command handler: every command comes from a chat
    await chat.send_message(t("delete.confirm"), reply_markup=delete_keyboard(t))
    # Also used as a fallback of the setup conversation: leave it, so no half-answered
    # question survives the deletion.
    return ConversationHandler.END


async def delete_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
    """ "Yes, delete" / "No, keep". The confirmation turns into the outcome (an edit, so a
    second tap on "No" adds nothing); a second "Yes" finds nothing left to delete and is
    answered with a notice instead of a second message.

    Also a fallback of the setup conversation (handlers/setup.py): "Yes" ends it, since
    the draft and state it runs on are gone; "No" leaves it where it was (None)."""
    # Forged, or an inline button without a chat to delete for: answered as expired.
    if (tap := await taps.tap_or_stale(update, context, DeleteButton)) is None:
        return None
    deps, t, query, chat = tap.deps, tap.t, tap.query, tap.chat
    if not tap.button.confirm:
        await query.answer()
        await taps.show(query, chat, t("delete.kept"), None)
        return None
    async with transaction(deps.sessions) as session:
        deleted = await runners.delete_runner(session, chat.id)
    await housekeeping.forget(deps, [chat.id])  # the cached draft and stored state
    forget_language(deps, chat.id)  # the language went with the row and the draft
    # Nothing deleted: a second "Yes" (or nobody to delete), said in the toast.
    await query.answer(None if deleted else t("records.nothing_to_delete"))
    await taps.show(query, chat, t("delete.done"), None)
    return ConversationHandler.END

"""Answers for everything outside the happy path: groups, unknown input, errors, stale buttons.

The bot never goes silent and never crashes: every update ends in a reply.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.deps import get_deps

log = logging.getLogger(__name__)


async def group_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: a command gets "message me privately", and nothing is stored."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    deps = get_deps(context)
    message = update.effective_message
    if update.callback_query is not None:
        await update.callback_query.answer(deps.content.texts("misc.stale_button"))
    elif message is not None and message.text and message.text.startswith("/"):
        link = f"https://t.me/{context.bot.username}"
        await message.reply_text(deps.content.texts("misc.group_only_private", link=link))
    raise ApplicationHandlerStop


async def wake_returning_runner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A runner who blocked the bot (or whose chat vanished) and writes again gets their
    reminders back, whatever they write."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    deps = get_deps(context)
    if chat.id not in deps.inactive:
        return
    from bot.handlers.today import wake

    await wake(deps, chat.id)


async def flush_conversations(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Persist changed conversation states at once (only changed ones are written)."""
    await context.application.update_persistence()


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    await update.effective_chat.send_message(deps.content.texts("misc.unknown_command"))  # type: ignore[union-attr]


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    await update.effective_chat.send_message(deps.content.texts("misc.non_text"))  # type: ignore[union-attr]


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    if update.callback_query is not None:
        await update.callback_query.answer(deps.content.texts("misc.stale_button"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        deps = get_deps(context)
        if update.callback_query is not None:
            await update.callback_query.answer()
        await update.effective_chat.send_message(deps.content.texts("misc.error"))
    except Exception:
        log.exception("Could not tell the runner about the error")

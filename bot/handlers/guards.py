"""Answers for everything outside the happy path: groups, unknown input, errors, stale buttons,
and a runner blocking or unblocking the bot.

The bot never goes silent and never crashes: every update ends in a reply.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError, TimedOut
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.deps import get_deps
from bot.handlers.language import speaking

log = logging.getLogger(__name__)


async def group_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups: a command gets "message me privately", and nothing is stored. A button
    under an inline-mode message (the bot has no inline mode, so it is forged) is answered
    as expired before any handler looks for the chat it does not have."""
    query = update.callback_query
    if query is not None and query.message is None:
        await query.answer(speaking(get_deps(context)).texts("misc.stale_button"))
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    deps = get_deps(context)
    message = update.effective_message
    if query is not None:
        await query.answer(speaking(deps).texts("misc.stale_button"))
    elif message is not None and message.text and message.text.startswith("/"):
        link = f"https://t.me/{context.bot.username}"
        await message.reply_text(speaking(deps).texts("misc.group_only_private", link=link))
    raise ApplicationHandlerStop


async def wake_returning_runner(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A runner who blocked the bot (or whose chat vanished) and writes again gets their
    reminders back, whatever they write. (Blocking and unblocking themselves are
    ``my_chat_member`` updates, which ``on_my_chat_member`` answers.)"""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or update.my_chat_member is not None:
        return
    deps = get_deps(context)
    if chat.id not in deps.inactive:
        return
    from bot.handlers.today import wake

    await wake(deps, chat.id)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The runner blocked the bot (Telegram says "kicked"): no reminders from now on, not
    only after the next one fails. Unblocked ("member"): reminders again at once."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    from bot.handlers.today import block, wake

    deps = get_deps(context)
    status = change.new_chat_member.status
    if status == ChatMember.BANNED:
        await block(deps, change.chat.id)
    elif status == ChatMember.MEMBER:
        await wake(deps, change.chat.id)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    if update.effective_chat is not None:
        await update.effective_chat.send_message(speaking(deps).texts("misc.unknown_command"))


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    if update.effective_chat is not None:
        await update.effective_chat.send_message(speaking(deps).texts("misc.non_text"))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    if update.callback_query is not None:
        await update.callback_query.answer(speaking(deps).texts("misc.stale_button"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error and tell the runner, unless telling would mislead.

    A reply that timed out may well have arrived (``bot.rate_limit`` does not send a
    message again after a timeout): "something went wrong" on top of a delivered
    "✅ Logged" would send the runner to try again for nothing, so a timeout is only
    logged."""
    chat = update.effective_chat if isinstance(update, Update) else None
    # The chat id rides on the record (LOG_FORMAT=json writes it as "chat_id").
    where = {"chat_id": chat.id} if chat is not None else {}
    if isinstance(context.error, TimedOut):
        log.warning(
            "A Bot API call timed out (a reply may still have arrived): %s",
            context.error,
            extra=where,
        )
        return
    log.error("Error while handling an update", exc_info=context.error, extra=where)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    deps = get_deps(context)
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:
            pass  # the handler answered it before it failed: one answer per query
    try:
        await update.effective_chat.send_message(speaking(deps).texts("misc.error"))
    except Exception:
        log.exception("Could not tell the runner about the error", extra=where)

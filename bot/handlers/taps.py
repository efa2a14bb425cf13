"""What every inline-button handler starts with: the tap, its chat and its data's parts."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.content import Texts
from bot.deps import Deps, get_deps


@dataclass(frozen=True)
class Tap:
    deps: Deps
    t: Texts
    query: CallbackQuery
    chat: Chat
    parts: list[str]  # the callback data split on ":" ("v1", "why", "20261127", "busy")

    async def stale(self) -> None:
        """An old, garbled or foreign button: a kind word, nothing else."""
        await self.query.answer(self.t("misc.stale_button"))

    async def close(self) -> None:
        """Take the buttons off the answered message, so a second tap has nothing to
        press (the message may be too old to edit: then it keeps them, harmlessly)."""
        try:
            await self.query.edit_message_reply_markup(reply_markup=None)
        except Exception:
            pass


async def show(
    query: CallbackQuery, chat: Chat, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Edit the tapped message; a second identical edit (a double tap) is a no-op, and a
    message that can no longer be edited gets a fresh one instead."""
    if isinstance(query.message, Message):
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    await chat.send_message(text, reply_markup=keyboard)


def tap_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Tap:
    deps = get_deps(context)
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and query.data is not None and chat is not None
    return Tap(deps, deps.content.texts, query, chat, query.data.split(":"))

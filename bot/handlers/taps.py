"""What every inline-button handler starts with: the tap, its chat and its parsed button.

Callback data comes from the runner's client, and a button can outlive what it was for
(an old message, a deleted runner, a newer release). So a handler never splits its data:
``tap_or_stale`` reads it with ``bot.messages.callbacks.parse`` and hands over a parsed
button of the family the handler expects, or answers misc.stale_button itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.content import Texts
from bot.deps import Deps, get_deps
from bot.handlers.language import speaking
from bot.messages.callbacks import Button, parse_as

B = TypeVar("B", bound=Button)


@dataclass(frozen=True)
class Tap(Generic[B]):
    deps: Deps
    t: Texts
    query: CallbackQuery
    chat: Chat
    button: B

    async def stale(self) -> None:
        """An old, garbled or foreign button: a kind word, nothing else."""
        await self.query.answer(self.t("misc.stale_button"))

    async def set_keyboard(self, keyboard: InlineKeyboardMarkup | None) -> None:
        """Replace the tapped message's buttons; a message that cannot be edited (too old,
        gone, unchanged by a double tap) keeps the ones it has."""
        if not isinstance(self.query.message, Message):
            return
        try:
            await self.query.edit_message_reply_markup(reply_markup=keyboard)
        except BadRequest:
            pass

    async def close(self) -> None:
        await close_buttons(self.query)


async def close_buttons(query: CallbackQuery) -> None:
    """Take the buttons off the answered message, so a second tap has nothing to press
    (the message may be too old to edit: then it keeps them, harmlessly)."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
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


async def tap_or_stale(
    update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[B]
) -> Tap[B] | None:
    """The tap with its button of ``kind`` (a class or a family of
    ``bot.messages.callbacks``), or None once it has been answered with misc.stale_button
    because no button of this bot can have sent it: data that does not parse as ``kind``,
    no data, or no chat (a button under an inline-mode message: Telegram sends no
    ``message`` then, and this bot writes none)."""
    query = update.callback_query
    if query is None:
        return None
    deps = get_deps(context)
    chat = update.effective_chat
    button = parse_as(query.data, kind)
    if chat is None or button is None:
        await query.answer(speaking(deps).texts("misc.stale_button"))
        return None
    return Tap(deps, speaking(deps).texts, query, chat, button)

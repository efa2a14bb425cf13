"""What every inline-button handler starts with: the tap, its chat and its data's parts.

Callback data comes from the runner's client, and a button can outlive what it was for
(an old message, a deleted runner, a newer release). So a handler reads its data with
the strict parsers here (and ``views.parse_day_code`` for its days): anything that is not
exactly what the bot itself puts on its buttons parses to None, and the handler answers
misc.stale_button instead of raising.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from telegram import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.content import Texts
from bot.deps import Deps, get_deps

Choice = TypeVar("Choice")


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


async def tap_or_stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Tap | None:
    """The tap, or None once it has been answered with misc.stale_button because no button
    of this bot can have sent it: one with no chat (a button under an inline-mode message:
    Telegram sends no ``message`` then, and this bot writes none) or with no data."""
    query = update.callback_query
    if query is None:
        return None
    if update.effective_chat is None or query.data is None:
        await query.answer(get_deps(context).content.texts("misc.stale_button"))
        return None
    return tap_of(update, context)


def button_args(data: str | None, prefix: str, *counts: int) -> list[str] | None:
    """What follows ``prefix`` in a button's data, split on ":" ("v1:pz:20261126:few" with
    prefix "v1:pz" gives ["20261126", "few"]); None unless the data starts with exactly that
    prefix and has one of ``counts`` parts after it."""
    if data is None:
        return None
    head = prefix.split(":")
    parts = data.split(":")
    if parts[: len(head)] != head or len(parts) - len(head) not in counts:
        return None
    return parts[len(head) :]


def button_choice(value: str, choices: Iterable[Choice]) -> Choice | None:
    """The one of ``choices`` that ``value`` spells exactly (an enum member by its value, a
    number by its digits); None for anything else. No int() or Enum() of forged text: "²"
    passes isdigit() and then breaks int(), "٣٠" is 30 to int() but never on a button."""
    for choice in choices:
        spelled = choice.value if isinstance(choice, Enum) else choice
        if str(spelled) == value:
            return choice
    return None

"""What runners type outside a question: "done", "skip" and the rest of the conversation.

``handlers()`` is registered after every command and button handler, so a text reaches
it only when nothing more specific took it.
"""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.coach.parsing import parse_done, parse_skip
from bot.coach.status import LogStatus
from bot.deps import Deps, get_deps
from bot.handlers.today import log_and_reply
from bot.messages import views
from bot.services.notes import note_after_workout
from bot.store.db import transaction


async def done_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed "done" (any case, punctuation or emoji; the rest is kept as a note)."""
    deps = get_deps(context)
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    status, parsed = LogStatus.DONE, parse_done(message.text or "")
    if parsed is None:
        status, parsed = LogStatus.SKIPPED, parse_skip(message.text or "")
    if parsed is None:
        if await _note_after_workout(deps, chat, message.text or ""):
            return
        await chat.send_message(deps.content.texts("misc.unknown_text"))
        return
    await log_and_reply(update, deps, None, status=status, note=parsed.note)


async def done_caption(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo (or other media) captioned "done" or "skip": the caption is the text. Any
    other caption gets the answer every non-text message gets."""
    deps = get_deps(context)
    message = update.effective_message
    assert message is not None
    caption = message.caption or ""
    status, parsed = LogStatus.DONE, parse_done(caption)
    if parsed is None:
        status, parsed = LogStatus.SKIPPED, parse_skip(caption)
    if parsed is None:
        await message.chat.send_message(deps.content.texts("misc.non_text"))
        return
    await log_and_reply(update, deps, None, status=status, note=parsed.note)


async def _note_after_workout(deps: Deps, chat: Chat, text: str) -> bool:
    """Free text soon after logging a session is a note on it ("planks were brutal")."""
    async with transaction(deps.sessions) as session:
        added = await note_after_workout(session, chat.id, text, deps.clock.now())
    if added:
        await chat.send_message(
            deps.content.texts("feedback.note_added", note=views.user_text(text))
        )
    return added


def command_handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """Commands of the conversation (registered before the unknown-command answer)."""
    return []


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """Typed text, and captions ("done" under a photo logs like the text)."""
    private = filters.ChatType.PRIVATE
    return [
        MessageHandler(private & filters.TEXT, done_text),
        MessageHandler(private & filters.CAPTION, done_caption),
    ]

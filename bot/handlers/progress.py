"""/progress: one photo (the last 12 weeks, the levels, the loads) with a short caption.

The runner's figures are read in one transaction (``read_progress``), which is closed
before the picture is drawn: no database connection waits on a chart. While it draws,
the chat shows "sending a photo…" (``sendChatAction`` upload_photo, which Telegram shows
for up to 5 s or until the photo arrives; a chart takes well under that, see
bench/progress_chart.py). The drawing runs off the event loop in ``bot.drawing``'s
``Drawer``, so other runners' updates and the reminders go on meanwhile. A drawing that
fails is logged and the caption is sent as a message instead: the runner always gets an
answer.
"""

from __future__ import annotations

import logging

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot.deps import get_deps
from bot.drawing import drawer_of
from bot.messages import progress as progress_messages
from bot.services.progress import read_progress
from bot.store.db import transaction

log = logging.getLogger(__name__)

#: The photo's file name as Telegram keeps it (the runner sees it when saving the picture).
FILE_NAME = "strength-progress.png"


async def progress_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    content = deps.content
    chat = update.effective_chat
    assert chat is not None  # a command handler: every command comes from a chat
    async with transaction(deps.sessions) as session:
        progress = await read_progress(session, chat.id, deps.clock.now(), catalog=content.catalog)
    if progress is None:
        await chat.send_message(content.texts("today.not_set_up"))
        return
    if progress.done_total == 0:
        await chat.send_message(progress_messages.no_sessions_text(content.texts))
        return
    caption = progress_messages.caption(content, progress)
    try:
        await chat.send_action(ChatAction.UPLOAD_PHOTO)
    except TelegramError as exc:  # only a courtesy: the photo still goes
        log.warning("Could not show 'sending a photo' to chat %s: %s", chat.id, exc)
    try:
        png = await drawer_of(context.application).draw(
            progress_messages.chart_data(content, progress)
        )
    except Exception:
        log.exception("Could not draw the /progress picture for chat %s", chat.id)
        await chat.send_message(progress_messages.without_picture(content, progress))
        return
    await chat.send_photo(InputFile(png, filename=FILE_NAME), caption=caption)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [CommandHandler("progress", progress_command, filters=filters.ChatType.PRIVATE)]

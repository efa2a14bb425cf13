"""/progress: one photo (the last 12 weeks, the levels, the loads) with a short caption.

The runner's figures are read in one transaction (``read_progress``), which is closed
before the picture is drawn: no database connection waits on a chart. While it draws,
the chat shows "sending a photo…" (``sendChatAction`` upload_photo). Telegram shows it for
5 s at most, or until the bot's next message (Bot API sendChatAction), and a chart may
wait longer than that for a free slot when many runners ask at once (``CHART_CONCURRENCY``
at a time, ~0.3 s each: bench/progress_chart.py), so it is sent again every
``ACTION_REFRESH_S`` until the picture is drawn. The drawing runs off the event loop in
``bot.drawing``'s ``Drawer``, so other runners' updates and the reminders go on
meanwhile. A drawing that
fails is logged and the caption is sent as a message instead: the runner always gets an
answer.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Chat, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot.deps import get_deps
from bot.drawing import Drawer, drawer_of
from bot.handlers.language import speaking
from bot.messages import progress as progress_messages
from bot.messages.progress_chart import ChartData
from bot.services.progress import read_progress
from bot.store.db import transaction

log = logging.getLogger(__name__)

#: The photo's file name as Telegram keeps it (the runner sees it when saving the picture).
FILE_NAME = "strength-progress.png"
#: "sending a photo…" is sent again after this long while the chart is still drawing:
#: under Telegram's 5 s, so the status does not blink off between two.
ACTION_REFRESH_S = 4.0


async def show_uploading(chat: Chat) -> None:
    try:
        await chat.send_action(ChatAction.UPLOAD_PHOTO)
    except TelegramError as exc:  # only a courtesy: the photo still goes
        log.warning("Could not show 'sending a photo' to chat %s: %s", chat.id, exc)


async def drawn(chat: Chat, drawer: Drawer, data: ChartData) -> bytes:
    """The picture, with "sending a photo…" shown until it is ready; the drawing's own
    exception if it failed."""
    drawing = asyncio.ensure_future(drawer.draw(data))
    try:
        while True:
            await show_uploading(chat)
            done, _ = await asyncio.wait({drawing}, timeout=ACTION_REFRESH_S)
            if done:
                return drawing.result()
    finally:
        drawing.cancel()  # a no-op once drawn; the handler cancelled: the slot is freed


async def progress_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    content = speaking(deps)
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
        data = progress_messages.chart_data(content, progress)
        png = await drawn(chat, drawer_of(context.application), data)
    except Exception:
        log.exception("Could not draw the /progress picture for chat %s", chat.id)
        await chat.send_message(progress_messages.without_picture(content, progress))
        return
    await chat.send_photo(InputFile(png, filename=FILE_NAME), caption=caption)


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [CommandHandler("progress", progress_command, filters=filters.ChatType.PRIVATE)]

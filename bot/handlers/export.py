"""/export, and "📦 A copy first" under /delete's question: the runner's data as two
documents (a CSV spreadsheet of the log and a JSON file of everything the bot holds).

The files are built off the event loop (``asyncio.to_thread``): rebuilding every past
session is CPU work that grows with the log (``bot.services.export``: about 2 s of CPU
for 3,000 logs), and the other runners' updates must not wait for it. One build at a
time (``EXPORT_BUILDS``): the GIL lets only one thread run Python at once, so a second
build would not finish sooner, only take more turns from the event loop.
"""

from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary

from telegram import Chat, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.content import Content
from bot.deps import Deps, get_deps
from bot.handlers import taps
from bot.handlers.language import speaking
from bot.messages import export as export_messages
from bot.messages.callbacks import ExportButton
from bot.services import export as export_service
from bot.services.export import ExportData
from bot.store.db import transaction

#: Exports built at once, per application (see the module docstring).
EXPORT_BUILDS = 1
_GATES: WeakKeyDictionary[object, asyncio.Semaphore] = WeakKeyDictionary()


def gate_of(context: ContextTypes.DEFAULT_TYPE) -> asyncio.Semaphore:
    """The application's export gate: made on first use, so it binds to the loop that
    runs the application (each test runs its own)."""
    found = _GATES.get(context.application)
    if found is None:
        found = _GATES[context.application] = asyncio.Semaphore(EXPORT_BUILDS)
    return found


def build_files(content: Content, data: ExportData) -> tuple[bytes, bytes]:
    """The CSV and the JSON file's bytes: pure, and slow for a long log (run it in a thread)."""
    t = content.texts
    sessions = export_service.past_sessions(content, data)
    return (
        export_messages.csv_bytes(t, data, sessions),
        export_messages.json_bytes(t, data, sessions),
    )


async def send_export(deps: Deps, chat: Chat, gate: asyncio.Semaphore) -> bool:
    """Send the runner's two files; a friendly text instead when nothing is stored.
    Returns whether files went out."""
    t = speaking(deps).texts
    async with transaction(deps.sessions) as session:
        data = await export_service.read_export(session, chat.id, deps.clock.now())
    if data is None:
        await chat.send_message(t("export.nothing"))
        return False
    await chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    async with gate:
        csv_file, json_file = await asyncio.to_thread(build_files, speaking(deps), data)
    csv_name, json_name = export_messages.file_names(t, data.today)
    await chat.send_document(
        csv_file, filename=csv_name, caption=export_messages.csv_caption(t, data)
    )
    await chat.send_document(json_file, filename=json_name, caption=export_messages.json_caption(t))
    return True


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None  # a command handler: every command comes from a chat
    await send_export(get_deps(context), chat, gate_of(context))


async def copy_first_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "📦 A copy first" under /delete's question: the question turns into "here is your
    copy first" (no buttons), the files go out, and the question is asked again.

    A double tap: both taps' edit is the same, and Telegram refuses the second as "not
    modified", so the second is answered with a toast and sends nothing."""
    if (tap := await taps.tap_or_stale(update, context, ExportButton)) is None:
        return
    deps, t, query, chat = tap.deps, tap.t, tap.query, tap.chat
    try:
        await query.edit_message_text(t("export.copy_coming"), reply_markup=None)
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            await query.answer(t("export.copy_already"))
            return
        # Too old to edit: the files and the question come all the same.
    await query.answer()
    if await send_export(deps, chat, gate_of(context)):
        await chat.send_message(
            t("export.ask_again"), reply_markup=export_messages.delete_keyboard(t, copy_first=False)
        )


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("export", export_command, filters=private),
        CallbackQueryHandler(copy_first_button, pattern=ExportButton.PATTERN),
    ]

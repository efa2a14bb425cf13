"""Undo: "undo", "oops, I tapped done by mistake", /undo or the ↩️ Undo button under a
confirmation removes that day's log and says so.

Typed, it takes back the latest log written today; the button, the log it sits under,
for the rest of the day it was written. A second tap finds nothing to take back and
answers in the toast only, never a second message.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.deps import Deps, get_deps
from bot.handlers.language import speaking
from bot.handlers.taps import tap_or_stale
from bot.messages import views
from bot.messages.callbacks import UndoButton
from bot.messages.today import undone_text
from bot.services.calendar import local_today
from bot.services.log import Undone, UndoResult, undo_log
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Runner


async def _undo(
    deps: Deps, chat_id: int, button: UndoButton | None
) -> tuple[Runner, Undone] | None:
    """The runner and what undo did, in one transaction; None if they are not set up."""
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        runner = await runners.read_runner(session, chat_id)
        if runner is None or not runner.onboarded:
            return None
        day = button.day if button is not None else None
        return runner, await undo_log(session, runner, now, day)


async def undo_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed undo (the conversation router, ``handlers.chat``, recognises it) or /undo."""
    deps = get_deps(context)
    t = speaking(deps).texts
    chat = update.effective_chat
    assert chat is not None
    found = await _undo(deps, chat.id, None)
    # Replies leave after the commit: a slow send must not hold a database connection.
    if found is None:
        await chat.send_message(t("done.not_set_up"))
        return
    runner, undone = found
    if undone.result is not UndoResult.UNDONE:
        await chat.send_message(t("log.nothing_to_undo"))
        return
    await chat.send_message(undone_text(t, undone, local_today(runner, deps.clock.now())))


async def on_undo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """↩️ Undo under "✅ Logged": take it back and say so, once; the buttons under the
    confirmation go with the log (feedback on a session not logged means nothing)."""
    if (tap := await tap_or_stale(update, context, UndoButton)) is None:
        return
    deps, t, query, chat = tap.deps, tap.t, tap.query, tap.chat
    found = await _undo(deps, chat.id, tap.button)
    if found is None:
        await tap.stale()
        return
    runner, undone = found
    if undone.result is UndoResult.TOO_LATE:
        await query.answer(views.toast(t("log.undo_too_late")))  # feedback still counts
        return
    if undone.result is not UndoResult.UNDONE:
        await query.answer(views.toast(t("log.undo_again")))
        return
    await query.answer()
    await tap.close()
    await chat.send_message(undone_text(t, undone, local_today(runner, deps.clock.now())))


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """The ↩️ Undo button and /undo."""
    return [
        CommandHandler("undo", undo_typed, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(on_undo_button, pattern=UndoButton.PATTERN),
    ]

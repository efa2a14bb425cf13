"""⏸ /pause's buttons: how long, why, then the confirmation — and the welcome back.

No conversation state: each step's buttons carry everything chosen so far, so any other
text or command simply moves on, and a button from an old /pause is recognised by its
date. Every step edits the /pause message, so a double tap sends nothing twice, and the
final tap writes the pause only if it changes something.

The buttons (``bot.messages.callbacks``, with the day the question was asked):
``PauseLength`` (next, the reason question), ``PausePick`` (pause), ``PauseKeep`` (keep
the running pause as it is).
"""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.content import Texts
from bot.handlers.taps import show, tap_or_stale
from bot.messages.callbacks import PauseButton, PauseKeep, PauseLength, PausePick
from bot.messages.pause import LENGTH_KEYS, confirmation_text, reason_keyboard
from bot.services.calendar import local_today
from bot.services.pause import pause_runner
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Runner


def handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    return [CallbackQueryHandler(on_pause_button, pattern=PauseButton.PATTERN)]


async def on_pause_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (tap := await tap_or_stale(update, context, PauseButton)) is None:
        return
    t, query, chat, choice = tap.t, tap.query, tap.chat, tap.button
    now = tap.deps.clock.now()
    already = False
    async with transaction(tap.deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
        problem = _problem(t, runner, choice, now)
        if runner is not None and problem is None and isinstance(choice, PausePick):
            already = await pause_runner(session, runner, choice.length, choice.reason, now)
    if problem is not None:
        await query.answer(problem)
        if runner is not None and runner.onboarded:
            await tap.close()  # an earlier day's question: take its buttons away
        return
    assert runner is not None
    today = local_today(runner, now)
    if isinstance(choice, PauseKeep) and not runners.pause_state_of(runner, today).running(today):
        await tap.stale()  # resumed since: nothing to keep
        await tap.close()
    elif isinstance(choice, PauseKeep):
        await query.answer()
        await show(query, chat, t("pause.kept"), None)
    elif isinstance(choice, PauseLength):
        await query.answer()
        text = t("pause.ask_reason", length=t(LENGTH_KEYS[choice.length]))
        await show(query, chat, text, reason_keyboard(t, today, choice.length))
    else:
        await query.answer(t("pause.answer_already" if already else "pause.answer_paused"))
        await show(
            query, chat, confirmation_text(t, runner, runners.stored_pause_state(runner)), None
        )


def _problem(t: Texts, runner: Runner | None, choice: PauseButton, now: datetime) -> str | None:
    if runner is None or not runner.onboarded:
        return t("pause.answer_not_set_up")
    if choice.day != local_today(runner, now):
        return t("pause.answer_old")
    return None

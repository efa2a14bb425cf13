"""/help, /pause and /resume. /pause only asks; its buttons live in ``handlers.pause``."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.deps import Deps, get_deps
from bot.handlers.language import speaking
from bot.messages import pause as pause_buttons
from bot.messages import views
from bot.services.calendar import local_today
from bot.services.pause import resume_runner
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Runner


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    chat = update.effective_chat
    assert chat is not None  # a command handler: every command comes from a chat
    await chat.send_message(speaking(deps).texts("help.text"))


def _next_line(deps: Deps, runner: Runner, coming: str) -> str:
    """The session that is on (today's first), then when the next reminder comes."""
    t = speaking(deps).texts
    if runner.reminder_time is None:
        reminder = t("pause.no_reminder")
    elif runner.next_reminder_utc is None:
        reminder = ""
    else:
        today = local_today(runner, deps.clock.now())
        reminder = t(
            "pause.next_reminder",
            when=views.when_text(t, runner.next_reminder_utc, runner.timezone, today),
        )
    return " ".join(part for part in (coming, reminder) if part)


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask how long (the buttons in ``handlers.pause`` do the rest); while paused, offer
    to change it. Nothing is written until the runner has chosen."""
    deps = get_deps(context)
    t = speaking(deps).texts
    chat = update.effective_chat
    assert chat is not None
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
    if runner is None or not runner.onboarded:
        await chat.send_message(t("pause.not_set_up"))
        return
    text, keyboard = pause_buttons.ask_length(t, runner, local_today(runner, deps.clock.now()))
    await chat.send_message(text, reply_markup=keyboard)


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """End a running pause (open or timed) as of yesterday, so its days stay paused in the
    history, and greet the runner back with how much easier the coming sessions start."""
    deps = get_deps(context)
    t = speaking(deps).texts
    chat = update.effective_chat
    assert chat is not None
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
        if runner is not None and runner.onboarded:
            resumed = await resume_runner(session, runner, now)
    # Answered after the commit: no reply is sent while a transaction holds a connection.
    if runner is None or not runner.onboarded:
        await chat.send_message(t("today.not_set_up"))
        return
    coming = pause_buttons.coming_line(t, resumed.session, resumed.today)
    next_line = _next_line(deps, runner, coming)
    if not resumed.was_paused:
        await chat.send_message(t("pause.not_paused", next_line=next_line))
        return
    focus = resumed.session.focus if resumed.session is not None else None
    welcome = pause_buttons.welcome_back_line(t, runner, resumed.today, resumed.history, focus)
    if welcome is None:
        await chat.send_message(t("pause.resumed", next_line=next_line))
    else:
        await chat.send_message(t("pause.resumed_back", welcome=welcome, next_line=next_line))

"""/help, /pause and /resume: one-line commands that need no conversation."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.coaching import local_today, next_reminder_for
from bot.deps import Deps, get_deps
from bot.handlers import views
from bot.store import runners
from bot.store.db import transaction
from bot.store.models import Runner


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    await update.effective_chat.send_message(deps.content.texts("help.text"))  # type: ignore[union-attr]


def _next_line(deps: Deps, runner: Runner) -> str:
    t = deps.content.texts
    if runner.reminder_time is None:
        return t("pause.no_reminder")
    if runner.next_reminder_utc is None:
        return ""
    today = local_today(runner, deps.clock.now())
    return t(
        "pause.next_reminder",
        when=views.when_text(t, runner.next_reminder_utc, runner.timezone, today),
    )


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    t = deps.content.texts
    chat = update.effective_chat
    assert chat is not None
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
        if runner is None or not runner.onboarded:
            await chat.send_message(t("today.not_set_up"))
            return
        if runner.paused:
            await chat.send_message(t("pause.already_paused"))
            return
        await runners.set_state(
            session, runner, now=deps.clock.now(), paused=True, next_reminder_utc=None
        )
    await chat.send_message(t("pause.paused"))


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    t = deps.content.texts
    chat = update.effective_chat
    assert chat is not None
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
        if runner is None or not runner.onboarded:
            await chat.send_message(t("today.not_set_up"))
            return
        was_paused = runner.paused
        runner.paused = False
        runner.active = True
        runner.next_reminder_utc = await next_reminder_for(session, runner, now=now)
        await runners.set_state(session, runner, now=now)
    key = "pause.resumed" if was_paused else "pause.not_paused"
    await chat.send_message(t(key, next_line=_next_line(deps, runner)))

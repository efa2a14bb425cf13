"""⏰ Later: one more reminder for today's session, without touching the daily schedule."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.deps import get_deps
from bot.handlers.language import speaking
from bot.handlers.taps import tap_or_stale
from bot.messages import views
from bot.messages.callbacks import SNOOZE_MINUTES, SnoozeButton, SnoozeFor
from bot.messages.snooze import no_time_left, snooze_keyboard
from bot.services.calendar import local_today
from bot.services.snooze import SnoozeCheck, SnoozeResult, fitting, snoozable, snooze
from bot.store import runners
from bot.store.db import transaction


async def on_snooze_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``SnoozeOffer`` offers the delays that still fit the day in place of ⏰ Later (or
    says plainly that none does); ``SnoozeFor`` schedules one. Only today's planned,
    unlogged session can be snoozed."""
    if (tap := await tap_or_stale(update, context, SnoozeButton)) is None:
        return
    deps, t, query, chat, day = tap.deps, tap.t, tap.query, tap.chat, tap.button.day
    minutes = tap.button.minutes if isinstance(tap.button, SnoozeFor) else None
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        found = await snoozable(session, chat.id, day, now)
    if found.check is SnoozeCheck.OTHER_DAY:
        await query.answer(t("misc.old_button_answer"))
        return
    if found.check is not SnoozeCheck.OK or found.focus is None or found.zone is None:
        await tap.stale()
        return
    if minutes is None:
        # First tap: offer the delays that fit in place of the "Later" button.
        await query.answer()
        choices = fitting(SNOOZE_MINUTES, day, found.zone, now)
        if not choices:
            await tap.set_keyboard(views.session_keyboard(t, day))
            await chat.send_message(no_time_left(t))
            return
        rows = [*views.session_keyboard(t, day).inline_keyboard]
        rows += snooze_keyboard(t, day, choices).inline_keyboard
        await tap.set_keyboard(InlineKeyboardMarkup(rows))
        return
    async with transaction(deps.sessions) as session:
        result, due = await snooze(session, chat.id, day, found.focus, found.zone, now, minutes)
    at = t.time(due.astimezone(found.zone).time())
    if result is SnoozeResult.ALREADY:
        # A double tap: the first press scheduled it and said so; this one only answers.
        await query.answer(views.toast(t("misc.snoozed", time=at)))
        return
    await query.answer()
    if result is SnoozeResult.LOGGED:
        await chat.send_message(t("misc.snooze_logged"))
        return
    if result is SnoozeResult.TOO_LATE:
        await chat.send_message(t("misc.snooze_too_late"))
        return
    await tap.set_keyboard(views.session_keyboard(t, day))
    await chat.send_message(t("misc.snoozed", time=at))


async def snooze_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """ "remind me in an hour", "напомни через час" typed instead of tapping ⏰ Later: the
    same snooze of today's session, in the delay the words name (``Matcher.snooze_delay``).
    None named ("remind me later"), or one past the day's end: the delays that still fit
    are offered as buttons, as the first tap on ⏰ Later does."""
    deps = get_deps(context)
    chat = update.effective_chat
    assert chat is not None
    content = speaking(deps)
    t = content.texts
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
        day = local_today(runner, now) if runner is not None else now.date()
        found = await snoozable(session, chat.id, day, now)
    if found.check is not SnoozeCheck.OK or found.focus is None or found.zone is None:
        await chat.send_message(t("snooze.nothing_today"))
        return
    choices = fitting(SNOOZE_MINUTES, day, found.zone, now)
    minutes = content.phrases.snooze_delay(text)
    if minutes is None or minutes not in choices:
        if not choices:
            await chat.send_message(no_time_left(t))
            return
        keyboard = snooze_keyboard(t, day, choices)
        await chat.send_message(t("misc.snooze_which"), reply_markup=keyboard)
        return
    async with transaction(deps.sessions) as session:
        result, due = await snooze(session, chat.id, day, found.focus, found.zone, now, minutes)
    if result is SnoozeResult.LOGGED:
        await chat.send_message(t("misc.snooze_logged"))
    elif result is SnoozeResult.TOO_LATE:
        await chat.send_message(t("misc.snooze_too_late"))
    else:  # scheduled, or the same snooze typed twice within the minute: said again
        at = t.time(due.astimezone(found.zone).time())
        await chat.send_message(t("misc.snoozed", time=at))

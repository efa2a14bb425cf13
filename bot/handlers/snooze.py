"""⏰ Later: one more reminder for today's session, without touching the daily schedule."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.handlers.taps import tap_or_stale
from bot.messages import views
from bot.messages.callbacks import SNOOZE_MINUTES, SnoozeButton, SnoozeFor
from bot.messages.snooze import no_time_left, snooze_keyboard
from bot.services.snooze import SnoozeCheck, SnoozeResult, fitting, snoozable, snooze
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

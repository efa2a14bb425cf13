"""⏰ Later: one more reminder for today's session, without touching the daily schedule."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.handlers.taps import tap_or_stale
from bot.messages import views
from bot.messages.callbacks import SnoozeButton, SnoozeFor
from bot.services.calendar import load_calendar, local_today, slot_for
from bot.store import logs, reminders, runners
from bot.store.db import transaction


async def on_snooze_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``SnoozeOffer`` offers the delays in place of ⏰ Later; ``SnoozeFor`` schedules one.
    Only today's planned, unlogged session can be snoozed."""
    if (tap := await tap_or_stale(update, context, SnoozeButton)) is None:
        return
    deps, t, query, chat, day = tap.deps, tap.t, tap.query, tap.chat, tap.button.day
    minutes = tap.button.minutes if isinstance(tap.button, SnoozeFor) else None
    now = deps.clock.now()
    calendar = None
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
        # Only today's button can snooze: any other day is not worth a calendar read.
        if runner is not None and runner.onboarded and day == local_today(runner, now):
            calendar = await load_calendar(session, runner, day)
    if runner is None or not runner.onboarded:
        await tap.stale()
        return
    if calendar is None:
        await query.answer(t("misc.old_button_answer"))
        return
    slot = slot_for(runner, day, calendar, day)
    focus = slot.focus if slot else None
    if focus is None:
        await tap.stale()  # today's session is gone since: paused, moved, plan changed
        return
    if minutes is None:
        # First tap: offer the choices in place of the "Later" button.
        await query.answer()
        rows = [*views.session_keyboard(t, day).inline_keyboard]
        rows += views.snooze_keyboard(t, day).inline_keyboard
        await tap.set_keyboard(InlineKeyboardMarkup(rows))
        return
    zone = ZoneInfo(runner.timezone)
    due = now + timedelta(minutes=minutes)
    scheduled = False
    async with transaction(deps.sessions) as session:
        logged = await logs.log_on(session, chat.id, day)
        if logged is None and due.astimezone(zone).date() == day:
            scheduled = await reminders.schedule_snooze(
                session, chat_id=chat.id, day=day, focus=focus.value, due=due
            )
    at = due.astimezone(zone).strftime("%H:%M")
    if logged is None and due.astimezone(zone).date() == day and not scheduled:
        # A double tap: the first press scheduled it and said so; this one only answers.
        await query.answer(views.toast(t("misc.snoozed", time=at)))
        return
    await query.answer()
    if logged is not None:
        await chat.send_message(t("misc.snooze_logged"))
        return
    if due.astimezone(zone).date() != day:
        await chat.send_message(t("misc.snooze_too_late"))
        return
    await tap.set_keyboard(views.session_keyboard(t, day))
    await chat.send_message(t("misc.snoozed", time=at))

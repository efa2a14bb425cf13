"""⏰ Later: one more reminder for today's session, without touching the daily schedule."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.coaching import load_calendar, local_today, slot_for
from bot.deps import get_deps
from bot.handlers import views
from bot.store import logs, reminders, runners
from bot.store.db import transaction


async def on_snooze_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    deps = get_deps(context)
    t = deps.content.texts
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and query.data is not None and chat is not None
    parts = query.data.split(":")
    day = views.parse_day_code(parts[2]) if len(parts) in (3, 4) else None
    minutes = int(parts[3]) if len(parts) == 4 and parts[3].isdigit() else None
    now = deps.clock.now()
    async with transaction(deps.sessions) as session:
        runner = await runners.get_runner(session, chat.id)
        calendar = await load_calendar(session, runner, day) if runner and day else None
    if day is None or runner is None or (len(parts) == 4 and minutes not in views.SNOOZE_MINUTES):
        await query.answer(t("misc.stale_button"))
        return
    today = local_today(runner, now)
    slot = slot_for(runner, day, calendar, today) if calendar is not None else None
    focus = slot.focus if slot else None
    if day != today or focus is None:
        await query.answer(t("misc.old_button_answer"))
        return
    if minutes is None:
        # First tap: offer the choices in place of the "Later" button.
        await query.answer()
        rows = [*views.session_keyboard(t, day).inline_keyboard]
        rows += views.snooze_keyboard(t, day).inline_keyboard
        await query.edit_message_reply_markup(reply_markup=InlineKeyboardMarkup(rows))
        return
    await query.answer()
    zone = ZoneInfo(runner.timezone)
    due = now + timedelta(minutes=minutes)
    async with transaction(deps.sessions) as session:
        logged = await logs.log_on(session, chat.id, day)
        if logged is None and due.astimezone(zone).date() == day:
            await reminders.schedule_snooze(
                session, chat_id=chat.id, day=day, focus=focus.value, due=due
            )
    if logged is not None:
        await chat.send_message(t("misc.snooze_logged"))
        return
    if due.astimezone(zone).date() != day:
        await chat.send_message(t("misc.snooze_too_late"))
        return
    await query.edit_message_reply_markup(reply_markup=views.session_keyboard(t, day))
    await chat.send_message(t("misc.snoozed", time=due.astimezone(zone).strftime("%H:%M")))

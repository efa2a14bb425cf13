"""The session message for a day (what /today shows and reminders send) and the reply to
"done": built from the runner, their log and the content, never from an update."""

from __future__ import annotations

from datetime import date, datetime

from telegram import InlineKeyboardMarkup

from bot.coach.calendar import History, Origin
from bot.coach.progression import Entry
from bot.coach.status import LogStatus
from bot.coach.week import PlannedDay
from bot.content import Content, Texts
from bot.messages import pause, views
from bot.services.calendar import local_today, next_slot, slot_for, upcoming
from bot.services.log import LogOutcome, LogResult
from bot.services.plan import day_plan
from bot.store import runners
from bot.store.models import Runner


def today_message(
    content: Content,
    runner: Runner,
    day: date,
    now: datetime,
    logged_status: str | None,
    history: list[Entry],
    calendar: History | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The session message for a day — the same text /today shows and reminders send.

    ``calendar`` (logs, moves, pauses) places moved and re-offered sessions; without it,
    the weekly plan alone."""
    t = content.texts
    week = runners.week_of(runner)
    today = local_today(runner, now)
    slot = slot_for(runner, day, calendar, today) if calendar is not None else None
    moved = slot is not None and slot.origin is not Origin.PLANNED
    if calendar is not None and slot is None:
        plan = None
    else:
        focus = slot.focus if slot is not None and moved else None
        plan = day_plan(content, runner, history, day, focus)
    if plan is None:
        following = (
            next_slot(runner, calendar, day, include_today=False)
            if calendar is not None
            else upcoming(week, day, include_today=False)
        )
        planned = PlannedDay(following.day, following.focus) if following else None
        return views.rest_day_text(t, week, day, planned), None
    text = views.session_text(t, plan, week, today, logged_status)
    if day == today and (welcome := pause.welcome_back_line(t, runner, today, history)):
        text = welcome + "\n\n" + text
    if moved and slot is not None and slot.from_day is not None:
        key = "calendar.moved_here" if slot.origin is Origin.MOVED else "calendar.reoffered"
        text = t(key, day=views.day_label(t, slot.from_day, today)) + "\n" + text
    keyboard = None if logged_status else views.session_keyboard(t, day)
    return text, keyboard


def outcome_text(t: Texts, outcome: LogOutcome, today: date, note: str | None) -> str:
    assert outcome.day is not None
    day = views.day_label(t, outcome.day, today)
    focus = views.focus_label(t, outcome.focus) if outcome.focus else ""
    if outcome.result is LogResult.ALREADY:
        status = t(f"done.already_{outcome.status}_status")
        return t("done.already", day=day, status=status)
    if outcome.result is LogResult.TOO_OLD:
        return t("done.too_old", day=day)
    if outcome.status == LogStatus.SKIPPED:
        return t("done.skipped", focus=focus, day=day, next_line="")
    count, planned = outcome.done_this_week, outcome.planned_this_week
    cheer = t(f"done.cheer_{min(count, 3) if count < planned or planned == 0 else 3}")
    if count == 1 and planned > 1:
        cheer = t("done.cheer_1")
    key = "done.logged_extra" if count > planned else "done.logged"
    text = t(key, focus=focus, day=day, count=count, planned=planned, cheer=cheer)
    if note:
        text += "\n" + t("done.note_saved", note=views.user_text(note))
    return text

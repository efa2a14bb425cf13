"""The session message for a day (what /today shows and reminders send) and the reply to
"done": built from the runner, their log and the content, never from an update."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coach.calendar import History, Origin, week_for
from bot.coach.day import is_race_day
from bot.coach.milestones import Kind, Milestone
from bot.coach.progression import Entry
from bot.coach.status import LogStatus
from bot.coach.week import PlannedDay
from bot.content import Content, Texts
from bot.messages import pause, views
from bot.messages.callbacks import UndoButton
from bot.services.calendar import local_today, monday_of, upcoming
from bot.services.loads import unit_of
from bot.services.log import LogOutcome, LogResult, Undone
from bot.services.plan import (
    coaching_of,
    day_plan,
    next_session_of,
    plan_of_session,
    session_of_day,
)
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
    the weekly plan alone. Either way ``services.plan`` decides what the session is."""
    t = content.texts
    # The week as it is that week: "this week is different" changes why a day was chosen.
    week = week_for(runners.week_of(runner), calendar, day)
    today = local_today(runner, now)
    race_day = coaching_of(runner).race_day
    if is_race_day(day, coaching_of(runner)):
        return t("log.race_day"), None
    slot = None
    if calendar is not None:
        found = session_of_day(runner, calendar, history, day, today)
        plan = plan_of_session(content, runner, calendar, history, found) if found else None
        slot = found.slot if found else None
    else:
        plan = day_plan(content, runner, history, day)
    if plan is None:
        state = runners.pause_state_of(runner, today)
        if state.running(day):
            return paused_text(t, state.until), None
        if calendar is not None:
            following = next_session_of(runner, calendar, history, day, today)
            planned = PlannedDay(following.day, following.focus) if following else None
        else:
            planned = upcoming(week, day, include_today=False)
        # Race eve and the day after: one piece of advice (the race's), then what comes
        # next, not the race's line followed by "no strength today, it's a run day".
        if race_day is not None and day == race_day - timedelta(days=1):
            text = t("race.eve") + "\n\n" + views.next_session_line(t, planned, day)
        elif race_day is not None and day == race_day + timedelta(days=1):
            text = t("log.after_race") + "\n\n" + views.next_session_line(t, planned, day)
        else:
            text = views.rest_day_text(t, week, day, planned)
        return text, None
    text = views.session_text(t, plan, week, today, logged_status, unit=unit_of(runner))
    if day == today and (
        welcome := pause.welcome_back_line(t, runner, today, history, plan.adjustment.focus)
    ):
        text = welcome + "\n\n" + text
    if race_day is not None and day == race_day + timedelta(days=1):
        text = t("log.after_race") + "\n\n" + text
    if slot is not None and slot.origin is not Origin.PLANNED and slot.from_day is not None:
        key = "calendar.moved_here" if slot.origin is Origin.MOVED else "calendar.reoffered"
        text = t(key, day=views.day_label(t, slot.from_day, today)) + "\n" + text
    keyboard = None if logged_status else views.session_keyboard(t, day, plan.ask_feedback)
    return text, keyboard


def paused_text(t: Texts, until: date | None) -> str:
    """/today while paused: until when, and how to come back sooner."""
    if until is None:
        return t("log.paused_open")
    return t("log.paused_until", back=pause.date_text(t, until + timedelta(days=1)))


def outcome_text(t: Texts, outcome: LogOutcome, today: date, note: str | None) -> str:
    assert outcome.day is not None
    day = views.day_label(t, outcome.day, today)
    focus = views.focus_label(t, outcome.focus) if outcome.focus else ""
    if outcome.result is LogResult.ALREADY:
        status = t(f"done.already_{outcome.status}_status")
        # A skip logged twice is not praised: "nice work" is for a session done.
        key = "done.already_skip" if outcome.status == LogStatus.SKIPPED else "done.already"
        return t(key, day=day, status=status)
    if outcome.result is LogResult.TOO_OLD:
        return t("done.too_old", day=day)
    if outcome.result is LogResult.BEFORE_START:
        return t("log.before_start", day=day)
    if outcome.result is LogResult.RACE_DAY:
        return t("log.race_skip" if outcome.status == LogStatus.SKIPPED else "log.race_done")
    if outcome.status == LogStatus.SKIPPED:
        return t("done.skipped", focus=focus, day=day, next_line="")
    count, planned = outcome.done_this_week, outcome.planned_this_week
    cheer = t(f"done.cheer_{min(count, 3) if count < planned or planned == 0 else 3}")
    if count == 1 and planned > 1:
        cheer = t("done.cheer_1")
    key = "done.logged_extra" if count > planned else "done.logged"
    if outcome.day < monday_of(today):
        # Monday's "done" for Saturday's session: the count is that week's, not this one's.
        key = "done.logged_last_week"
    text = t(key, focus=focus, day=day, count=count, planned=planned, cheer=cheer)
    if note:
        text += "\n" + t("done.note_saved", note=views.user_text(note))
    if outcome.milestone is not None:
        reached_on = outcome.milestone_day or today
        text += "\n" + milestone_line(t, outcome.milestone, reached_on, today)
    return text


# Each kind's line when reached today, and when held back from an earlier day.
MILESTONE_TEXTS: dict[Kind, tuple[str, str]] = {
    Kind.FIRST: ("milestones.first", "milestones.first_late"),
    Kind.SESSIONS: ("milestones.sessions", "milestones.sessions_late"),
    Kind.STREAK: ("milestones.streak", "milestones.streak_late"),
    Kind.LEVEL: ("milestones.level", "milestones.level_late"),
}


def milestone_line(t: Texts, milestone: Milestone, reached_on: date, today: date) -> str:
    """The one milestone line a "done" reply carries; a held one names its day."""
    now_key, late_key = MILESTONE_TEXTS[milestone.kind]
    focus = views.focus_label(t, milestone.focus) if milestone.focus else ""
    return t(
        late_key if reached_on != today else now_key,
        count=milestone.count,
        focus=focus,
        day=views.day_label(t, reached_on, today),
    )


def undo_button(t: Texts, day: date) -> InlineKeyboardButton:
    return InlineKeyboardButton(t("log.undo_button"), callback_data=UndoButton(day).pack())


def logged_keyboard(t: Texts, day: date) -> InlineKeyboardMarkup:
    """Under "✅ Logged": how it felt, then ↩️ Undo (a tap by mistake, for the rest of the day)."""
    rows = [*views.feedback_keyboard(t, day).inline_keyboard, [undo_button(t, day)]]
    return InlineKeyboardMarkup(rows)


def undone_text(t: Texts, undone: Undone, today: date) -> str:
    """What undo took back: the day's log, and a skip's move with it."""
    day = views.day_label(t, undone.day, today)
    focus = views.focus_label(t, undone.focus)
    if undone.status == LogStatus.DONE:
        return t("log.undone_done", focus=focus, day=day)
    if undone.moved_to is not None:
        return t(
            "log.undone_move", focus=focus, day=day, to=views.day_label(t, undone.moved_to, today)
        )
    return t("log.undone_skip", focus=focus, day=day)
